/**
 * The server side of a peer change, as one POSIX sh script with one operation per call. Nothing is
 * installed on the server: the script travels as the `-c` argument (it holds no secret; secrets go
 * on stdin) and runs as root (directly or through `sudo -n /bin/sh`).
 *
 * Server-side state, per interface:
 * - `/run/wireguard/wgdeck/IF.lock`: flock(1) lock held by a `lock` call for as long as its channel
 *   is open — two WG Deck instances never interleave changes or allocate the same address. /run,
 *   because a lock or a pending rollback must not survive a reboot.
 * - `/run/wireguard/wgdeck/IF.rollback.TXID`: the armed commit-confirmed rollback of one transaction
 *   (`txid backup sha256`), with `.pid` the job's process. Whoever renames it first wins: the job that
 *   fires (`.firing`, then `IF.rolled-back` records the transaction) or the confirmation
 *   (`.confirmed`). rename(2) is atomic, so exactly one does — and a job only ever touches its own
 *   transaction's marker, so a job that outlived its confirmation can never undo a later change.
 * - `/run/wireguard/wgdeck/IF.rollback-failed`: `txid reason` of a rollback that refused to restore
 *   (its backup gone, changed or invalid, or `wg syncconf` failing). The job restores nothing but the
 *   exact backup it armed (its SHA-256 is recorded at arm time) and never touches the live interface
 *   from a file `wg-quick strip` refuses.
 * - `<config dir>/.wgdeck-backups/IF.conf.<UTC time>Z`: the file before each change, 0600, newest N
 *   kept. A backup is exactly `IF.conf.` + `YYYYMMDDTHHMMSS` + optional 3-digit counter + `Z`: every
 *   operation selects backups with that anchored pattern, so `wg0`'s never touch `office-wg0`'s.
 */

import type { RemoteCommand } from '../peers/commands.ts';
import { shellQuote } from '../peers/commands.ts';

export const STATE_DIR = '/run/wireguard/wgdeck';
export const BACKUP_DIR_NAME = '.wgdeck-backups';
/** Exit status of `lock` when another instance holds the lock past the wait. */
export const EXIT_LOCKED = 75;
/** Exit status of `confirm` when the rollback already fired (or belongs to another transaction). */
export const EXIT_NOT_PENDING = 3;
/** Exit status of `arm` when another transaction's rollback is still pending on the interface. */
export const EXIT_PENDING_OTHER = 5;
/** Exit status of every operation when it does not run as root (no sudo, or sudo turned off). */
export const EXIT_NEEDS_ROOT = 6;
/** Exit status of `prepare` when the file cannot be backed up faithfully (empty, or the copy differs). */
export const EXIT_BAD_BACKUP = 8;

const DIGIT = '[0-9]';
const STAMP = `${DIGIT.repeat(8)}T${DIGIT.repeat(6)}`;
/**
 * `is_backup NAME`: whether NAME is one of this file's backups (`$n` is the file's base name). A case
 * pattern, anchored at both ends: the quoted `"$n".` prefix is literal, the stamp is a glob.
 */
const IS_BACKUP = `is_backup() { case $1 in "$n".${STAMP}Z|"$n".${STAMP}${DIGIT.repeat(3)}Z) return 0;; esac; return 1; }`;
/**
 * `backups DIR`: this file's backups in DIR, one base name per line, oldest first. A stamp without
 * the counter sorts as counter 000, so a second backup within one second sorts after the first.
 */
const BACKUPS = String.raw`backups() {
  for x in "$1"/*; do x=$(basename -- "$x"); if is_backup "$x"; then printf '%s
' "$x"; fi; done | awk '
    { k = $0; sub(/Z$/, "", k); if (k !~ /T[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/) k = k "000"; print k, $0 }
  ' | sort | cut -d' ' -f2
}`;

