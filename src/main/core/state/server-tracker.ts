import {
  COUNTER_NAMES,
  NULL_RATES,
  type InterfaceCounters,
  type InterfaceLive,
  type InterfaceRates,
  type PeerLive,
  type PeerUsage,
  type Snapshot,
  type StatusThresholds,
  type SystemLive,
  type SystemSample,
} from '../../../shared/domain.ts';
import { counterRestarted, counterStep, cpuBusyShare } from './counter-rules.ts';
import { liveStatus } from './peer-status.ts';
import { hostAddressOf, isPinged } from '../../../shared/check-address.ts';
import { PingState } from './ping-state.ts';
import type { PeerOptions } from '../../../shared/peer-options.ts';

/**
 * What the tracker keeps of a peer between frames. Its counters, resets, key and addresses are the ones
 * `last` published (it is rebuilt whenever one of them changes), so they are not kept twice: one such
 * record per peer of the fleet, and each double field is a 16-byte heap number of its own (issue 14).
 */
interface PeerMemory {
  /** What was published last time: reused when nothing changed, so receivers can compare by identity. */
  last: PeerLive;
  /** The apply() that last saw this peer. */
  epoch: number;
  /** The host address in `last.allowedIps` (parsing addresses for 10,000 peers each frame is not free). */
  host: string | null;
}

interface InterfaceMemory {
  counters: InterfaceCounters | null;
  peers: Map<string, PeerMemory>;
  /** Last snapshot's peers in dump order: the kernel lists peers in a stable order, so the same index
   *  usually holds the same peer and a string compare replaces a hash lookup. */
  order: PeerMemory[];
  epoch: number;
}

interface Memory {
  monotonic: number;
  interfaces: Map<string, InterfaceMemory>;
  netRx: number;
  netTx: number;
  cpuTotal: number | null;
  cpuIdle: number | null;
}

export interface TrackedState {
  serverTime: number;
  interfaces: InterfaceLive[];
  system: SystemLive;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function interfaceRates(
  previous: InterfaceCounters | null | undefined,
  next: InterfaceCounters | null,
  dt: number,
): InterfaceRates {
  if (!previous || !next) return NULL_RATES;
  const rates = { ...NULL_RATES };
  for (const name of COUNTER_NAMES) rates[name] = counterStep(previous[name], next[name], dt).rate;
  return rates;
}

function systemLive(
  sample: SystemSample,
  cpuPercent: number | null,
  netRx: number | null,
  netTx: number | null,
): SystemLive {
  const memUsed =
    sample.memTotalBytes !== null && sample.memAvailableBytes !== null
      ? sample.memTotalBytes - sample.memAvailableBytes
      : null;
  return {
    cpuPercent,
    cpuCount: sample.cpuCount,
    memTotalBytes: sample.memTotalBytes,
    memUsedBytes: memUsed,
    diskTotalBytes: sample.diskTotalBytes,
    diskUsedBytes: sample.diskUsedBytes,
    load1: sample.load1,
    load5: sample.load5,
    load15: sample.load15,
    uptimeSeconds: sample.uptimeSeconds,
    netRxRate: netRx,
    netTxRate: netTx,
  };
}

/**
 * Turns a server's successive snapshots into live state: rates from deltas over the server's monotonic
 * clock, counter resets detected per peer and interface, statuses from handshake age.
 * One tracker per server; not shared, so no locking.
 */
/** Public key → the options its config file gives it (peer-options.ts), per interface (peer names' book). */
export type PeerOptionsOf = (iface: string) => Readonly<Record<string, PeerOptions>> | undefined;
/** An interface's peers' quota usage (the lifecycle service's), by public key. */
export type PeerUsageOf = (iface: string) => ReadonlyMap<string, PeerUsage> | undefined;

/** The server's thresholds with what a peer sets itself (its rule, its online/stale seconds). */
function withPeerOptions(thresholds: StatusThresholds, own: PeerOptions): StatusThresholds {
  return {
    onlineSeconds: own.onlineSeconds ?? thresholds.onlineSeconds,
    staleSeconds: own.staleSeconds ?? thresholds.staleSeconds,
    rule: own.rule ?? thresholds.rule,
  };
}

export class ServerTracker {
  #memory: Memory | null = null;
  #epoch = 0;
  #thresholds: StatusThresholds;
  readonly #optionsOf: PeerOptionsOf;
  readonly #usageOf: PeerUsageOf;
  readonly #ping = new PingState();
  #targets: readonly string[] = [];
  /** A peer came, went or changed its check address since `#targets` was built. */
  #targetsDirty = false;

