/**
 * The remote commands of a plan, as argv arrays plus what goes on stdin. No secret is ever an
 * argument (arguments show in `ps` to every user of the server): preshared keys and the config file
 * (which holds the interface's private key) travel on stdin, and `wg syncconf` reads the stripped
 * config from a 0600 temporary file removed afterwards.
 *
 * `/dev/stdin` is read through `cat |`, a real pipe: `wg` opens the key file with fopen(), which
 * fails with ENXIO when stdin is a socket — what some SSH servers and Node's child processes give.
 *
 * Running them (sudo, the SSH channel, backups, the lock, the commit-confirmed rollback) is the
 * engine's job; `toShellCommand` quotes an argv for an SSH exec request.
 */

import { createHash } from 'node:crypto';

export interface RemoteCommand {
  /** Exactly what runs; never holds a secret. */
  argv: readonly string[];
  /** What to write to the command's stdin, or null. */
  stdin: string | null;
  /** Whether stdin holds a secret (never log it). */
  secretStdin: boolean;
  /** For people: what the command does, and what goes on stdin. */
  display: string;
}

/** wg-quick's rule for interface names (and config files are named after them). */
export { INTERFACE_NAME_RE as IFACE_NAME_RE } from '../../../shared/ip-rules.ts';

/** Exit status of the write script when the file is not the one the plan was made from. */
export const WRITE_EXIT_CHANGED = 3;
/** Exit status of the write script when `wg-quick strip` refuses the new file. */
export const WRITE_EXIT_INVALID = 4;
/** Exit status of the write script when stdin ended before the whole new file arrived. */
export const WRITE_EXIT_INCOMPLETE = 5;

/**
 * Atomic replacement of the config file: refuses (exit 3) unless the current file's SHA-256 is the
 * one the plan was made from; writes stdin into a 0700 directory next to the file (same file
 * system), mode 0600, under the file's own name; refuses (exit 5) unless what arrived hashes to the
 * new file's SHA-256 — a connection cut mid-transfer ends stdin early, and a truncated file can
 * still be valid; has `wg-quick strip` check it (exit 4 if it refuses); fsyncs, renames over the
 * original, fsyncs the directory. The temporary directory is removed whatever happens.
 */
const WRITE_SCRIPT = `set -eu
umask 077
p=$1
want=$2
new=$3
d=$(dirname -- "$p")
n=$(basename -- "$p")
have=$(sha256sum < "$p" | cut -d' ' -f1)
if [ "$have" != "$want" ]; then
  echo "wgdeck: $p changed since it was read" >&2
  exit ${WRITE_EXIT_CHANGED}
fi
t=$(mktemp -d "$d/.wgdeck.XXXXXX")
trap 'rm -rf -- "$t"' EXIT
cat > "$t/$n"
if [ "$(sha256sum < "$t/$n" | cut -d' ' -f1)" != "$new" ]; then
  echo "wgdeck: the new $n did not arrive whole" >&2
  exit ${WRITE_EXIT_INCOMPLETE}
fi
chmod 600 -- "$t/$n"
if ! wg-quick strip "$t/$n" > /dev/null; then
  echo "wgdeck: wg-quick strip refused the new $n" >&2
  exit ${WRITE_EXIT_INVALID}
fi
sync -- "$t/$n" 2>/dev/null || sync
mv -f -- "$t/$n" "$p"
sync -- "$d" 2>/dev/null || sync`;

/** Tier 2: the stripped file in a 0600 temporary file, then `wg syncconf`. */
const SYNCCONF_SCRIPT = `set -eu
t=$(mktemp)
trap 'rm -f -- "$t"' EXIT
wg-quick strip "$1" > "$t"
wg syncconf "$2" "$t"`;

/** SHA-256 in hex, as `sha256sum` prints it: how a file is identified across the write's compare-and-swap. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function writeConfigCommand(path: string, text: string, expectedSha256: string): RemoteCommand {
  const newSha256 = sha256Hex(text);
  return {
    argv: ['sh', '-c', WRITE_SCRIPT, 'wgdeck-write', path, expectedSha256, newSha256],
    stdin: text,
    secretStdin: true,
    display: `write ${path} atomically if unchanged since read (sha256 ${expectedSha256.slice(0, 12)}…), checked with wg-quick strip  [new file on stdin]`,
  };
}

export function syncconfCommand(iface: string, path: string): RemoteCommand {
  return {
    argv: ['sh', '-c', SYNCCONF_SCRIPT, 'wgdeck-syncconf', path, iface],
    stdin: null,
    secretStdin: false,
    display: `wg syncconf ${iface} <(wg-quick strip ${path})  [via a 0600 temporary file]`,
  };
}

/** The full live state of one peer, as the file describes it. */
export interface PeerState {
  publicKey: string;
  presharedKey: string | null;
  allowedIps: readonly string[];
  persistentKeepalive: number | null;
  endpoint: string | null;
}

/**
 * Tier 1: `wg set` with the peer's whole state (idempotent; a missing live peer is created). The
 * preshared key, if any, on stdin; none = `/dev/null` (wg reads an empty file as no key).
 */
export function wgSetPeerCommand(iface: string, peer: PeerState): RemoteCommand {
  const args = [
    'allowed-ips',
    peer.allowedIps.join(','),
    'persistent-keepalive',
    peer.persistentKeepalive === null || peer.persistentKeepalive === 0
      ? 'off'
      : String(peer.persistentKeepalive),
  ];
  if (peer.endpoint !== null) args.push('endpoint', peer.endpoint);
  const shown = ['wg', 'set', iface, 'peer', peer.publicKey];
  if (peer.presharedKey === null) {
    const argv = [...shown, 'preshared-key', '/dev/null', ...args];
    return { argv, stdin: null, secretStdin: false, display: argv.map(shellQuote).join(' ') };
  }
  const wgArgs = [iface, 'peer', peer.publicKey, 'preshared-key', '/dev/stdin', ...args];
  return {
    argv: ['sh', '-c', 'cat | wg set "$@"', 'wgdeck-set', ...wgArgs],
    stdin: `${peer.presharedKey}\n`,
    secretStdin: true,
    display: `${['wg', 'set', ...wgArgs].map(shellQuote).join(' ')}  [preshared key on stdin]`,
  };
}

export function wgRemovePeerCommand(iface: string, publicKey: string): RemoteCommand {
  const argv = ['wg', 'set', iface, 'peer', publicKey, 'remove'];
  return { argv, stdin: null, secretStdin: false, display: argv.join(' ') };
}

/** POSIX shell quoting: bare when only safe characters, else single quotes. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The argv as one string for an SSH exec request (the remote login shell splits it back). */
export function toShellCommand(command: RemoteCommand): string {
  return command.argv.map(shellQuote).join(' ');
}
