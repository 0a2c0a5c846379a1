import type { PingRound } from '../../../../shared/domain.ts';
import { isIPv4, isIPv6 } from '../ip-address.ts';
import { cleanMessage, parseUint, quote } from '../text-fields.ts';
import { defineSection, parsed, sh, unusable } from './section.ts';
import type { Fills } from './snapshot-fields.ts';

/** At most this many results per round are read (a fleet's largest interface, with room). */
const MAX_RESULTS = 20_000;

/**
 * `@wgdeck ping <at|->`: ping checks run on the server itself (seed 002), over the collector's own
 * channel, so they cost no login and see the tunnel as the server does.
 *
 * The engine writes the addresses to check on the channel's stdin, one per line, each list ended by a
 * line `.`; a reader in the background keeps the latest list in a private temporary directory. The
 * same reader takes a line `k`, the engine asking for a whole `wg` dump (sections/wg.ts), and passes it
 * on to the collector's shell as SIGUSR1: sshd cannot be asked to (it refuses the SSH signal request
 * for a root login, and signals the whole process group for others, killing `wg` mid-dump). Every
 * `$4` seconds (0: never) a round pings each address once (`ping -n -c 1 -W 2`, `$5` at a time via
 * `xargs -P`) in the background, so a slow round never delays a frame. The frame after a round ends
 * carries its results, `<address> ok <rtt-ms|->`, `<address> fail` (no reply) or `<address> err
 * <message>` (ping itself failed: no permission, no route), under the marker with the round's end
 * time (server clock); every other frame says `-`. Only characters of IP literals pass from stdin to
 * ping's command line. When the collector exits, a round still running is stopped (its last pings
 * end within their 2 s: a 1,000-peer round of silent addresses takes minutes, and went on pinging
 * long after the engine had gone) and the directory removed; leftovers of a killed collector older
 * than a day go at the next start.
 */
export const pingSection = defineSection({
  name: 'ping',
  remote: {
    setup: sh`
      pi=$4; pp=$5; pl=-1000000; pd=; pw=; td=$TMPDIR
      case "$pi" in ''|*[!0-9]*) pi=0;; esac
      case "$pp" in ''|*[!0-9]*) pp=10;; esac
      [ -n "$td" ] || td=/tmp
      if [ "$pi" -gt 0 ] && command -v ping >/dev/null 2>&1; then
        find "$td" -maxdepth 1 -name 'wgdeck-ping.*' -user "$(id -u)" -mmin +1440 -exec rm -rf {} + 2>/dev/null
        pd=$(mktemp -d "$td/wgdeck-ping.XXXXXX" 2>/dev/null) || pd=
      fi
      if [ -n "$pd" ]; then
        trap '[ -z "$pw" ] || [ ! -f "$pd/busy" ] || kill "$pw" 2>/dev/null; rm -rf "$pd"' EXIT
        trap 'exit 129' HUP
        trap 'exit 141' PIPE
        trap 'exit 143' TERM
      fi
      if [ -n "$pd" ] || [ "$kev" -gt 0 ]; then
        exec 3<&0
        (
          while IFS= read -r l; do
            case $l in
              k) kill -USR1 $$ 2>/dev/null;;
              .) [ -z "$pd" ] || mv -f "$pd/next" "$pd/targets" 2>/dev/null || : > "$pd/targets";;
              ''|-*|*[!0-9A-Fa-f.:]*) ;;
              *) [ -z "$pd" ] || printf '%s\n' "$l" >> "$pd/next";;
            esac
          done
        ) <&3 >/dev/null 2>&1 &
        exec 3<&-
      fi`,
    prepare: sh`
      pr=-
      if [ -n "$pd" ]; then
        if [ -f "$pd/done" ]; then pr=$(cat "$pd/at" 2>/dev/null); mv -f "$pd/done" "$pd/show"; fi
        case $pr in ''|*[!0-9]*) pr=-;; esac
        pn=$(cut -d. -f1 /proc/uptime 2>/dev/null)
        if [ ! -f "$pd/busy" ] && [ -s "$pd/targets" ] && [ $((pn - pl)) -ge "$pi" ]; then
          pl=$pn
          : > "$pd/busy"
          (
            trap 'kill "$px" 2>/dev/null; exit 143' TERM
            xargs -P "$pp" -n 1 sh -c 'o=$(ping -n -c 1 -W 2 "$1" 2>&1); r=$?
              if [ $r -eq 0 ]; then t=$(printf "%s\n" "$o" | sed -n "s/.*time[=<]\([0-9.]*\).*/\1/p" | head -n 1); [ -n "$t" ] || t=-; echo "$1 ok $t"
              elif [ $r -eq 1 ]; then echo "$1 fail"
              else echo "$1 err $(printf "%s\n" "$o" | head -n 1 | cut -c1-200)"; fi' wgdeck-ping < "$pd/targets" > "$pd/round" 2>/dev/null &
            px=$!
            wait "$px"
            date +%s > "$pd/at"
            mv -f "$pd/round" "$pd/done"
            rm -f "$pd/busy"
          ) </dev/null >/dev/null 2>&1 &
          pw=$!
        fi
      fi`,
    args: '$pr',
    body: sh`
      if [ "$pr" != - ] && [ -f "$pd/show" ]; then cat "$pd/show"; rm -f "$pd/show"; fi`,
  },
  parse: (section) => {
    const [atText] = section.args;
    if (section.args.length !== 1 || atText === undefined)
      return unusable(`ping: expected "<time>" or "-", got ${quote(section.args.join(' '))}`);
    if (atText === '-') return parsed<Fills<'ping'>>({ ping: null });
    const at = parseUint(atText);
    if (at < 0) return unusable(`ping: expected a time, got ${quote(atText)}`);
    const { round, warnings } = parsePingResults(section.lines, at);
    return parsed<Fills<'ping'>>({ ping: round }, warnings);
  },
  // An older or broken server without the section: no ping news, the frame still counts.
  otherwise: { value: { ping: null } },
});

/** A round's result lines into results by address; malformed lines are skipped with one warning. */
export function parsePingResults(
  lines: readonly string[],
  at: number,
): { round: PingRound; warnings: string[] } {
  const results: PingRound['results'] = [];
  let skipped = 0;
  for (const line of lines) {
    if (line === '') continue;
    if (results.length >= MAX_RESULTS) {
      skipped += 1;
      continue;
    }
    const space = line.indexOf(' ');
    const address = space < 0 ? '' : line.slice(0, space);
    const rest = line.slice(space + 1);
    if (!isIPv4(address) && !isIPv6(address)) {
      skipped += 1;
      continue;
    }
    if (rest === 'fail') {
      results.push({ address, ok: false, rttMs: null, error: null });
    } else if (rest.startsWith('ok ')) {
      const rtt = rest.slice(3);
      const rttMs = /^\d{1,7}(?:\.\d{1,6})?$/.test(rtt) ? Number(rtt) : null;
      results.push({ address, ok: true, rttMs, error: null });
    } else if (rest.startsWith('err')) {
      const message = cleanMessage(rest.slice(4)).slice(0, 200) || 'ping could not run';
      results.push({ address, ok: false, rttMs: null, error: message });
    } else {
      skipped += 1;
    }
  }
  const warnings = skipped > 0 ? [`ping: skipped ${skipped} unreadable result line(s)`] : [];
  return { round: { at, results }, warnings };
}
