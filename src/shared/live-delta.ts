import { z } from 'zod';
import {
  interfaceLiveSchema,
  peerLiveSchema,
  serverLiveSchema,
  type InterfaceLive,
  type PeerLive,
  type PeerPing,
  type PeerUsage,
  type ServerLive,
} from './domain.ts';

/** What is wrong with a server, if anything. */
export const serverProblemSchema = serverLiveSchema.pick({
  error: true,
  errorCode: true,
  errorDetails: true,
});
export type ServerProblem = z.infer<typeof serverProblemSchema>;

export const interfaceDeltaSchema = z.object({
  name: z.string(),
  /** Interface fields (counters, rates, key, port); peers are in changed/removed. */
  header: interfaceLiveSchema.omit({ peers: true }),
  /** Peers new or different since the last update, in no particular order. */
  changed: z.array(peerLiveSchema),
  removed: z.array(z.string()),
  /** The interface's peer keys in order, sent only when the order or the set changed. */
  order: z.array(z.string()).optional(),
});
export type InterfaceDelta = z.infer<typeof interfaceDeltaSchema>;

/**
 * What one server's update carries: the server's own fields always (they are few), and per interface
 * only the peers that changed since the previous update. With thousands of mostly idle peers this is
 * a few percent of the full state. `seq` lets a receiver notice a lost update and ask for the full
 * state again (`fleet:state`).
 */
export const serverDeltaSchema = z.object({
  name: z.string(),
  /** Per-server sequence; a receiver holding seq n can apply n+1 only. */
  seq: z.number(),
  /** When set, replaces everything the receiver holds for this server (first update, resync). */
  full: serverLiveSchema.optional(),
  /** The server's own fields, but its problem (error, code, details) only in `problem`. */
  server: serverLiveSchema
    .omit({ interfaces: true, error: true, errorCode: true, errorDetails: true })
    .optional(),
  /**
   * The server's problem, sent only when it changed (`{}`: it is gone); absent, the receiver keeps
   * the one it holds. A failing `wg` repeats the same error every poll: it crosses once.
   */
  problem: serverProblemSchema.optional(),
  interfaces: z.array(interfaceDeltaSchema).optional(),
  /** Interfaces that disappeared. */
  removedInterfaces: z.array(z.string()).optional(),
});
export type ServerDelta = z.infer<typeof serverDeltaSchema>;

function problemOf(live: ServerLive): ServerProblem {
  const problem: ServerProblem = {};
  if (live.error !== undefined) problem.error = live.error;
  if (live.errorCode !== undefined) problem.errorCode = live.errorCode;
  if (live.errorDetails !== undefined) problem.errorDetails = live.errorDetails;
  return problem;
}

function sameProblem(a: ServerProblem, b: ServerProblem): boolean {
  // Details are a few short strings: comparing their JSON is exact enough and cheap.
  return (
    a.error === b.error &&
    a.errorCode === b.errorCode &&
    JSON.stringify(a.errorDetails) === JSON.stringify(b.errorDetails)
  );
}

function samePeer(a: PeerLive, b: PeerLive): boolean {
  if (a === b) return true; // the tracker reuses unchanged peers
  return (
    a.rxBytes === b.rxBytes &&
    a.txBytes === b.txBytes &&
    a.status === b.status &&
    a.latestHandshake === b.latestHandshake &&
    a.rxRate === b.rxRate &&
    a.txRate === b.txRate &&
    a.endpoint === b.endpoint &&
    a.persistentKeepalive === b.persistentKeepalive &&
    a.presharedKey === b.presharedKey &&
    a.resets === b.resets &&
    a.allowedIps.length === b.allowedIps.length &&
    a.allowedIps.every((ip, i) => ip === b.allowedIps[i]) &&
    a.checkAddress === b.checkAddress &&
    samePing(a.ping, b.ping) &&
    sameUsage(a.usage, b.usage)
  );
}

function sameUsage(a: PeerUsage | undefined, b: PeerUsage | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return (
    a.bytes === b.bytes && a.limit === b.limit && a.periodKey === b.periodKey && a.resetsAt === b.resetsAt
  );
}

function samePing(a: PeerPing | null, b: PeerPing | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return (
    a.ok === b.ok && a.rttMs === b.rttMs && a.at === b.at && a.failing === b.failing && a.error === b.error
  );
}