const SCRIPT = String.raw`set -eu
umask 077
if [ "$(id -u)" != 0 ]; then
  echo "wgdeck: managing peers needs root (/etc/wireguard, wg set): log in as root or use sudo" >&2
  exit ${EXIT_NEEDS_ROOT}
fi
op=$1
shift
S=${STATE_DIR}
sum() { sha256sum | cut -d' ' -f1; }
${IS_BACKUP}
${BACKUPS}
case "$op" in
read)
  # read IF PATH: the file, the live dump, backups, and any pending rollback, one line each. The dump's
  # private and preshared keys are masked on the server (the file has them; the dump need not).
  i=$1 p=$2
  printf 'wgdeck-read 1\n'
  if [ -f "$p" ]; then
    c=$(base64 -w0 < "$p") || { echo "wgdeck: cannot read $p" >&2; exit 7; }
    printf 'file %s\n' "$c"
  else
    printf 'file -\n'
  fi
  if d=$(wg show "$i" dump 2>/dev/null); then
    printf 'dump %s\n' "$(printf '%s\n' "$d" | awk -v i="$i" 'BEGIN { FS = OFS = "\t" } NF == 8 { if ($2 != "(none)") $2 = "(hidden)" } NF == 4 { if ($1 != "(none)") $1 = "(hidden)" } { print i, $0 }' | base64 -w0)"
  else
    printf 'dump -\n'
  fi
  b=$(dirname -- "$p")/${BACKUP_DIR_NAME}
  n=$(basename -- "$p")
  if [ -d "$b" ]; then
    backups "$b" | while read -r x; do printf 'backup %s %s\n' "$x" "$(wc -c < "$b/$x")"; done
  fi
  for m in "$S/$i".rollback.*; do
    case $m in *.pid|*.firing|*.confirmed|*.tmp|*.done) continue;; esac
    [ -f "$m" ] && printf 'pending %s\n' "$(cat "$m")"
  done
  if [ -f "$S/$i.rolled-back" ]; then printf 'rolled-back %s\n' "$(cat "$S/$i.rolled-back")"; fi
  if [ -f "$S/$i.rollback-failed" ]; then printf 'rollback-failed %s\n' "$(head -c 1024 "$S/$i.rollback-failed" | tr -d '\n')"; fi
  printf 'end\n'
  ;;
list)
  # list DIR: config files wg-quick would find there (IF.conf).
  for f in "$1"/*.conf; do [ -f "$f" ] && printf '%s\n' "$(basename -- "$f" .conf)"; done
  printf 'live'; wg show interfaces 2>/dev/null | tr '\n' ' ' | sed 's/^/ /'; printf '\n'
  ;;
showconf)
  wg showconf "$1"
  ;;
backup-read)
  # backup-read PATH NAME: only a backup of that very file.
  b=$(dirname -- "$1")/${BACKUP_DIR_NAME}
  n=$(basename -- "$1")
  is_backup "$2" || { echo "wgdeck: $2 is not a backup of $n" >&2; exit 2; }
  cat -- "$b/$2"
  ;;
lock)
  # lock IF WAIT: holds the interface's lock until stdin closes (the channel ends, whatever the cause).
  mkdir -p -m 0700 "$S"
  exec 9>>"$S/$1.lock"
  if ! flock -w "$2" 9; then echo "wgdeck: another WG Deck is changing $1" >&2; exit ${EXIT_LOCKED}; fi
  printf 'locked %s\n' "$$"
  cat > /dev/null
  ;;
prepare)
  # prepare IF PATH KEEP TXID TIMEOUT: back up the file (keep KEEP), and unless TIMEOUT is 0 arm the
  # rollback: after TIMEOUT seconds, unless confirmed, put the backup back and syncconf from it.
  i=$1 p=$2 keep=$3 tx=$4 t=$5
  mkdir -p -m 0700 "$S"
  d=$(dirname -- "$p")
  n=$(basename -- "$p")
  b=$d/${BACKUP_DIR_NAME}
  m=$S/$i.rollback.$tx
  if [ "$t" != 0 ]; then
    for o in "$S/$i".rollback.*; do
      case $o in *.pid) continue;; esac
      [ -e "$o" ] && { echo "wgdeck: a rollback of another change is pending on $i" >&2; exit ${EXIT_PENDING_OTHER}; }
    done
  fi
  # Temporary directories of writes killed mid-way (kill -9 skips their trap).
  # Exactly mktemp's .wgdeck.XXXXXX directories, nothing else that merely starts with ".wgdeck.".
  find "$d" -maxdepth 1 -type d -name '.wgdeck.??????' -mmin +10 -exec rm -rf {} + 2>/dev/null || true
  mkdir -p -m 0700 "$b"
  f=$b/$n.$(date -u +%Y%m%dT%H%M%SZ)
  k=0
  while [ -e "$f" ]; do k=$((k + 1)); f=$b/$n.$(date -u +%Y%m%dT%H%M%S)$(printf '%03d' "$k")Z; done
  [ -s "$p" ] || { echo "wgdeck: $p is empty; refusing to keep it as the state to return to" >&2; exit ${EXIT_BAD_BACKUP}; }
  cat -- "$p" > "$f.tmp"
  sync -- "$f.tmp" 2>/dev/null || sync
  h=$(sum < "$f.tmp")
  if [ "$h" != "$(sum < "$p")" ]; then
    rm -f -- "$f.tmp"
    echo "wgdeck: the backup of $p does not match the file (it changed while being copied)" >&2
    exit ${EXIT_BAD_BACKUP}
  fi
  mv -f -- "$f.tmp" "$f"
  backups "$b" | awk -v k="$keep" '{ l[NR] = $0 } END { for (j = 1; j <= NR - k; j++) print l[j] }' | while read -r old; do rm -f -- "$b/$old"; done
  printf 'backup %s %s\n' "$(basename -- "$f")" "$h"
  if [ "$t" != 0 ]; then
    rm -f -- "$S/$i.rolled-back" "$S/$i.rollback-failed"
    printf '%s %s %s\n' "$tx" "$(basename -- "$f")" "$h" > "$m.tmp"
    mv -f -- "$m.tmp" "$m"
    setsid sh -c "$ROLLBACK" wgdeck-rollback "$i" "$p" "$f" "$t" "$m" "$tx" "$h" < /dev/null >> "$S/$i.log" 2>&1 &
    printf 'armed\n'
  fi
  ;;
confirm)
  # confirm IF TXID: cancel the armed rollback, if it is still this transaction's.
  m=$S/$1.rollback.$2
  mv -- "$m" "$m.confirmed" 2>/dev/null || exit ${EXIT_NOT_PENDING}
  # The job is a session leader (setsid): its process group is its pid. It would exit on its own
  # (its marker is gone); ending it now just avoids a sleeping process.
  pid=$(cat "$m.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill -TERM "-$pid" 2>/dev/null || true
  rm -f -- "$m.confirmed" "$m.pid"
  printf 'confirmed\n'
  ;;
status)
  # status IF TXID: pending, rolled-back, rollback-failed REASON, or gone (confirmed or unknown).
  if [ -f "$S/$1.rollback.$2" ] || [ -f "$S/$1.rollback.$2.firing" ]; then echo pending
  elif [ -f "$S/$1.rolled-back" ] && [ "$(cut -d' ' -f1 < "$S/$1.rolled-back")" = "$2" ]; then echo rolled-back
  elif [ -f "$S/$1.rollback-failed" ] && [ "$(cut -d' ' -f1 < "$S/$1.rollback-failed")" = "$2" ]; then
    printf 'rollback-failed %s\n' "$(cut -d' ' -f2- < "$S/$1.rollback-failed" | head -c 1024)"
  else echo gone; fi
  ;;
restart)
  # restart IF PATH: tier 3. systemd's unit when it runs the interface, else wg-quick down/up.
  if command -v systemctl > /dev/null 2>&1 && systemctl is-active --quiet "wg-quick@$1" 2>/dev/null; then
    systemctl restart "wg-quick@$1"
  else
    if wg show "$1" > /dev/null 2>&1; then wg-quick down "$2"; fi
    wg-quick up "$2"
  fi
  ;;
*)
  echo "wgdeck: unknown operation $op" >&2
  exit 2
  ;;
esac`;

