/**
 * The facts between two live states of one server: connection transitions, reboots, and per peer
 * status changes, new handshakes, roaming and counter resets. Pure: the same two states always give
 * the same events, and a state compared with itself gives none, so a fact is emitted once.
 */

import type { InterfaceLive, PeerLive, ServerLive } from '../../../shared/domain.ts';
import { PROBLEM_COUNTERS, type DomainEvent, type ProblemCounter } from './domain-events.ts';

/** What the previous call left behind, per server (the last streaming moment, to say how long down). */
export interface TransitionMemory {
  /** Laptop ms when the server was last seen streaming; null if it never did. */
  lastStreamingAt: number | null;
  /** Whether it is down now after having streamed. */
  down: boolean;
  /** Interfaces whose error/drop counters rose in the last interval (an episode in progress). */
  rising: readonly string[];
}

/** Handshakes further apart than this are two sessions: WireGuard rekeys a live one every 120 s. */
export const SESSION_GAP_SECONDS = 180;

export const NEW_MEMORY: TransitionMemory = { lastStreamingAt: null, down: false, rising: [] };

/** States that mean the server was lost; `connecting` (a deliberate restart) and `stopped` do not. */
const OUTAGE = new Set<ServerLive['state']>(['reconnecting', 'error']);

export function transitions(
  before: ServerLive | null,
  after: ServerLive,
  memory: TransitionMemory,
  at: number,
): { events: DomainEvent[]; memory: TransitionMemory } {
  const events: DomainEvent[] = [];
  const server = after.name;
  const streaming = after.state === 'connected';
  let next = memory;
  if (streaming) {
    if (memory.lastStreamingAt === null) events.push({ type: 'server.connected', server, at });
    else if (memory.down)
      events.push({ type: 'server.recovered', server, at, downForMs: at - memory.lastStreamingAt });
    next = { ...memory, lastStreamingAt: at, down: false };
  } else if (memory.lastStreamingAt !== null && !memory.down && OUTAGE.has(after.state)) {
    events.push({ type: 'server.unreachable', server, at, state: after.state, error: after.error ?? null });
    next = { ...memory, down: true };
  }
  if (!before || before.state !== 'connected' || !streaming) return { events, memory: next };

  const up0 = before.system?.uptimeSeconds;
  const up1 = after.system?.uptimeSeconds;
  if (up0 != null && up1 != null && up1 < up0) events.push({ type: 'server.rebooted', server, at });

  const rising: string[] = [];
  for (const iface of after.interfaces) {
    const old = before.interfaces.find((i) => i.name === iface.name);
    if (!old) continue;
    const increase = problemIncrease(old, iface);
    const wasRising = memory.rising.includes(iface.name);
    if (increase) {
      rising.push(iface.name);
      if (!wasRising) events.push({ type: 'iface.problemsRising', server, iface: iface.name, increase, at });
    } else if (wasRising) {
      events.push({ type: 'iface.problemsSettled', server, iface: iface.name, at });
    }
    // Every peer of the fleet, every interval: the tracker hands an unchanged peer over as the same
    // object (no facts in it), and the dump's order is stable, so the same index is looked at first.
    let previous: Map<string, PeerLive> | null = null;
    for (let i = 0; i < iface.peers.length; i++) {
      const peer = iface.peers[i]!;
      const guess = old.peers[i];
      if (guess === peer) continue;
      let was = guess?.publicKey === peer.publicKey ? guess : undefined;
      if (!was) {
        previous ??= new Map(old.peers.map((p) => [p.publicKey, p]));
        was = previous.get(peer.publicKey);
      }
      if (was) peerFacts(events, server, iface.name, was, peer, at);
    }
  }
  return { events, memory: { ...next, rising } };
}

/** How much each error/drop counter rose between two states; null when none did (or they reset). */
function problemIncrease(
  was: InterfaceLive,
  now: InterfaceLive,
): Partial<Record<ProblemCounter, number>> | null {
  if (!was.counters || !now.counters) return null;
  const increase: Partial<Record<ProblemCounter, number>> = {};
  let any = false;
  for (const name of PROBLEM_COUNTERS) {
    const delta = now.counters[name] - was.counters[name];
    if (delta > 0) {
      increase[name] = delta;
      any = true;
    }
  }
  return any ? increase : null;
}

/** Appends to `facts` what changed between two states of one peer. */
function peerFacts(
  facts: DomainEvent[],
  server: string,
  iface: string,
  was: PeerLive,
  now: PeerLive,
  at: number,
): void {
  const base = { server, iface, publicKey: now.publicKey, at };
  if (was.status !== now.status)
    facts.push({ type: 'peer.status', ...base, from: was.status, to: now.status });
  // A rekey every two minutes is not news; a handshake after more than SESSION_GAP_SECONDS without
  // one starts a session (seed 002).
  if (
    now.latestHandshake !== null &&
    (was.latestHandshake === null || now.latestHandshake - was.latestHandshake > SESSION_GAP_SECONDS)
  )
    facts.push({ type: 'peer.handshake', ...base, handshakeAt: now.latestHandshake });
  if (now.endpoint !== null && now.endpoint !== was.endpoint)
    facts.push({ type: 'peer.roamed', ...base, from: was.endpoint, to: now.endpoint });
  if (now.resets > was.resets) facts.push({ type: 'peer.counterReset', ...base });
  // The ping state has its hysteresis already (ping-state.ts): its edges are the facts.
  const address = now.checkAddress;
  if (address !== null && now.ping?.failing && !was.ping?.failing)
    facts.push({ type: 'peer.pingFailed', ...base, address });
  if (address !== null && was.ping?.failing && now.ping?.ok)
    facts.push({ type: 'peer.pingRecovered', ...base, address, rttMs: now.ping.rttMs });
}