/** Same peers in the same positions (the common case: the engine keeps the dump's order). */
function samePositions(before: readonly PeerLive[], peers: readonly PeerLive[]): boolean {
  if (before.length !== peers.length) return false;
  for (let i = 0; i < peers.length; i++) {
    if (before[i] !== peers[i] && before[i]!.publicKey !== peers[i]!.publicKey) return false;
  }
  return true;
}

function diffInterface(
  before: readonly PeerLive[],
  peers: readonly PeerLive[],
): Pick<InterfaceDelta, 'changed' | 'removed' | 'order'> {
  // Positional first: no map of 10,000 fresh key strings per poll when nothing moved.
  if (samePositions(before, peers)) {
    return { changed: peers.filter((p, i) => !samePeer(before[i]!, p)), removed: [] };
  }
  const old = new Map(before.map((p) => [p.publicKey, p]));
  const now = new Set(peers.map((p) => p.publicKey));
  return {
    changed: peers.filter((p) => {
      const previous = old.get(p.publicKey);
      return !previous || !samePeer(previous, p);
    }),
    removed: before.filter((p) => !now.has(p.publicKey)).map((p) => p.publicKey),
    order: peers.map((p) => p.publicKey),
  };
}

/** Turns successive full states of one server into deltas (engine side). */
export class DeltaEncoder {
  #seq = 0;
  #previous: Map<string, PeerLive[]> | null = null;
  #previousProblem: ServerProblem = {};

  encode(live: ServerLive): ServerDelta {
    const seq = ++this.#seq;
    const previous = this.#previous;
    const previousProblem = this.#previousProblem;
    this.#previous = new Map(live.interfaces.map((iface) => [iface.name, iface.peers]));
    this.#previousProblem = problemOf(live);
    if (!previous) return { name: live.name, seq, full: live };

    const { interfaces, error: _error, errorCode: _code, errorDetails: _details, ...server } = live;
    const problem = sameProblem(previousProblem, this.#previousProblem)
      ? {}
      : { problem: this.#previousProblem };
    const deltas: InterfaceDelta[] = interfaces.map((iface) => {
      const { peers, ...header } = iface;
      const before = previous.get(iface.name);
      if (!before)
        return {
          name: iface.name,
          header,
          changed: peers,
          removed: [],
          order: peers.map((p) => p.publicKey),
        };
      return { name: iface.name, header, ...diffInterface(before, peers) };
    });
    const removedInterfaces = [...previous.keys()].filter((name) => !this.#previous!.has(name));
    return {
      name: live.name,
      seq,
      server,
      ...problem,
      interfaces: deltas,
      ...(removedInterfaces.length > 0 ? { removedInterfaces } : {}),
    };
  }

  /** The next update is sent in full (a receiver asked to resync). */
  reset(): void {
    this.#previous = null;
  }
}

/**
 * Applies a delta to what a receiver holds (renderer side). Returns null when the delta cannot be
 * applied (a gap in `seq`): the receiver then fetches the full state. Unchanged peers keep their
 * object identity, so memoised rows do not re-render.
 */
export function applyDelta(
  held: { seq: number; live: ServerLive } | undefined,
  delta: ServerDelta,
): { seq: number; live: ServerLive } | null {
  if (delta.full) return { seq: delta.seq, live: delta.full };
  if (!held || delta.seq !== held.seq + 1 || !delta.server) return null;
  const interfaces: InterfaceLive[] = [];
  const byName = new Map(held.live.interfaces.map((i) => [i.name, i]));
  for (const change of delta.interfaces ?? []) {
    const old = byName.get(change.name);
    const peers = new Map((old?.peers ?? []).map((p) => [p.publicKey, p]));
    for (const key of change.removed) peers.delete(key);
    for (const peer of change.changed) peers.set(peer.publicKey, peer);
    const order = change.order ?? (old?.peers ?? []).map((p) => p.publicKey);
    const list: PeerLive[] = [];
    for (const key of order) {
      const peer = peers.get(key);
      if (peer) list.push(peer);
    }
    interfaces.push({ ...change.header, peers: list });
  }
  const problem = delta.problem ?? problemOf(held.live);
  return { seq: delta.seq, live: { ...delta.server, ...problem, interfaces } };
}
