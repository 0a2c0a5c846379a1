import type { PeerOptions } from '../../../shared/peer-options.ts';
import { sameSessionConfig } from './session-config.ts';
import type { SyncedServer } from '../../../shared/api.ts';
import type { InterfaceDump, PeerUsage, ServerLive, StatusThresholds } from '../../../shared/domain.ts';
import { DeltaEncoder } from '../../../shared/live-delta.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import type { PingSettings } from '../../../shared/settings.ts';
import type { DomainEventBus } from '../bus/domain-events.ts';
import { NEW_MEMORY, transitions, type TransitionMemory } from '../bus/transitions.ts';
import type { ContractEvents } from '../contract-events.ts';
import type { Credentials } from '../ssh/auth.ts';
import type { SshSession } from '../ssh/dial.ts';
import type { RecordingGate } from '../ssh/host-key-gate.ts';
import { ServerSession, type SessionStats } from './server-session.ts';

export interface FleetDeps {
  gate: (server: ServerConfig) => RecordingGate;
  credentials: (server: ServerConfig) => Promise<Credentials>;
  events: ContractEvents;
  domainEvents: DomainEventBus;
  log?: (message: string) => void;
  /** Every update of a server's live state, after the fleet has published it. */
  onLive?: (server: ServerConfig, live: ServerLive) => void;
  /** A server left the fleet (removed, or gone from servers.json). */
  onForget?: (name: string) => void;
  /** What the config files set for the peers of an interface (peer names' book, peer-options.ts). */
  peerOptions?: (server: string, iface: string) => Readonly<Record<string, PeerOptions>> | undefined;
  /** An interface's peers' quota usage, by public key (the lifecycle service's). */
  peerUsage?: (server: string, iface: string) => ReadonlyMap<string, PeerUsage> | undefined;
  /** Delta frames: a whole dump every this many frames; 0 sends every frame whole (server-session.ts). */
  keyframeEvery?: number;
}

/** How sessions are started: the poll interval of servers without their own, and status thresholds. */
export interface FleetPolicy {
  intervalSeconds: number;
  thresholds: StatusThresholds;
  /** Default: no ping checks. */
  ping?: PingSettings;
}

/**
 * The live fleet: one ServerSession per server, their live states, and what each update becomes —
 * domain facts on the bus (once each, from successive states), the contract's `fleet:server` and its
 * delta. Knows nothing of stores: what to run is handed in (`run`, `sync`).
 */
export class FleetService {
  readonly #deps: FleetDeps;
  readonly #sessions = new Map<string, ServerSession>();
  readonly #synced = new Map<string, SyncedServer>();
  readonly #lastLive = new Map<string, { live: ServerLive; memory: TransitionMemory }>();

  constructor(deps: FleetDeps) {
    this.#deps = deps;
  }

  has(name: string): boolean {
    return this.#sessions.has(name);
  }

  live(): ServerLive[] {
    return [...this.#sessions.values()].map((session) => session.live);
  }

  /** Each running session's own figures, by server name (the exporters' collector metrics). */
  stats(): Map<string, Readonly<SessionStats>> {
    return new Map([...this.#sessions].map(([name, session]) => [name, session.stats]));
  }

  synced(): SyncedServer[] {
    return [...this.#synced.values()];
  }

  /** Starts (or restarts, with a new config) the session of `server`. */
  run(server: ServerConfig, policy: FleetPolicy): void {
    this.#sessions.get(server.name)?.stop();
    const deps = this.#deps;
    const session = new ServerSession({
      server,
      gate: deps.gate(server),
      credentials: () => deps.credentials(server),
      intervalSeconds: server.intervalSeconds ?? policy.intervalSeconds,
      thresholds: policy.thresholds,
      ping: policy.ping,
      keyframeEvery: deps.keyframeEvery,
      peerOptions: (iface) => deps.peerOptions?.(server.name, iface),
      peerUsage: (iface) => deps.peerUsage?.(server.name, iface),
      log: deps.log,
      onSnapshot: (snapshot, receivedAt) =>
        deps.domainEvents.publish([
          {
            type: 'server.sample',
            server: server.name,
            snapshot,
            receivedAt,
            intervalSeconds: session.intervalSeconds,
          },
        ]),
      onStreamLost: () =>
        deps.domainEvents.publish([{ type: 'server.streamLost', server: server.name, at: Date.now() }]),
    });
    const encoder = new DeltaEncoder();
    session.onChange((live) => {
      const last = this.#lastLive.get(live.name);
      const facts = transitions(last?.live ?? null, live, last?.memory ?? NEW_MEMORY, Date.now());
      this.#lastLive.set(live.name, { live, memory: facts.memory });
      deps.domainEvents.publish(facts.events);
      deps.onLive?.(server, live);
      const delta = encoder.encode(live);
      this.#synced.set(live.name, { name: live.name, seq: delta.seq, live });
      deps.events.emit('fleet:server', live);
      deps.events.emit('fleet:delta', delta);
    });
    this.#sessions.set(server.name, session);
    session.start();
  }

  /** Brings the sessions in line with `servers`: new ones start, removed stop, changed restart. */
  sync(servers: ServerConfig[], policy: FleetPolicy): void {
    const wanted = new Set(servers.map((s) => s.name));
    for (const name of [...this.#sessions.keys()]) if (!wanted.has(name)) this.forget(name);
    for (const server of servers) {
      const running = this.#sessions.get(server.name);
      if (!running || !sameSessionConfig(running.server, server)) this.run(server, policy);
    }
  }

  /** Reconnects a server's session now (new credentials, a retrusted key, the admin's button). */
  restart(name: string): boolean {
    const session = this.#sessions.get(name);
    session?.restart();
    return session !== undefined;
  }

  forget(name: string): void {
    this.#lastLive.delete(name);
    this.#sessions.get(name)?.stop();
    this.#sessions.delete(name);
    this.#synced.delete(name);
    this.#deps.onForget?.(name);
    this.#deps.events.emit('fleet:removed', { name });
  }

  setThresholds(thresholds: StatusThresholds): void {
    for (const session of this.#sessions.values()) session.setThresholds(thresholds);
  }

  /** New ping settings: every session restarts (they are arguments of its remote loop). */
  setPing(ping: PingSettings): void {
    for (const session of this.#sessions.values()) session.restart({ ping });
  }

  /** A new global poll interval: only the sessions that use it reconnect (the remote loop's sleep is fixed). */
  setGlobalInterval(intervalSeconds: number): void {
    for (const session of this.#sessions.values()) {
      if (session.server.intervalSeconds === undefined) session.restart({ intervalSeconds });
    }
  }

  /** A verified peer change, shown in the server's live state before its next frame. */
  showVerified(name: string, iface: string, verified: InterfaceDump): void {
    this.#sessions.get(name)?.showVerified(iface, verified);
  }

  /** The live session's connection to `server`, if it runs with this config (peer operations share it). */
  lease(server: ServerConfig): SshSession | null {
    const session = this.#sessions.get(server.name);
    if (!session || !sameSessionConfig(session.server, server)) return null;
    return session.lease();
  }

  stop(): void {
    for (const session of this.#sessions.values()) session.stop();
    this.#sessions.clear();
    this.#synced.clear();
  }
}
