/**
 * A deterministic simulated server for benchmarks and tests of the history store: `peers` peers of
 * which `busy` move data every poll (rates log-uniform 20 KB/s – 2 MB/s, noisy, with a daily cycle),
 * `light` only exchange keepalives every 25 s and an occasional small burst, and the rest are idle.
 * Active peers handshake every 2 minutes and roam now and then. The snapshot is mutated in place.
 */
import type { InterfaceCounters, PeerDump, Snapshot } from '../../../shared/domain.ts';
import { makeKey, makeRandom } from '../collector/fixtures.ts';

export interface SimulatorOptions {
  peers: number;
  seed: number;
  /** Fractions of peers; the rest are idle. Defaults 0.1 and 0.3. */
  busy?: number;
  light?: number;
  /** Server wall clock at the start (unix s). Default 1_750_000_000. */
  serverTime?: number;
  /** Per poll, the chance an active peer roams to a new endpoint. Default 1 / 17,280 (about daily at 5 s). */
  roamChance?: number;
}

const BUSY = 0;
const LIGHT = 1;
const IDLE = 2;

interface SimPeer {
  dump: PeerDump;
  kind: number;
  rxRate: number;
  txRate: number;
  phase: number;
}

function zeroCounters(): InterfaceCounters {
  return {
    rxBytes: 0,
    txBytes: 0,
    rxPackets: 0,
    txPackets: 0,
    rxErrors: 0,
    txErrors: 0,
    rxDropped: 0,
    txDropped: 0,
    multicast: 0,
  };
}

export class ServerSimulator {
  readonly snapshot: Snapshot;
  readonly peers: SimPeer[] = [];
  readonly #random: () => number;
  readonly #roam: number;
  #elapsed = 0;

  constructor(options: SimulatorOptions) {
    const random = makeRandom(options.seed);
    this.#random = random;
    this.#roam = options.roamChance ?? 1 / 17_280;
    const busy = Math.round(options.peers * (options.busy ?? 0.1));
    const light = Math.round(options.peers * (options.light ?? 0.3));
    const serverTime = options.serverTime ?? 1_750_000_000;
    const dumps: PeerDump[] = [];
    for (let i = 0; i < options.peers; i++) {
      const kind = i < busy ? BUSY : i < busy + light ? LIGHT : IDLE;
      const dump: PeerDump = {
        publicKey: makeKey(random),
        presharedKey: false,
        endpoint: kind === IDLE && random() < 0.5 ? null : this.#endpoint(),
        allowedIps: [`198.18.${(i >> 8) & 255}.${i & 255}/32`],
        latestHandshake: kind === IDLE ? (random() < 0.5 ? null : serverTime - 86_400 * 3) : serverTime - 30,
        rxBytes: kind === IDLE ? Math.floor(random() * 1e6) : Math.floor(random() * 1e10),
        txBytes: kind === IDLE ? Math.floor(random() * 1e6) : Math.floor(random() * 1e10),
        persistentKeepalive: kind === LIGHT ? 25 : null,
      };
      dumps.push(dump);
      this.peers.push({
        dump,
        kind,
        rxRate: 20_000 * 100 ** random(),
        txRate: 20_000 * 100 ** random(),
        phase: Math.floor(random() * 25),
      });
    }
    const wg0 = zeroCounters();
    for (const d of dumps) {
      wg0.rxBytes += d.rxBytes;
      wg0.txBytes += d.txBytes;
    }
    wg0.rxPackets = Math.floor(wg0.rxBytes / 900);
    wg0.txPackets = Math.floor(wg0.txBytes / 900);
    const eth0 = { ...zeroCounters(), rxBytes: wg0.rxBytes * 1.1, txBytes: wg0.txBytes * 1.1 };
    this.snapshot = {
      seq: 0,
      serverTime,
      monotonic: 100_000,
      interfaces: [
        { name: 'wg0', publicKey: makeKey(random), listenPort: 51820, fwmark: null, peers: dumps },
      ],
      netdev: { lo: zeroCounters(), eth0, wg0 },
      system: {
        cpuTotalJiffies: 1_000_000,
        cpuIdleJiffies: 900_000,
        cpuCount: 2,
        memTotalBytes: 4 * 1024 ** 3,
        memAvailableBytes: 3 * 1024 ** 3,
        diskTotalBytes: 40 * 1024 ** 3,
        diskUsedBytes: 12 * 1024 ** 3,
        load1: 0.2,
        load5: 0.2,
        load15: 0.2,
        uptimeSeconds: 100_000,
      },
      wgError: null,
      ping: null,
    };
  }