/**
 * The rollback job, detached (setsid: the SSH session ending does not take it down). Runs only if it
 * wins the rename of the marker. It installs nothing but the backup it was armed with: the copy it
 * would install must hash to the SHA-256 recorded at arm time and pass `wg-quick strip`, else it
 * leaves the file and the live interface exactly as they are and records why (`IF.rollback-failed`).
 */
const ROLLBACK = String.raw`i=$1 p=$2 f=$3 t=$4 m=$5 tx=$6 h=$7
S=$(dirname -- "$m")
echo $$ > "$m.pid"
sleep "$t"
mv -- "$m" "$m.firing" 2>/dev/null || { rm -f -- "$m.pid"; exit 0; }
echo "$(date -u +%FT%TZ) $tx: not confirmed within $t s, restoring $f"
d=$(dirname -- "$p")
n=$(basename -- "$p")
w=
s=
fail() {
  [ -n "$w" ] && rm -rf -- "$w"
  [ -n "$s" ] && rm -f -- "$s"
  echo "$(date -u +%FT%TZ) $tx: ROLLBACK FAILED: $1"
  printf '%s %s\n' "$tx" "$1" > "$m.failed"
  mv -f -- "$m.failed" "$S/$i.rollback-failed"
  rm -f -- "$m.firing" "$m.pid"
  exit 1
}
left="$p and $i were left as they are"
[ -f "$f" ] || fail "the backup $(basename -- "$f") is gone; $left"
w=$(mktemp -d "$d/.wgdeck.XXXXXX") || fail "cannot create a temporary directory in $d; $left"
cat -- "$f" > "$w/$n" || fail "cannot read the backup $(basename -- "$f"); $left"
[ "$(sha256sum < "$w/$n" | cut -d' ' -f1)" = "$h" ] ||
  fail "the backup $(basename -- "$f") is not the one armed (its SHA-256 changed); $left"
s=$(mktemp) || fail "cannot create a temporary file; $left"
{ wg-quick strip "$w/$n" > "$s" 2>/dev/null && grep -qi '^\[Interface\]' "$s"; } ||
  fail "wg-quick strip refuses the backup $(basename -- "$f"); $left"
chmod 600 -- "$w/$n"
sync -- "$w/$n" 2>/dev/null || sync
mv -f -- "$w/$n" "$p"
rmdir -- "$w"
w=
if wg show "$i" > /dev/null 2>&1; then
  wg syncconf "$i" "$s" || fail "$p was restored, but wg syncconf $i failed: the live peers are still the changed ones"
fi
rm -f -- "$s"
printf '%s %s\n' "$tx" "$(basename -- "$f")" > "$m.done"
mv -f -- "$m.done" "$S/$i.rolled-back"
rm -f -- "$m.firing" "$m.pid"
echo "$(date -u +%FT%TZ) $tx: rolled back"`;

