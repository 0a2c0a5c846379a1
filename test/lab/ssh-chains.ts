// Who opened which SSH connection inside a lab server, read from the kernel (`ss -tnp`), so a test can
// prove a ProxyJump chain really went hop by hop through sshd's forwarding and not around it.
import { run, waitFor } from '../../e2e/lab/exec.ts';
import type { LabServer } from '../../e2e/lab/lab.ts';

interface Socket {
  local: string;
  peer: string;
  /** The processes holding it (an sshd connection: its monitor and its session child). */
  pids: number[];
}

async function established(server: LabServer): Promise<Socket[]> {
  const result = await run('ip', ['netns', 'exec', server.namespace, 'ss', '-Htnp', 'state', 'established']);
  if (result.code !== 0) throw new Error(`ss in ${server.namespace}: ${result.stderr.trim()}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      // Recv-Q Send-Q Local Peer Process (the State column is gone with a state filter).
      const fields = line.trim().split(/\s+/);
      return {
        local: fields[2] ?? '',
        peer: fields[3] ?? '',
        pids: [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])),
      };
    });
}

/**
 * The SSH connections to `server`'s sshd that came from outside (the laptop), each with the length of
 * the chain it starts: 1 = nothing forwarded through it; 3 = its sshd opened a connection back to
 * sshd (the next hop), whose sshd opened another one (the target). An outgoing connection belongs to
 * the sshd connection whose processes hold its socket.
 */
export async function sshChains(server: LabServer): Promise<number[]> {
  const sockets = await established(server);
  const sshd = `${server.host}:${server.port}`;
  const served = sockets.filter((s) => s.local === sshd);
  const forwarded = sockets.filter((s) => s.peer === sshd);
  const length = (connection: Socket, seen: Set<Socket>): number => {
    const out = forwarded.find((f) => f.pids.some((pid) => connection.pids.includes(pid)));
    const next = out && served.find((s) => s.peer === out.local);
    if (!next || seen.has(next)) return 1;
    return 1 + length(next, new Set([...seen, next]));
  };
  return served
    .filter((s) => !s.peer.startsWith(`${server.host}:`))
    .map((s) => length(s, new Set([s])))
    .sort();
}

/** Waits until nothing is connected to `server`'s sshd, nor from it (every hop of every chain closed). */
export async function untilNoSshConnections(
  server: LabServer,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const sshd = `${server.host}:${server.port}`;
  await waitFor(
    what,
    async () => (await established(server)).every((s) => s.local !== sshd && s.peer !== sshd),
    timeoutMs,
    100,
  );
}
