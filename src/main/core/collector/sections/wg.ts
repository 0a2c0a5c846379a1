import { parseWgDump } from '../parse-wg-dump.ts';
import { cleanMessage, parseUint, quote } from '../text-fields.ts';
import { defineSection, parsed, sh, unusable } from './section.ts';
import type { Fills } from './snapshot-fields.ts';

/**
 * One awk per frame masks the dump and, for a delta frame, compares it with the previous one. Its
 * input: the previous masked dump (delta frames only), `@@`, wg's output, and `@rc <wg's exit code>`.
 * It prints the section itself, marker line first (only it knows the exit code by then): the whole
 * masked dump, or `+ <line>` for each line new or changed since frame `base` (any field: counters,
 * handshake, endpoint) and `- <key>` for each one gone. With `keep=1` it also writes the masked dump
 * to fd 3, which the shell keeps for the next frame. Masking: every preshared key (field 3 of 9-field
 * peer lines) and, on every other line, field 2 (the interface private key, whatever the line's width
 * in some other `wg` build) become "(hidden)". A line's key is its interface, and for a peer the
 * interface and public key (wg-delta.ts keys alike), worked out once per line as it is read. Exits 1
 * when wg failed, so the shell asks why.
 */
const WG_AWK =
  'function key(){return NF==9 ? $1 FS $2 : $1} ' +
  'BEGIN{FS=OFS="\\t"} NF==0{next} $0=="@@"{c=1; next} !c{o[key()]=$0; next} ' +
  '/^@rc [0-9]+$/{rc=substr($0,5)+0; next} ' +
  '{if(NF==9){if($3!="(none)")$3="(hidden)"} else if($2!="(none)")$2="(hidden)"; d[++m]=$0; if(base!="") dk[m]=key()} ' +
  'END{if(rc!=0){print "@wgdeck wg " rc; exit 1} ' +
  'if(base==""){print "@wgdeck wg 0"; for(i=1;i<=m;i++) print d[i]} ' +
  'else{print "@wgdeck wg 0 delta " base; for(i=1;i<=m;i++){k=dk[i]; s[k]=1; ' +
  'if(!(k in o) || o[k]!=d[i]) print "+ " d[i]} for(k in o) if(!(k in s)) print "- " k} ' +
  'if(keep) for(i=1;i<=m;i++) print d[i] > "/dev/fd/3"}';

/** Prefix of the lines the script writes instead of the dump when `wg` fails. */
const ERROR_LINE_PREFIX = '! ';
/** Enough bytes for 1 KiB of cleaned text even when the lines are short and prefixed. */
const MAX_ERROR_BYTES = 4 * 1024;

/**
 * `@wgdeck wg <exit-code>`, then on 0 `wg show all dump` with its secrets masked, otherwise wg's
 * complaint as "! "-prefixed lines (at most 20 of 400 characters). A failing `wg` (sudo wants a
 * password) is reported in the snapshot while the other sections keep flowing; a section that does
 * not parse drops the frame, since a partial peer list would look like peers vanishing.
 *
 * Secrets never leave the server: awk replaces every preshared key (field 3 of 9-field peer lines)
 * and, on every other line, field 2 (the interface private key, whatever the line's width in some
 * other `wg` build) with "(hidden)" before anything is written to the channel. Without wg the script
 * prints `@wgdeck fatal no-wg ...` before its first frame and exits.
 */
export const wgSection = defineSection({
  name: 'wg',
  remote: {
    setup: sh`
      if [ "$2" = sudo ]; then WG="sudo -n wg"; else WG="wg"; fi
      if ! command -v wg >/dev/null 2>&1; then
        echo "@wgdeck fatal no-wg the 'wg' command (wireguard-tools) is not installed on this server"
        exit 127
      fi
      kev=$6; wgn=; wgp=; kf=; wga='${WG_AWK}'
      case "$kev" in ''|*[!0-9]*) kev=0;; esac
      trap 'kf=1' USR1`,
    ownMarker: true,
    body: sh`
      # wg's stderr is kept out of a good dump (sudo's "unable to resolve host" warns yet exits 0); on
      # failure wg runs once more just to capture why. The dump never sits in a shell variable on its
      # way out (dash is slow with 100 KB strings); only the masked copy a delta needs does.
      wgb=
      if [ -n "$kf" ]; then kf=; wgn=; fi
      if [ "$kev" -gt 0 ] && [ -n "$wgn" ] && [ $((n % kev)) -ne 0 ]; then wgb=$wgn; fi
      if [ "$kev" -gt 0 ]; then
        { wgp=$({ [ -z "$wgb" ] || printf '%s\n' "$wgp"; echo @@; $WG show all dump 2>/dev/null </dev/null; printf '\n@rc %s\n' "$?"; } | awk -v base="$wgb" -v keep=1 "$wga" 3>&1 >&4); } 4>&1
      else
        { echo @@; $WG show all dump 2>/dev/null </dev/null; printf '\n@rc %s\n' "$?"; } | awk -v keep=0 "$wga"
      fi
      if [ $? -eq 0 ]; then
        wgn=$n
      else
        $WG show all dump 2>&1 >/dev/null </dev/null | awk 'NR<=20{print "! " substr($0,1,400)}'
        wgp=; wgn=
      fi`,
  },
  parse: (section) => {
    const [statusText] = section.args;
    const status = section.args.length === 1 && statusText !== undefined ? parseUint(statusText) : -1;
    if (status < 0) return unusable(`wg: expected "<exit-code>", got ${quote(section.args.join(' '))}`);
    if (status !== 0) {
      return parsed<Fills<'interfaces' | 'wgError'>>({
        interfaces: [],
        wgError: wgErrorText(section.bytes, status),
      });
    }
    // Parsed already, with the peers that did not change kept as they were (wg-delta.ts).
    if (section.assembled)
      return parsed<Fills<'interfaces' | 'wgError'>>({ interfaces: section.assembled, wgError: null });
    const dump = parseWgDump(section.bytes);
    if (!dump.ok) return unusable(dump.error);
    return parsed<Fills<'interfaces' | 'wgError'>>({ interfaces: dump.interfaces, wgError: null });
  },
  otherwise: 'drop-frame',
});

/**
 * wg's (or sudo's) complaint, as shown to the admin: cleaned and at most 1 KiB (text-fields.ts). It
 * is only shown and matched by wg-error.ts, never parsed, so only its start is decoded: a broken or
 * hostile server once sent a 20 MiB error line.
 */
function wgErrorText(bytes: Buffer, status: number): string {
  let head = bytes.toString('utf8', 0, MAX_ERROR_BYTES);
  // A character cut in half at the end decodes as U+FFFD: not part of what the server said.
  if (bytes.length > MAX_ERROR_BYTES) head = head.replace(/\uFFFD+$/, '');
  const text = cleanMessage(
    head
      .split('\n')
      .map((line) => (line.startsWith(ERROR_LINE_PREFIX) ? line.slice(ERROR_LINE_PREFIX.length) : line))
      .join('\n'),
  );
  return text.length > 0 ? text : `wg exited with status ${status} and no message`;
}
