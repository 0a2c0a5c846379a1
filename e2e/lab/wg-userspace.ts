// Makes `wg-quick up` work inside a lab namespace: there is no WireGuard kernel module here, so wg-quick falls
// back to `$WG_QUICK_USERSPACE_IMPLEMENTATION IF` (default `wireguard-go IF`), whose daemon mode exits early in a
// namespace. The lab points that variable at a wrapper that runs `wireguard-go -f IF` detached instead.
import { mkdir, writeFile } from 'node:fs/promises';

export const USERSPACE_VAR = 'WG_QUICK_USERSPACE_IMPLEMENTATION';

/**
 * The wrapper for one namespace (`dir` is its lab dir: logs and PID files go there). wg-quick expects it to
 * return once IF exists, as wireguard-go's daemon mode would.
 * - It first waits for a previous wireguard-go of IF to stop serving its socket: right after `wg-quick down`
 *   (which deletes the link) the old process may still be exiting, and a new one would then fail with
 *   "unix socket in use" while the old socket made us believe it was up.
 * - `setsid`: the ssh session that ran `wg-quick up` must not take wireguard-go with it (SIGHUP at its end).
 * - No inherited fds: the ssh channel only closes once nothing holds its stdout/stderr.
 * - Ready when the control socket listens (/proc/net/unix: flag __SO_ACCEPTCON), not when its file exists:
 *   the file appears at bind(), before listen(), and a `wg` run in between is refused, deletes the socket
 *   as stale and falls back to the absent kernel module ("Protocol not supported"). A stale socket of a
 *   killed process is removed first so it cannot count. A zombie answers `kill -0`, so liveness is read
 *   from /proc/PID/stat.
 */
export function userspaceWrapper(dir: string): string {
  return `#!/bin/sh
# WG Deck lab: ${USERSPACE_VAR} for wg-quick (see e2e/lab/wg-userspace.ts).
set -eu
IF=$1
DIR='${dir}'
SOCK=/run/wireguard/$IF.sock
i=0
while wg show "$IF" >/dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -le 500 ] || { echo "lab: an older wireguard-go of $IF still serves $SOCK" >&2; exit 1; }
  sleep 0.01
done
rm -f "$SOCK"
setsid wireguard-go -f "$IF" </dev/null >>"$DIR/$IF.log" 2>&1 &
pid=$!
# For people debugging by hand: the lab finds wireguard-go by interface name and network namespace.
echo "$pid" >"$DIR/$IF.pid"
i=0
until grep -q " 00010000 .*/wireguard/$IF.sock$" /proc/net/unix; do
  state=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null || echo X)
  case $state in Z | X) echo "lab: wireguard-go $IF exited; see $DIR/$IF.log" >&2; exit 1 ;; esac
  i=$((i + 1))
  [ "$i" -le 1000 ] || { echo "lab: $SOCK not listening after 10 s; see $DIR/$IF.log" >&2; exit 1; }
  sleep 0.01
done
`;
}

/**
 * wg-quick pipes a config's DNS lines to `resolvconf -a IF -m 0 -x`. Lab namespaces share the host's
 * /etc/resolv.conf, so a real resolvconf would change this machine's DNS: this stand-in, first on PATH, only
 * records them in `dir`/resolvconf.IF.
 */
function fakeResolvconf(dir: string): string {
  return `#!/bin/sh
# WG Deck lab: stands in for resolvconf (see e2e/lab/wg-userspace.ts).
DIR='${dir}'
case "$1" in
  -a) cat >"$DIR/resolvconf.$2" ;;
  -d) rm -f "$DIR/resolvconf.$2" ;;
esac
`;
}

export interface WgQuickTools {
  /** The wrapper: the value of WG_QUICK_USERSPACE_IMPLEMENTATION. */
  wrapper: string;
  /** Directory to put first on PATH (the resolvconf stand-in). */
  binDir: string;
}

/** Writes the wrapper and the resolvconf stand-in into `dir`/bin. */
export async function writeWgQuickTools(dir: string): Promise<WgQuickTools> {
  const tools = wgQuickTools(dir);
  await mkdir(tools.binDir, { recursive: true, mode: 0o755 });
  await writeFile(tools.wrapper, userspaceWrapper(dir), { mode: 0o755 });
  await writeFile(`${tools.binDir}/resolvconf`, fakeResolvconf(dir), { mode: 0o755 });
  return tools;
}

/** Environment under which `wg-quick` works in a lab namespace (PATH is given on top of `basePath`). */
export function wgQuickEnv(tools: WgQuickTools, basePath: string): Record<string, string> {
  return { [USERSPACE_VAR]: tools.wrapper, PATH: `${tools.binDir}:${basePath}` };
}

/** Paths of the tools `writeWgQuickTools(dir)` writes, without writing them. */
export function wgQuickTools(dir: string): WgQuickTools {
  return { wrapper: `${dir}/bin/wireguard-go-detached`, binDir: `${dir}/bin` };
}
