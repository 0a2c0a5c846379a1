// The CLI's usage as an admin meets it: every command's --help exits 0 with that command's usage, and
// a flag a command does not have is refused with its usage (exit 2), never silently ignored.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const WGDECK = join(import.meta.dirname, '..', '..', 'bin', 'wgdeck');
const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-usage-'));
const run = (...args: string[]) => {
  const result = spawnSync(WGDECK, ['--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

/** The same, several at once (each spawn is a Node start; the machine has two cores). */
const runAsync = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  new Promise<{ args: string[]; code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(WGDECK, ['--data-dir', dataDir, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ args, code, stdout, stderr }));
  });

/** Every command the CLI has, groups and subcommands, and what its usage line starts with. */
const COMMANDS: [string[], string][] = [
  [[], 'Usage: wgdeck [--data-dir DIR] COMMAND'],
  [['server'], 'Usage: wgdeck server COMMAND'],
  [['server', 'add'], 'Usage: wgdeck server add NAME --host H'],
  [['server', 'import'], 'Usage: wgdeck server import [options]'],
  [['server', 'list'], 'Usage: wgdeck server list [--json]'],
  [['server', 'remove'], 'Usage: wgdeck server remove NAME'],
  [['server', 'trust'], 'Usage: wgdeck server trust NAME --replace'],
  [['status'], 'Usage: wgdeck status [options]'],
  [['watch'], 'Usage: wgdeck watch [--server NAME ...]'],
  [['serve'], 'Usage: wgdeck serve [options]'],
  [['collect'], 'Usage: wgdeck collect [options]'],
  [['peer'], 'Usage: wgdeck peer COMMAND'],
  [['peer', 'list'], 'Usage: wgdeck peer list --server S --interface I [--json]'],
  [['peer', 'add'], 'Usage: wgdeck peer add --server S --interface I --name N'],
  [['peer', 'edit'], 'Usage: wgdeck peer edit --server S --interface I --peer KEY_OR_NAME'],
  [['peer', 'disable'], 'Usage: wgdeck peer disable|enable|remove --server S'],
  [['peer', 'enable'], 'Usage: wgdeck peer disable|enable|remove --server S'],
  [['peer', 'remove'], 'Usage: wgdeck peer disable|enable|remove --server S'],
  [['peer', 'restore'], 'Usage: wgdeck peer restore --server S --interface I --backup ID'],
  [['drift'], 'Usage: wgdeck drift --server S'],
  [['alert'], 'Usage: wgdeck alert COMMAND'],
  [['alert', 'add'], 'Usage: wgdeck alert add KIND [options]'],
  [['alert', 'edit'], 'Usage: wgdeck alert edit ID [options]'],
  [['alert', 'list'], 'Usage: wgdeck alert list [--json]'],
  [['alert', 'remove'], 'Usage: wgdeck alert remove ID'],
  [['alert', 'snooze'], 'Usage: wgdeck alert snooze ID [--for AGE]'],
  [['help'], 'Usage: wgdeck help [COMMAND...]'],
];
const LEAVES = COMMANDS.filter(([path]) => !['', 'server', 'peer', 'alert'].includes(path.join(' ')));

const ESC = '\u001b';

describe('wgdeck usage', () => {
  it.each([
    [[], 'Usage: wgdeck'],
    [['server'], 'server add NAME'],
    [['server', 'add'], 'server add NAME'],
    [['server', 'list'], 'server list'],
    [['status'], 'status [options]'],
    [['watch'], 'watch [--server'],
    [['serve'], 'serve [options]'],
    [['peer'], 'peer list'],
    [['peer', 'list'], 'peer list'],
    [['peer', 'add'], 'peer add'],
    [['drift'], 'drift --server'],
  ])('%j --help exits 0 with its usage', (args, usage) => {
    for (const flag of ['--help', '-h']) {
      const result = run(...args, flag);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(usage);
      expect(result.stderr).toBe('');
    }
  });

  it.each([
    [['peer', 'list', '--server', 'a', '--interface', 'wg0', '--qr'], "Unknown option '--qr'", 'peer list'],
    [
      ['peer', 'remove', '--server', 'a', '--interface', 'wg0', '--peer', 'p', '--name', 'x'],
      "Unknown option '--name'",
      'peer disable|enable|remove',
    ],
    [['status', '--bogus'], "Unknown option '--bogus'", 'status [options]'],
  ])('%j is refused with the command`s usage', (args, message, usage) => {
    const result = run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(usage);
    expect(result.stderr).not.toContain('To specify a positional argument');
  });

  it('fits an 80-column terminal', () => {
    const help = run('--help');
    const wide = help.stdout.split('\n').filter((line) => line.length > 80);
    expect(wide).toEqual([]);
  });

  it('every command`s --help (and help COMMAND) exits 0 with its own usage, escape-free, in 80 columns', async () => {
    // FORCE_COLOR asks for colour even on a pipe: the help must stay plain text anyway.
    const env = { ...process.env, FORCE_COLOR: '3' };
    const results = await Promise.all([
      ...COMMANDS.map(([path]) => runAsync([...path, '--help'], env)),
      ...COMMANDS.filter(([path]) => path.length > 0).map(([path]) => runAsync(['help', ...path], env)),
    ]);
    const usage = new Map(COMMANDS.map(([path, line]) => [path.join(' '), line]));
    for (const result of results) {
      const path = result.args.at(-1) === '--help' ? result.args.slice(0, -1) : result.args.slice(1);
      const label = result.args.join(' ');
      expect(result.code, `${label}: ${result.stderr}`).toBe(0);
      expect(result.stderr, label).toBe('');
      expect(result.stdout.startsWith(usage.get(path.join(' '))!), `${label}:\n${result.stdout}`).toBe(true);
      expect(result.stdout.includes(ESC), label).toBe(false);
      expect(
        result.stdout.split('\n').filter((line) => line.length > 80),
        label,
      ).toEqual([]);
    }
    // `help peer add` is `peer add --help`, word for word.
    const byArgs = new Map(results.map((r) => [r.args.join(' '), r.stdout]));
    expect(byArgs.get('help peer add')).toBe(byArgs.get('peer add --help'));
  }, 240_000);

  it('the top-level help lists every command', () => {
    const help = run('--help');
    for (const name of ['server', 'status', 'watch', 'serve', 'peer', 'drift', 'help']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    expect(help.stdout).toContain('Exit codes:');
  });

  it('status --help is its help, not a parser error', () => {
    const result = run('status', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: wgdeck status');
    expect(result.stdout).toContain('--server NAME');
    expect(result.stderr).toBe('');
    expect(result.stdout + result.stderr).not.toMatch(/ERR_PARSE_ARGS|TypeError|Unknown option/);
  });

  it('peer --help lists the peer commands without asking for --server', () => {
    const result = run('peer', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('is required');
    for (const sub of ['list', 'add', 'edit', 'disable', 'enable', 'remove', 'restore']) {
      expect(result.stdout).toContain(`peer ${sub}`);
    }
  });

  it('peer list --qr is refused as an unknown flag first, before the missing --server', () => {
    const result = run('peer', 'list', '--qr');
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe("wgdeck: Unknown option '--qr'");
    expect(result.stderr).toContain('Usage: wgdeck peer list --server S --interface I [--json]');
    expect(result.stdout).toBe('');
  });

  it('an unknown flag on each command is refused: one line, then that command`s usage, exit 2', async () => {
    const results = await Promise.all(LEAVES.map(([path]) => runAsync([...path, '--bogus'])));
    for (const result of results) {
      const label = result.args.join(' ');
      const usage = COMMANDS.find(([path]) => [...path, '--bogus'].join(' ') === label)![1];
      expect(result.code, `${label}: ${result.stderr}`).toBe(2);
      const [first, second] = result.stderr.split('\n');
      expect(first, label).toBe("wgdeck: Unknown option '--bogus'");
      expect(second!.startsWith(usage), `${label}:\n${result.stderr}`).toBe(true);
      expect(result.stdout, label).toBe('');
    }
  }, 240_000);

  it.each([
    [['server', 'add'], "wgdeck: Missing required argument 'NAME'", 'Usage: wgdeck server add NAME'],
    [['server', 'add', 'a'], 'wgdeck: --host is required', 'Usage: wgdeck server add NAME'],
    [
      ['server', 'remove', 'a', 'b'],
      "wgdeck: Too many arguments for 'remove'",
      'Usage: wgdeck server remove',
    ],
    [['server', 'trust', 'a'], 'wgdeck: --replace is required', 'Usage: wgdeck server trust NAME'],
    [['status', 'extra'], "wgdeck: Too many arguments for 'status'", 'Usage: wgdeck status'],
    [
      ['peer', 'add', '--server', 'a', '--interface', 'wg0'],
      'wgdeck: --name is required',
      'Usage: wgdeck peer add',
    ],
    [['peer', 'list', '--server', 'a'], 'wgdeck: --interface is required', 'Usage: wgdeck peer list'],
    [['peer', 'bogus'], "wgdeck: Unknown command 'bogus'", 'Usage: wgdeck peer COMMAND'],
    [['stauts'], "wgdeck: Unknown command 'stauts' (did you mean status?)", 'Usage: wgdeck [--data-dir'],
    [['drift'], 'wgdeck: --server is required', 'Usage: wgdeck drift --server S'],
    [['help', 'bogus'], "wgdeck: Unknown command 'bogus'", 'Usage: wgdeck [--data-dir'],
  ])('%j is refused with one line and the command`s usage (exit 2)', (args, line, usage) => {
    const result = run(...args);
    expect(result.code).toBe(2);
    const [first, second] = result.stderr.split('\n');
    expect(first).toContain(line);
    expect(second!.startsWith(usage), result.stderr).toBe(true);
  });

  it('a group without its command says so, then shows its commands', () => {
    const result = run('peer');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^wgdeck: peer needs a command\nUsage: wgdeck peer COMMAND\n/);
    expect(result.stderr).toContain('peer add');
  });

  it('an escape sequence in a mistyped flag reaches the terminal escaped', () => {
    const result = run('status', `--${ESC}[2J${ESC}]0;pwned\u0007`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown option');
    expect(result.stderr.includes(ESC)).toBe(false);
    expect(result.stderr.includes('\u0007')).toBe(false);
    expect(result.stderr).toContain('\\u001B[2J');
  });

  it('--version prints the version', () => {
    const { version } = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
    ) as { version: string };
    const result = run('--version');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('keeps --data-dir after the command, and WGDECK_DATA_DIR', () => {
    const other = mkdtempSync(join(tmpdir(), 'wgdeck-usage-other-'));
    const after = spawnSync(WGDECK, ['server', 'list', '--json', '--data-dir', other], { encoding: 'utf8' });
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toContain('"servers": []');
    const inline = spawnSync(WGDECK, ['server', 'list', `--data-dir=${other}`], { encoding: 'utf8' });
    expect(inline.status, inline.stderr).toBe(0);
    const env = spawnSync(WGDECK, ['server', 'list', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, WGDECK_DATA_DIR: other },
    });
    expect(env.status, env.stderr).toBe(0);
    expect(env.stdout).toContain('"servers": []');
  });

  it('wgdeck alone prints the overview and exits 2', () => {
    const result = spawnSync(WGDECK, ['--data-dir', dataDir], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('Usage: wgdeck');
  });
});
