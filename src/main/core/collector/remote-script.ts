/**
 * The remote half of the collector: a POSIX `sh` loop, started over one long-lived SSH exec channel.
 * Nothing is installed on the server; the loop dies with the session (its next write gets SIGPIPE).
 *
 * Frame format (one frame per interval, line-based, every marker line starts with "@wgdeck "):
 *
 *   @wgdeck frame <seq>
 *   @wgdeck time <unix-seconds> <monotonic-seconds from /proc/uptime>
 *   @wgdeck wg <exit-code>          then `wg show all dump` (secrets masked) or, on failure, "! "-prefixed error lines
 *   @wgdeck netdev                  then /proc/net/dev verbatim
 *   @wgdeck stat                    then the `cpu` lines of /proc/stat
 *   @wgdeck meminfo                 then the MemTotal and MemAvailable lines of /proc/meminfo
 *   @wgdeck loadavg                 then /proc/loadavg
 *   @wgdeck df                      then "<total-KiB> <used-KiB>" of the root filesystem
 *   @wgdeck end <seq>
 *
 * Before the first frame the script may print one line `@wgdeck fatal <code> <message>` and exit
 * (codes: no-wg).
 *
 * Secrets never leave the server: awk replaces every preshared key (field 3 of 9-field peer lines) and,
 * on every other line, field 2 (the interface private key, whatever the line's width in some other
 * `wg` build) with "(hidden)" before anything is written to the channel.
 */

const SCRIPT = String.raw`
export LC_ALL=C
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin"
iv=$1
max=$3
if [ "$2" = sudo ]; then WG="sudo -n wg"; else WG="wg"; fi
if ! command -v wg >/dev/null 2>&1; then
  echo "@wgdeck fatal no-wg the 'wg' command (wireguard-tools) is not installed on this server"
  exit 127
fi
n=0
while :; do
  n=$((n+1))
  echo "@wgdeck frame $n"
  echo "@wgdeck time $(date +%s) $(cut -d' ' -f1 /proc/uptime)"
  # stderr is kept out of a good dump (sudo's "unable to resolve host" warns yet exits 0); on failure
  # wg runs once more just to capture why.
  dump=$($WG show all dump 2>/dev/null </dev/null)
  rc=$?
  echo "@wgdeck wg $rc"
  if [ "$rc" -eq 0 ]; then
    [ -z "$dump" ] || printf '%s\n' "$dump" | awk 'BEGIN{FS=OFS="\t"} NF==9{if($3!="(none)")$3="(hidden)"; print; next} {if($2!="(none)")$2="(hidden)"; print}'
  else
    $WG show all dump 2>&1 >/dev/null </dev/null | awk 'NR<=20{print "! " substr($0,1,400)}'
  fi
  unset dump
  echo "@wgdeck netdev"
  cat /proc/net/dev
  echo "@wgdeck stat"
  grep '^cpu' /proc/stat
  echo "@wgdeck meminfo"
  grep -E '^(MemTotal|MemAvailable):' /proc/meminfo
  echo "@wgdeck loadavg"
  cat /proc/loadavg
  echo "@wgdeck df"
  df -P -k / 2>/dev/null | awk 'NR==2{print $2, $3}'
  echo "@wgdeck end $n"
  if [ "$max" -gt 0 ] && [ "$n" -ge "$max" ]; then exit 0; fi
  if [ "$iv" -gt 0 ]; then sleep "$iv"; fi
done
`;

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line for the exec channel. The script travels as an argument (it holds no secret), so
 * the server needs nothing but `sh`. `maxFrames` 0 streams until the session ends; `collectOnce` uses
 * one frame (interval 0); the benchmark streams frames back to back (interval 0, N frames).
 */
export function collectorCommand(intervalSeconds: number, useSudo: boolean, maxFrames = 0): string {
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 0 || intervalSeconds > 300) {
    throw new RangeError(`collector interval must be an integer 0..300 s, got ${intervalSeconds}`);
  }
  if (!Number.isInteger(maxFrames) || maxFrames < 0)
    throw new RangeError(`maxFrames must be >= 0, got ${maxFrames}`);
  if (intervalSeconds === 0 && maxFrames === 0)
    throw new RangeError('an unbounded collector needs an interval');
  return `exec sh -c ${shellQuote(SCRIPT)} wgdeck ${intervalSeconds} ${useSudo ? 'sudo' : 'root'} ${maxFrames}`;
}