/** The rollback job travels inside the script (the `prepare` operation starts it detached). */
const PROGRAM = `ROLLBACK=${shellQuote(ROLLBACK)}\n${SCRIPT}`;

function op(
  name: string,
  args: readonly string[],
  stdin: string | null = null,
  display?: string,
): RemoteCommand {
  return {
    argv: ['sh', '-c', PROGRAM, 'wgdeck', name, ...args],
    stdin,
    secretStdin: false,
    display: display ?? `wgdeck ${name} ${args.join(' ')}`,
  };
}

export const remoteOps = {
  read: (iface: string, path: string) => op('read', [iface, path]),
  list: (dir: string) => op('list', [dir]),
  /** Output holds private and preshared keys: never log it. */
  showconf: (iface: string) => op('showconf', [iface]),
  /** Output holds the interface's private key: never log it. */
  backupRead: (path: string, name: string) => op('backup-read', [path, name]),
  lock: (iface: string, waitSeconds: number) => op('lock', [iface, String(waitSeconds)]),
  prepare: (iface: string, path: string, keep: number, txId: string, timeoutSeconds: number) =>
    op('prepare', [iface, path, String(keep), txId, String(timeoutSeconds)]),
  confirm: (iface: string, txId: string) => op('confirm', [iface, txId]),
  status: (iface: string, txId: string) => op('status', [iface, txId]),
  restart: (iface: string, path: string) =>
    op(
      'restart',
      [iface, path],
      null,
      `wg-quick down ${path} && wg-quick up ${path}  (or systemctl restart wg-quick@${iface})`,
    ),
};
