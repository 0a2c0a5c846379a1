/**
 * Whether sudo would run a command without asking for a password, found out without running it: a
 * refused `sudo -n COMMAND` is a line in the server's auth log ("a password is required ;
 * COMMAND=…"), which reading peer names on its own must never cause. What the lab showed (sudo
 * 1.9.13, `Defaults logfile=` capturing what sudo logs):
 * - `sudo -n -l COMMAND` of a command the rules do not allow exits 1 and logs nothing; allowed, it
 *   exits 0 and logs nothing. But it also exits 0 when the command is allowed only WITH a password
 *   (Debian's `%sudo ALL=(ALL:ALL) ALL` plus a NOPASSWD rule for wg): it answers "may", not "without
 *   a password".
 * - `sudo -n -ll` lists the rules, each entry with its options: `!authenticate` is NOPASSWD. Logs
 *   nothing either.
 * - Only `Defaults listpw=always` makes listing itself need a password (and that refusal is logged);
 *   that is not the default (`any`: no password when any rule of the user is NOPASSWD, as the `wg`
 *   rule the collector already relies on is).
 * So: the listing (in the C locale, which is what is parsed) must show that the rule that decides for
 * the command is NOPASSWD, and then `sudo -n -l` of the exact command must allow it. Whatever this
 * parse does not understand counts as "a password may be needed": names then come from peer
 * operations only, as before.
 */

export const SUDO_LIST_LINE = 'LC_ALL=C sudo -n -ll';

type Match = 'yes' | 'maybe' | 'no';

interface Entry {
  runAsUsers: string[] | null;
  options: string[];
  commands: string[];
}

/** Whether `listing` (`sudo -ll` in the C locale) says `program` (an absolute path) runs as root without a password. */
export function listingAllowsWithoutPassword(listing: string, program: string): boolean {
  const { defaults, entries } = parseListing(listing);
  const noPasswordByDefault = defaults.includes('!authenticate');
  // sudoers: the last matching rule decides, so the last entry that may match is the one that counts.
  let verdict: 'nopasswd' | 'other' | null = null;
  for (const entry of entries) {
    if (entry.runAsUsers !== null && !entry.runAsUsers.some((u) => u === 'root' || u === 'ALL')) continue;
    const noPassword = entry.options.includes('!authenticate')
      ? true
      : entry.options.includes('authenticate')
        ? false
        : noPasswordByDefault;
    for (const raw of entry.commands) {
      const negated = raw.startsWith('!');
      const match = commandMatch(negated ? raw.slice(1).trim() : raw, program);
      if (match === 'no') continue;
      verdict = match === 'yes' && !negated && noPassword ? 'nopasswd' : 'other';
    }
  }
  return verdict === 'nopasswd';
}

/**
 * `ALL` or the program itself without arguments: yes. A pattern, arguments, an alias, a digest, or a
 * program of the same name under another path (sudo compares inodes: /usr/bin/sh on a merged-/usr
 * system is /bin/sh): maybe. Another program: no.
 */
function commandMatch(command: string, program: string): Match {
  if (command === 'ALL') return 'yes';
  const [path = '', ...args] = command.split(' ');
  if (!path.startsWith('/') || /[*?[\]\\]/.test(path)) return 'maybe';
  if (path.endsWith('/')) return program.startsWith(path) ? 'maybe' : 'no';
  if (basename(path) !== basename(program)) return 'no';
  return path === program && args.length === 0 ? 'yes' : 'maybe';
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function parseListing(listing: string): { defaults: string[]; entries: Entry[] } {
  const lines = listing.split('\n');
  const defaults: string[] = [];
  const entries: Entry[] = [];
  let section: 'defaults' | 'commands' | 'entry' | null = null;
  let entry: Entry | null = null;
  for (const line of lines) {
    const text = line.trim();
    if (/^Matching Defaults entries for /.test(line)) {
      section = 'defaults';
    } else if (text === 'Sudoers entry:') {
      entry = { runAsUsers: null, options: [], commands: [] };
      entries.push(entry);
      section = 'entry';
    } else if (/^User .* may run the following commands/.test(line)) {
      section = null;
    } else if (section === 'defaults' && text !== '') {
      defaults.push(...splitList(text));
    } else if (entry && section !== 'defaults') {
      const field = /^(RunAsUsers|Options|Commands):\s*(.*)$/.exec(text);
      if (field?.[1] === 'RunAsUsers') entry.runAsUsers = splitList(field[2] ?? '');
      else if (field?.[1] === 'Options') entry.options.push(...splitList(field[2] ?? ''));
      else if (field?.[1] === 'Commands') section = 'commands';
      else if (section === 'commands' && text !== '') entry.commands.push(text);
    }
  }
  return { defaults, entries };
}

/** `a, b, c` (sudo escapes a comma inside a value with a backslash). */
function splitList(text: string): string[] {
  return text
    .split(/(?<!\\), /)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