  constructor(
    thresholds: StatusThresholds,
    optionsOf: PeerOptionsOf = () => undefined,
    usageOf: PeerUsageOf = () => undefined,
  ) {
    this.#thresholds = thresholds;
    this.#optionsOf = optionsOf;
    this.#usageOf = usageOf;
  }

  /**
   * The addresses the ping checks ping (isPinged), as of the last apply(): sorted, each once. The
   * same array until a peer comes, goes, changes its check address or gains or loses its endpoint
   * (rebuilt only then, not every frame).
   */
  get pingTargets(): readonly string[] {
    if (this.#targetsDirty) {
      const targets = new Set<string>();
      for (const iface of this.#memory?.interfaces.values() ?? [])
        for (const peer of iface.peers.values()) if (isPinged(peer.last)) targets.add(peer.last.checkAddress);
      this.#targets = [...targets].sort();
      this.#targetsDirty = false;
    }
    return this.#targets;
  }

  set thresholds(thresholds: StatusThresholds) {
    this.#thresholds = thresholds;
  }

  apply(snapshot: Snapshot): TrackedState {
    const previous = this.#memory;
    // A monotonic clock that went back means the server rebooted: every counter restarted.
    const dt = previous ? snapshot.monotonic - previous.monotonic : 0;
    const usable = previous !== null && dt > 0 ? previous : null;

    // Memory is updated in place (10,000 peers every interval: no per-frame maps or spreads);
    // entries not seen in this snapshot are dropped at the end.
    const epoch = ++this.#epoch;
    if (snapshot.ping) this.#ping.apply(snapshot.ping);
    const interfacesMemory = previous?.interfaces ?? new Map<string, InterfaceMemory>();
    const interfaces: InterfaceLive[] = [];
    for (const dump of snapshot.interfaces) {
      let memory = interfacesMemory.get(dump.name);
      if (!memory) {
        memory = { counters: null, peers: new Map(), order: [], epoch };
        interfacesMemory.set(dump.name, memory);
      }
      const countersBefore = usable ? memory.counters : null;
      const counters = snapshot.netdev[dump.name] ?? null;
      const peers: PeerLive[] = new Array<PeerLive>(dump.peers.length);
      const explicit = this.#optionsOf(dump.name);
      const usages = this.#usageOf(dump.name);
      const previousOrder = memory.order;
      const order = new Array<PeerMemory>(dump.peers.length);
      for (let i = 0; i < dump.peers.length; i++) {
        const peer = dump.peers[i]!;
        const guess = previousOrder[i];
        const old =
          guess !== undefined && guess.last.publicKey === peer.publicKey
            ? guess
            : memory.peers.get(peer.publicKey);
        const last = old?.last ?? null;
        // counterStep's rule, inlined: this loop runs for every peer of the fleet every interval.
        let rxRate: number | null = null;
        let txRate: number | null = null;
        let resets = last?.resets ?? 0;
        if (usable && last !== null) {
          const rxReset = counterRestarted(last.rxBytes, peer.rxBytes);
          const txReset = counterRestarted(last.txBytes, peer.txBytes);
          rxRate = (rxReset ? peer.rxBytes : peer.rxBytes - last.rxBytes) / dt;
          txRate = (txReset ? peer.txBytes : peer.txBytes - last.txBytes) / dt;
          if (rxReset || txReset) resets += 1;
        }
        const host =
          old !== undefined && sameStrings(old.last.allowedIps, peer.allowedIps)
            ? old.host
            : hostAddressOf(peer.allowedIps);
        const own = explicit?.[peer.publicKey];
        const checkAddress = own?.checkAddress ?? host;
        if (
          last === null ||
          last.checkAddress !== checkAddress ||
          (last.endpoint === null) !== (peer.endpoint === null)
        )
          this.#targetsDirty = true;
        const ping = this.#ping.of(checkAddress);
        const status = liveStatus(
          { latestHandshake: peer.latestHandshake, persistentKeepalive: peer.persistentKeepalive, ping },
          snapshot.serverTime,
          own === undefined ? this.#thresholds : withPeerOptions(this.#thresholds, own),
          last?.status ?? null,
        );
        const usage = usages?.get(peer.publicKey);
        if (
          old !== undefined &&
          last !== null &&
          last.usage === usage &&
          last.rxBytes === peer.rxBytes &&
          last.txBytes === peer.txBytes &&
          last.rxRate === rxRate &&
          last.txRate === txRate &&
          last.status === status &&
          last.resets === resets &&
          last.latestHandshake === peer.latestHandshake &&
          last.endpoint === peer.endpoint &&
          last.persistentKeepalive === peer.persistentKeepalive &&
          last.presharedKey === peer.presharedKey &&
          last.checkAddress === checkAddress &&
          last.ping === ping &&
          sameStrings(last.allowedIps, peer.allowedIps)
        ) {
          old.epoch = epoch;
          order[i] = old;
          peers[i] = last;
          continue;
        }
        const live: PeerLive = {
          publicKey: peer.publicKey,
          presharedKey: peer.presharedKey,
          endpoint: peer.endpoint,
          allowedIps: peer.allowedIps,
          latestHandshake: peer.latestHandshake,
          rxBytes: peer.rxBytes,
          txBytes: peer.txBytes,
          persistentKeepalive: peer.persistentKeepalive,
          status,
          rxRate,
          txRate,
          resets,
          checkAddress,
          ping,
        };
        if (usage !== undefined) live.usage = usage;
        if (old === undefined) {
          const fresh: PeerMemory = { last: live, epoch, host };
          memory.peers.set(peer.publicKey, fresh);
          order[i] = fresh;
        } else {
          old.last = live;
          old.epoch = epoch;
          old.host = host;
          order[i] = old;
        }
        peers[i] = live;
      }
      memory.order = order;
      if (memory.peers.size > dump.peers.length) {
        for (const [key, peerMemory] of memory.peers)
          if (peerMemory.epoch !== epoch) memory.peers.delete(key);
        this.#targetsDirty = true;
      }
      memory.counters = counters;
      memory.epoch = epoch;
      interfaces.push({
        name: dump.name,
        publicKey: dump.publicKey,
        listenPort: dump.listenPort,
        fwmark: dump.fwmark,
        counters,
        rates: interfaceRates(countersBefore, counters, dt),
        peers,
      });
    }
    for (const [name, memory] of interfacesMemory) {
      if (memory.epoch === epoch) continue;
      interfacesMemory.delete(name);
      this.#targetsDirty = true;
    }

    let netRx = 0;
    let netTx = 0;
    for (const [name, counters] of Object.entries(snapshot.netdev)) {
      if (name === 'lo') continue;
      netRx += counters.rxBytes;
      netTx += counters.txBytes;
    }
    const { cpuTotalJiffies: cpuTotal, cpuIdleJiffies: cpuIdle } = snapshot.system;
    const busy = usable
      ? cpuBusyShare({ total: usable.cpuTotal, idle: usable.cpuIdle }, { total: cpuTotal, idle: cpuIdle })
      : null;
    const cpuPercent = busy === null ? null : 100 * busy;
    const system = systemLive(
      snapshot.system,
      cpuPercent,
      usable ? counterStep(usable.netRx, netRx, dt).rate : null,
      usable ? counterStep(usable.netTx, netTx, dt).rate : null,
    );

    this.#memory = {
      monotonic: snapshot.monotonic,
      interfaces: interfacesMemory,
      netRx,
      netTx,
      cpuTotal,
      cpuIdle,
    };
    return { serverTime: snapshot.serverTime, interfaces, system };
  }

  /** Forget history, e.g. after a reconnect to what may be a different machine behind the same name. */
  reset(): void {
    this.#memory = null;
    this.#ping.reset();
    this.#targetsDirty = true;
  }
}
