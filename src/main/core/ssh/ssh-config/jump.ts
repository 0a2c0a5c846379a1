import type { UnsupportedSshOption } from '../../../../shared/ssh-import.ts';
import type { ConfigFile } from './include.ts';
import { resolveDestination, type Destination, type LocalContext } from './destination.ts';

/**
 * A ProxyJump chain, hop by hop, the way ssh builds it: for `a,b,c` ssh runs `ssh -J a,b -W … c`,
 * which runs `ssh -J a -W … b`, which runs `ssh -W … a`. So every hop is resolved through the config
 * (its HostName, Port, User; a `user@` or `:port` in the chain comes first, as `-l`/`-p` do), but
 * only the first hop's own ProxyJump counts — it comes before it, recursively — while the later
 * hops' ProxyJump lines are overridden by the `-J` ssh hands them.
 */

export interface JumpHop {
  user?: string;
  host: string;
  port?: number;
}

/** How deep first hops may lead to further first hops; ssh has no limit, a loop never ends there. */
const MAX_DEPTH = 16;

/** One hop as ssh's parse_jump reads it: `[user@]host[:port]` (IPv6 in brackets) or `ssh://…`. */
export function parseHop(spec: string): JumpHop | null {
  const text = spec.startsWith('ssh://') ? spec.slice('ssh://'.length).replace(/\/$/, '') : spec;
  const match = /^(?:(.+)@)?(\[[^\]]+\]|[^:@[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match) return null;
  const [, user, rawHost, rawPort] = match;
  const host = rawHost!.startsWith('[') ? rawHost!.slice(1, -1) : rawHost!;
  const hop: JumpHop = { host };
  if (user !== undefined) hop.user = user;
  if (rawPort !== undefined) {
    const port = Number(rawPort);
    if (port < 1 || port > 65535) return null;
    hop.port = port;
  }
  return hop;
}

/** `user@host:port`, IPv6 in brackets: how a hop is written back. */
export function formatHop(hop: { user: string; host: string; port: number }): string {
  return `${hop.user}@${hop.host.includes(':') ? `[${hop.host}]` : hop.host}:${hop.port}`;
}

export type JumpChain =
  { ok: true; hops: Destination[]; unsupported: Set<UnsupportedSshOption> } | { ok: false; reason: string };

/** The hops of `proxyJump` (a ProxyJump value) in the order they are dialled; `from` names the host it serves. */
export function resolveJumpChain(
  config: ConfigFile,
  proxyJump: string,
  local: LocalContext,
  from: string[],
): JumpChain {
  const specs = proxyJump.split(',').map(parseHop);
  if (specs.some((s) => s === null)) return { ok: false, reason: `invalid ProxyJump "${proxyJump}"` };
  const [first, ...rest] = specs as JumpHop[];
  const unsupported = new Set<UnsupportedSshOption>();
  const hops: Destination[] = [];
  const resolveHop = (hop: JumpHop, jumpGiven: boolean): Destination | null => {
    const preset = {
      jumpGiven,
      ...(hop.user !== undefined && { user: hop.user }),
      ...(hop.port !== undefined && { port: hop.port }),
    };
    const destination = resolveDestination(config, hop.host, local, preset);
    destination?.unsupported.forEach((name) => unsupported.add(name));
    return destination;
  };
  const head = resolveHop(first!, false);
  if (!head) return { ok: false, reason: `jump host ${first!.host} cannot be resolved` };
  if (head.proxyJump !== undefined) {
    if (from.includes(first!.host) || from.length >= MAX_DEPTH)
      return { ok: false, reason: `ProxyJump loops through ${[...from, first!.host].join(' → ')}` };
    const before = resolveJumpChain(config, head.proxyJump, local, [...from, first!.host]);
    if (!before.ok) return before;
    hops.push(...before.hops);
    before.unsupported.forEach((name) => unsupported.add(name));
  }
  hops.push(head);
  for (const hop of rest) {
    const next = resolveHop(hop, true);
    if (!next) return { ok: false, reason: `jump host ${hop.host} cannot be resolved` };
    hops.push(next);
  }
  return { ok: true, hops, unsupported };
}
