/**
 * What happened in the fleet, as facts, each emitted once when it happens (not on every poll): the
 * internal events the event log, alerts, notifications and exporters subscribe to. Derived from
 * successive live states of one server by `transitions()`; published by the composition root.
 */

import type { ConnectionState, PeerStatus, Snapshot } from '../../../shared/domain.ts';
import type { LifecycleEventType } from '../../../shared/event-log.ts';

export type DomainEvent =
  /** Every frame taken from a server, as parsed (what history records). */
  | { type: 'server.sample'; server: string; snapshot: Snapshot; receivedAt: number; intervalSeconds: number }
  /** A server's stream ended (connection lost, session stopped): history shows a gap from here. */
  | { type: 'server.streamLost'; server: string; at: number }
  /** The first time a server streams (its session came up). */
  | { type: 'server.connected'; server: string; at: number }
  /** A server that streamed stopped (connection lost, stalled, failing), with why. */
  | { type: 'server.unreachable'; server: string; at: number; state: ConnectionState; error: string | null }
  /** A server that was unreachable streams again. */
  | { type: 'server.recovered'; server: string; at: number; downForMs: number }
  /** The server's uptime went backwards: it rebooted between two frames. */
  | { type: 'server.rebooted'; server: string; at: number }
  /** A peer's status changed (online, stale, offline; `never` only as `from`). */
  | {
      type: 'peer.status';
      server: string;
      iface: string;
      publicKey: string;
      from: PeerStatus;
      to: PeerStatus;
      at: number;
    }
  /** A new handshake from a peer that was not online: a session started (rekeys of a live one are not). */
  | {
      type: 'peer.handshake';
      server: string;
      iface: string;
      publicKey: string;
      handshakeAt: number;
      at: number;
    }
  /** A peer's endpoint changed (roaming, NAT rebinding). */
  | {
      type: 'peer.roamed';
      server: string;
      iface: string;
      publicKey: string;
      from: string | null;
      to: string;
      at: number;
    }
  /** A peer's transfer counters went backwards (the interface was restarted, or the peer re-added). */
  | { type: 'peer.counterReset'; server: string; iface: string; publicKey: string; at: number }
  /**
   * An interface's error or drop counters started rising (they did not in the interval before): how
   * much each rose in this interval. Once per episode; `iface.problemsSettled` ends it.
   */
  | {
      type: 'iface.problemsRising';
      server: string;
      iface: string;
      increase: Partial<Record<ProblemCounter, number>>;
      at: number;
    }
  /** The error and drop counters of an interface that were rising held still for an interval. */
  | { type: 'iface.problemsSettled'; server: string; iface: string; at: number }
  /**
   * A peer's ping check (run on its server) stopped answering: once per episode, after it failed
   * the checks hysteresis asks for; `peer.pingRecovered` ends it.
   */
  | {
      type: 'peer.pingFailed';
      server: string;
      iface: string;
      publicKey: string;
      address: string;
      at: number;
    }
  /** A peer whose ping check failed answers again. */
  | {
      type: 'peer.pingRecovered';
      server: string;
      iface: string;
      publicKey: string;
      address: string;
      rttMs: number | null;
      at: number;
    }
  /**
   * The lifecycle enforcer disabled or re-enabled a peer, warns of its quota or expiry, or failed
   * (issue 15). `details`: the figures (used, limit, period, expires), short values only.
   */
  | {
      type: 'peer.lifecycle';
      what: LifecycleEventType;
      server: string;
      iface: string;
      publicKey: string;
      details: Record<string, string | number | null>;
      at: number;
    }
  /** An alert rule's condition became true (once per episode; rate-limited by the alert service). */
  | {
      type: 'alert.fired';
      server: string;
      iface: string | null;
      publicKey: string | null;
      rule: string;
      message: string;
      at: number;
    }
  /** A fired alert's condition is no longer true. */
  | {
      type: 'alert.resolved';
      server: string;
      iface: string | null;
      publicKey: string | null;
      rule: string;
      message: string;
      at: number;
    };

/** The counters that only rise when something is wrong (seed 004's error and drop panels). */
export const PROBLEM_COUNTERS = ['rxErrors', 'txErrors', 'rxDropped', 'txDropped'] as const;
export type ProblemCounter = (typeof PROBLEM_COUNTERS)[number];

export type DomainEventType = DomainEvent['type'];

type Listener = (event: DomainEvent) => void;
type BatchListener = (events: readonly DomainEvent[]) => void;

/** In-process and synchronous: a subscriber sees events in the order they happened. */
export class DomainEventBus {
  readonly #listeners = new Set<Listener>();
  readonly #batchListeners = new Set<BatchListener>();
  readonly #onError: (error: unknown, event: DomainEvent) => void;

  constructor(onError: (error: unknown, event: DomainEvent) => void = () => undefined) {
    this.#onError = onError;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Each published batch whole (the facts of one update, in order): for a subscriber that writes, so
   * a server whose 1,000 peers all went offline costs one transaction, not 1,000.
   */
  subscribeBatch(listener: BatchListener): () => void {
    this.#batchListeners.add(listener);
    return () => this.#batchListeners.delete(listener);
  }

  publish(events: readonly DomainEvent[]): void {
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          // A failing subscriber (a full disk under history) must not stop the others: said, not thrown.
          this.#onError(error, event);
        }
      }
    }
    if (events.length === 0) return;
    for (const listener of this.#batchListeners) {
      try {
        listener(events);
      } catch (error) {
        this.#onError(error, events[0]!);
      }
    }
  }
}
