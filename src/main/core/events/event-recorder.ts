/**
 * The event log's writer: the domain facts of the bus (and the outcome of peer changes) as log
 * entries, each once. Runs in every engine; writes only where history is recorded (the store is
 * open), so two processes on one data dir never log an event twice.
 */
import type { LoggedEvent } from '../../../shared/event-log.ts';
import type { PeerTxEvent } from '../../../shared/peer-ops.ts';
import type { DriftReport } from '../../../shared/peers.ts';
import type { DomainEvent, DomainEventBus } from '../bus/domain-events.ts';
import { errorMessage } from '../errors.ts';
import type { HistoryStore } from '../history/history-store.ts';

/** A peer's name as known now (config files), or null. */
export type NameOf = (server: string, iface: string, publicKey: string) => string | null;

/** The log entry a domain fact is, or null for facts the log does not keep (samples, stale…). */
export function logEntryFor(event: DomainEvent, nameOf: NameOf): LoggedEvent | null {
  if (event.type === 'server.sample') return null;
  const base = (type: LoggedEvent['type'], details: LoggedEvent['details'] = {}) => ({
    at: event.at / 1000,
    type,
    server: event.server,
    interface: null,
    peer: null,
    name: null,
    details,
  });
  const peer = (
    e: { iface: string; publicKey: string },
    type: LoggedEvent['type'],
    details: LoggedEvent['details'] = {},
  ): LoggedEvent => ({
    ...base(type, details),
    interface: e.iface,
    peer: e.publicKey,
    name: nameOf(event.server, e.iface, e.publicKey),
  });
  switch (event.type) {
    case 'server.unreachable':
      return base('server.unreachable', { state: event.state, error: event.error });
    case 'server.recovered':
      return base('server.recovered', { downForSeconds: Math.round(event.downForMs / 1000) });
    case 'server.rebooted':
      return base('server.rebooted');
    case 'peer.status':
      if (event.to === 'online' && event.from !== 'online')
        return peer(event, 'peer.online', { from: event.from });
      if (event.to === 'offline') return peer(event, 'peer.offline', { from: event.from });
      return null;
    case 'peer.handshake':
      return peer(event, 'peer.session', { handshakeAt: event.handshakeAt });
    case 'peer.roamed':
      return peer(event, 'peer.roamed', { from: event.from, to: event.to });
    case 'peer.counterReset':
      return peer(event, 'counter.reset');
    case 'iface.problemsRising':
      return { ...base('interface.errors', { ...event.increase }), interface: event.iface };
    case 'peer.pingFailed':
      return peer(event, 'ping.failed', { address: event.address });
    case 'peer.pingRecovered':
      return peer(event, 'ping.recovered', { address: event.address, rttMs: event.rttMs });
    case 'alert.fired':
    case 'alert.resolved': {
      const entry = base(event.type, { rule: event.rule, message: event.message });
      if (event.iface === null) return entry;
      if (event.publicKey === null) return { ...entry, interface: event.iface };
      return peer({ iface: event.iface, publicKey: event.publicKey }, event.type, entry.details);
    }
    case 'peer.lifecycle':
      return peer(event, event.what, event.details);
    default:
      return null;
  }
}

/** A finished peer change as a log entry: applied (verified), or rolled back by the server. */
export function logEntryForChange(event: PeerTxEvent, at: number): LoggedEvent | null {
  const type =
    event.phase === 'confirmed'
      ? 'change.applied'
      : event.phase === 'rolled-back'
        ? 'change.rolledBack'
        : null;
  if (!type) return null;
  return {
    at: at / 1000,
    type,
    server: event.server,
    interface: event.iface,
    peer: null,
    name: null,
    details: { txId: event.txId, message: event.message },
  };
}

/** What a drift report says, in counts (details of a `drift.found` entry); null when in sync. */
export function driftDetails(report: DriftReport): LoggedEvent['details'] | null {
  if (report.inSync) return null;
  return {
    onlyLive: report.onlyLive.length,
    onlyFile: report.onlyFile.length,
    disabledButLive: report.disabledButLive.length,
    different: report.different.length,
    interfaceSettings: report.interface.length,
  };
}

export class EventRecorder {
  readonly #store: () => HistoryStore | null;
  /** Per server and interface, the drift last logged: the same drift seen again is not news. */
  readonly #drift = new Map<string, string>();
  readonly #nameOf: NameOf;
  readonly #log: ((message: string) => void) | undefined;

  constructor(options: {
    bus: DomainEventBus;
    store: () => HistoryStore | null;
    /** So an entry carries the name the peer had when it happened. */
    nameOf: NameOf;
    log?: (message: string) => void;
  }) {
    this.#store = options.store;
    this.#nameOf = options.nameOf;
    this.#log = options.log;
    options.bus.subscribeBatch((events) =>
      this.#write(events.flatMap((event) => logEntryFor(event, this.#nameOf) ?? [])),
    );
  }

  /** A peer change's progress (`peers:tx`): its end is logged. */
  onChange(event: PeerTxEvent): void {
    const entry = logEntryForChange(event, Date.now());
    if (entry) this.#write([entry]);
  }

  /** A drift comparison was made: logged when the interface drifts and did not, or drifts otherwise. */
  onDrift(server: string, report: DriftReport): void {
    const key = `${server}\n${report.iface}`;
    const details = driftDetails(report);
    if (details === null) {
      this.#drift.delete(key);
      return;
    }
    const signature = JSON.stringify([
      report.onlyLive,
      report.onlyFile,
      report.disabledButLive,
      report.different,
      report.interface,
    ]);
    if (this.#drift.get(key) === signature) return;
    this.#drift.set(key, signature);
    this.#write([
      {
        at: Date.now() / 1000,
        type: 'drift.found',
        server,
        interface: report.iface,
        peer: null,
        name: null,
        details,
      },
    ]);
  }

  #write(entries: LoggedEvent[]): void {
    const store = this.#store();
    if (entries.length === 0 || !store) return;
    try {
      store.logEvents(entries);
    } catch (error) {
      this.#log?.(`event log: ${errorMessage(error)}`);
    }
  }
}