  #endpoint(): string {
    const r = this.#random;
    // Test payloads stay inside 198.18.0.0/16. Two draws are skipped so that an endpoint still takes
    // five, as when the first two octets were random too: the rest of the sequence is unchanged.
    r();
    r();
    return `198.18.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}:${1024 + Math.floor(r() * 64000)}`;
  }

  /** Advances the server by `seconds` and returns the (same, mutated) snapshot. */
  step(seconds: number): Snapshot {
    const s = this.snapshot;
    const r = this.#random;
    this.#elapsed += seconds;
    s.seq++;
    s.serverTime += seconds;
    s.monotonic += seconds;
    const now = s.serverTime;
    // Daily cycle: busier in the evening.
    const daily = 0.6 + 0.4 * Math.sin((2 * Math.PI * (now % 86_400)) / 86_400);
    const wg0 = s.netdev['wg0']!;
    let rxSum = 0;
    let txSum = 0;
    for (const p of this.peers) {
      if (p.kind === IDLE) continue;
      const d = p.dump;
      let rx = 0;
      let tx = 0;
      if (p.kind === BUSY) {
        rx = Math.round(p.rxRate * daily * (0.5 + r()) * seconds);
        tx = Math.round(p.txRate * daily * (0.5 + r()) * seconds);
      } else {
        const ticks = Math.floor((now + p.phase) / 25) - Math.floor((now - seconds + p.phase) / 25);
        rx = ticks * 32;
        tx = ticks * 32;
        if (r() < 0.002) {
          rx += Math.floor(r() * 100_000);
          tx += Math.floor(r() * 20_000);
        }
      }
      d.rxBytes += rx;
      d.txBytes += tx;
      rxSum += rx;
      txSum += tx;
      if (d.latestHandshake === null || now - d.latestHandshake >= 120) d.latestHandshake = now;
      if (r() < this.#roam) d.endpoint = this.#endpoint();
    }
    wg0.rxBytes += rxSum;
    wg0.txBytes += txSum;
    wg0.rxPackets += Math.ceil(rxSum / 900);
    wg0.txPackets += Math.ceil(txSum / 900);
    if (r() < 0.01) wg0.rxDropped += 1;
    const eth0 = s.netdev['eth0']!;
    eth0.rxBytes += Math.round(rxSum * 1.05 + 2000 * seconds);
    eth0.txBytes += Math.round(txSum * 1.05 + 1500 * seconds);
    eth0.rxPackets += Math.ceil(rxSum / 1400) + 3 * seconds;
    eth0.txPackets += Math.ceil(txSum / 1400) + 2 * seconds;
    const sys = s.system;
    const cpus = sys.cpuCount ?? 1;
    const busyShare = Math.min(0.95, 0.05 + 0.3 * daily * r());
    sys.cpuTotalJiffies! += Math.round(100 * cpus * seconds);
    sys.cpuIdleJiffies! += Math.round(100 * cpus * seconds * (1 - busyShare));
    sys.memAvailableBytes = Math.max(
      256 * 1024 ** 2,
      Math.min(sys.memTotalBytes!, sys.memAvailableBytes! + Math.round((r() - 0.5) * 8 * 1024 ** 2)),
    );
    if (r() < 0.05) sys.diskUsedBytes! += 4096 * Math.floor(r() * 256);
    sys.load1 = Math.round(busyShare * cpus * 2 * 100) / 100;
    sys.uptimeSeconds = s.monotonic;
    return s;
  }

  /** The server reboots: every counter restarts from zero, the monotonic clock too. */
  reboot(): void {
    const s = this.snapshot;
    for (const p of this.peers) {
      p.dump.rxBytes = 0;
      p.dump.txBytes = 0;
    }
    for (const counters of Object.values(s.netdev)) Object.assign(counters, zeroCounters());
    s.monotonic = 30;
    s.system.cpuTotalJiffies = 1000;
    s.system.cpuIdleJiffies = 900;
  }

  get elapsedSeconds(): number {
    return this.#elapsed;
  }
}

/** A minimal snapshot for tests: one interface `wg0` with the given peers, netdev and system optional. */
export function makeSnapshot(options: {
  monotonic: number;
  serverTime?: number;
  peers?: { key: string; rx: number; tx: number; handshake?: number | null; endpoint?: string | null }[];
  wg0?: Partial<InterfaceCounters>;
  cpu?: { total: number; idle: number } | null;
  memUsed?: number | null;
  load1?: number | null;
  wgError?: string | null;
}): Snapshot {
  const peers: PeerDump[] = (options.peers ?? []).map((p) => ({
    publicKey: p.key,
    presharedKey: false,
    endpoint: p.endpoint ?? null,
    allowedIps: [],
    latestHandshake: p.handshake ?? null,
    rxBytes: p.rx,
    txBytes: p.tx,
    persistentKeepalive: null,
  }));
  const memTotal = 8 * 1024 ** 3;
  return {
    seq: 1,
    serverTime: options.serverTime ?? 1_750_000_000,
    monotonic: options.monotonic,
    interfaces: options.wgError
      ? []
      : [{ name: 'wg0', publicKey: null, listenPort: 51820, fwmark: null, peers }],
    netdev: options.wg0 ? { wg0: { ...zeroCounters(), ...options.wg0 } } : {},
    system: {
      cpuTotalJiffies: options.cpu === null ? null : (options.cpu?.total ?? null),
      cpuIdleJiffies: options.cpu === null ? null : (options.cpu?.idle ?? null),
      cpuCount: 2,
      memTotalBytes: options.memUsed === undefined || options.memUsed === null ? null : memTotal,
      memAvailableBytes:
        options.memUsed === undefined || options.memUsed === null ? null : memTotal - options.memUsed,
      diskTotalBytes: null,
      diskUsedBytes: null,
      load1: options.load1 ?? null,
      load5: null,
      load15: null,
      uptimeSeconds: options.monotonic,
    },
    wgError: options.wgError ?? null,
    ping: null,
  };
}
