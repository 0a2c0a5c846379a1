/**
 * HistoryStore: WG Deck's local time-series history, one SQLite file (`node:sqlite`) in the data dir.
 *
 * Design (details in README.md):
 * - Write-ahead: each poll of a server is ONE `frame` row — the timestamp plus only the series whose
 *   value changed, as varint deltas (idle peers are simply absent). Counters are stored as a
 *   reset-adjusted cumulative (a drop adds the post-reset value), so nothing downstream sees a reset.
 * - Every 10 minutes of data a server's frames are compacted into per-series chunk blobs (delta or
 *   delta-of-delta + zigzag varints + zero runs, timestamps once per server block in a time chunk);
 *   until then the block lives in memory too and is rebuilt from the frames on open.
 * - Tiers: raw chunks (48 h), 1-minute rollups (90 d), 1-hour rollups (2 y), each rollup row holding a
 *   series' buckets for an hour / a day, with sum, count, Δt, min and max. maintain() compacts, rolls up
 *   and enforces retention in bounded units.
 * - Gaps are data: a sample more than 2.5 poll intervals after the previous one, the first after
 *   markStopped() or a restart, samples while a peer is absent or `wg` fails — never drawn as zeros.
 * - Queries pick a tier from the range and the pixel width, stitch tiers where a finer one has data the
 *   coarser has not rolled up yet, and downsample to ≤ N buckets keeping min and max.
 *
 * Single-threaded and synchronous, like `node:sqlite`: call it from the engine's thread.
 */
import { COUNTER_NAMES, type Snapshot } from '../../../shared/domain.ts';
import type { EventQuery as LogQuery, LoggedEvent } from '../../../shared/event-log.ts';
import { appendEvents, pruneEvents, queryEvents } from './event-log-table.ts';
import { HistoryCore } from './core.ts';
import { Maintenance } from './maintenance.ts';
import {
  CPU_SCALE,
  EVENT_ENDPOINT,
  HOUR_MS,
  KIND_IFACE,
  LOAD_SCALE,
  PEER_HANDSHAKE,
  PEER_RX,
  PEER_TX,
  SYS_CPU,
  SYS_DISK_TOTAL,
  SYS_DISK_USED,
  SYS_LOAD1,
  SYS_MEM_TOTAL,
  SYS_MEM_USED,
  TIER_HOUR,
  TIER_MINUTE,
  TIER_RAW,
  type Entity,
  type ServerMem,
} from './model.ts';
import {
  bucketing,
  bucketTimes,
  chooseTier,
  GaugeAccumulator,
  intersectGaps,
  MarkerCollector,
  normalizeGaps,
  rawResolution,
  RateAccumulator,
  readSeries,
  UsageAccumulator,
  type Bucketing,
} from './reader.ts';
import { openDatabase } from './schema.ts';
import {
  DEFAULT_RETENTION,
  type EndpointEvent,
  type EventQuery,
  type FleetQuery,
  type FleetSeries,
  type GapRange,
  type GaugeSeries,
  type HandshakeEvent,
  type HistoryOptions,
  type InterfaceQuery,
  type InterfaceSeries,
  type MaintainResult,
  type PeerQuery,
  type PeerSeries,
  type Retention,
  type ServerQuery,
  type ServerSeries,
  type StoreStats,
  type Tier,
  type UsageBucket,
  type UsageQuery,
} from './types.ts';

const TIER_NAMES: readonly Tier[] = ['raw', 'minute', 'hour'];
const MAX_USAGE_BUCKETS = 5000;

export interface CatalogServer {
  name: string;
  intervalMs: number;
  /** Laptop time of the latest sample; null before the first. */
  lastSample: number | null;
  recording: boolean;
  interfaces: { name: string; wireguard: boolean; peers: string[] }[];
}

function validRange(q: { from: number; to: number }): void {
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to) || !(q.to > q.from))
    throw new RangeError(`history: invalid range [${q.from}, ${q.to})`);
}

const DAY_MS = 86_400_000;

export class HistoryStore {
  readonly #core: HistoryCore;
  readonly #maintenance: Maintenance;

  private constructor(core: HistoryCore) {
    this.#core = core;
    this.#maintenance = new Maintenance(core);
  }

  /**
   * Opens (creating and migrating as needed) the database at `path` and rebuilds the uncompacted
   * recent data from its frames. Throws SchemaTooNewError for a file from a newer WG Deck.
   */
  static open(path: string, options: HistoryOptions = {}): HistoryStore {
    const retention: Retention = { ...DEFAULT_RETENTION, ...options.retention };
    for (const [key, value] of Object.entries(retention))
      if (!(typeof value === 'number' && value > 0))
        throw new RangeError(`history: retention.${key} must be > 0`);
    const db = openDatabase(path);
    try {
      const core = new HistoryCore(db, retention);
      core.load();
      return new HistoryStore(core);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  get retention(): Retention {
    return { ...this.#core.retention };
  }

  /** A retention change applies from the next maintenance step on: nothing to reopen. */
  set retention(retention: Retention) {
    this.#core.retention = { ...retention };
  }

  // -------------------------------------------------------------------------------------------------
  // Writing

  /**
   * Records one snapshot of `server`, received at `at` (laptop ms), polled every `intervalSeconds`.
   * One transaction; typically well under a millisecond per 1,000 peers. Timestamps are forced to
   * increase per server.
   */
  record(server: string, snapshot: Snapshot, at: number, intervalSeconds: number): void {
    this.#open();
    this.#core.record(server, snapshot, at, intervalSeconds);
  }

  /**
   * Recording of `server` ends (engine stop, server lost or removed): the next sample starts a new
   * segment and queries show a gap from the last sample on. `_at` is accepted for symmetry with record();
   * the gap starts at the last sample. Opening the store implies it for every server.
   */
  markStopped(server: string, _at?: number): void {
    this.#open();
    this.#core.markStopped(server);
  }

  /**
   * Background work in units, until `budgetMs` is spent (at least one unit): compaction, rollups,
   * retention. Call it on a timer (e.g. every 10 s); `idle` says nothing was left.
   */
  maintain(budgetMs = 20): MaintainResult {
    this.#open();
    const result = this.#maintenance.run(budgetMs);
    // The event log keeps as long as the longest tier: what the charts can show, the log can explain.
    result.deleted += pruneEvents(
      this.#core.db,
      this.#core.now - this.#core.retention.hourDays * DAY_MS,
      500,
    );
    return result;
  }

  /** Appends events to the log, in one transaction. */
  logEvents(events: readonly LoggedEvent[]): void {
    this.#open();
    this.#core.transaction(() => appendEvents(this.#core.db, events));
  }

  events(q: LogQuery): LoggedEvent[] {
    this.#open();
    return queryEvents(this.#core.db, q);
  }

  close(): void {
    if (this.#core.closed) return;
    this.#core.closed = true;
    this.#core.db.close();
  }

  #open(): void {
    if (this.#core.closed) throw new Error('history: store is closed');
  }

  // -------------------------------------------------------------------------------------------------
  // Queries

  #tier(
    q: { from: number; to: number; points: number; tier?: Tier },
    intervalMs: number,
  ): {
    tier: number;
    b: Bucketing;
  } {
    validRange(q);
    const rawRes = rawResolution(intervalMs);
    const tier = q.tier ? TIER_NAMES.indexOf(q.tier) : chooseTier(this.#core, q.from, q.to, q.points, rawRes);
    if (tier < 0) throw new RangeError(`history: unknown tier ${q.tier}`);
    const resolution = tier === TIER_RAW ? rawRes : tier === TIER_MINUTE ? 60_000 : HOUR_MS;
    return { tier, b: bucketing(q.from, q.to, q.points, resolution) };
  }

  #peer(server: string, iface: string, peer: string): Entity | undefined {
    return this.#core.servers.get(server)?.peers.get(iface)?.get(peer);
  }

  peerSeries(q: PeerQuery): PeerSeries {
    this.#open();
    const srv = this.#core.servers.get(q.server);
    const { tier, b } = this.#tier(q, srv?.intervalMs ?? 5000);
    const rx = new RateAccumulator(b);
    const tx = new RateAccumulator(b);
    const gaps: GapRange[] = [];
    const e = this.#peer(q.server, q.iface, q.peer);
    if (e) {
      readSeries(this.#core, e.series(PEER_RX), q.from, q.to, tier, rx, gaps);
      readSeries(this.#core, e.series(PEER_TX), q.from, q.to, tier, tx, []);
    } else gaps.push([q.from, q.to]);
    const r = rx.result();
    const t = tx.result();
    return {
      t: bucketTimes(b),
      step: b.width,
      tier: TIER_NAMES[tier]!,
      rxRate: r.rate,
      rxMin: r.min,
      rxMax: r.max,
      txRate: t.rate,
      txMin: t.min,
      txMax: t.max,
      gaps: normalizeGaps(gaps, q.from, q.to),
    };
  }

  interfaceSeries(q: InterfaceQuery): InterfaceSeries {
    this.#open();
    const srv = this.#core.servers.get(q.server);
    const { tier, b } = this.#tier(q, srv?.intervalMs ?? 5000);
    const e = srv?.ifaces.get(q.iface);
    const counters: InterfaceSeries['counters'] = {};
    let gaps: GapRange[] | null = null;
    for (const name of q.counters) {
      const m = COUNTER_NAMES.indexOf(name);
      if (m < 0) throw new RangeError(`history: unknown counter ${name}`);
      const acc = new RateAccumulator(b);
      const g: GapRange[] = [];
      if (e) readSeries(this.#core, e.series(m), q.from, q.to, tier, acc, g);
      else g.push([q.from, q.to]);
      counters[name] = acc.result();
      gaps ??= normalizeGaps(g, q.from, q.to);
    }
    return {
      t: bucketTimes(b),
      step: b.width,
      tier: TIER_NAMES[tier]!,
      counters,
      gaps: gaps ?? (e ? [] : [[q.from, q.to]]),
    };
  }

  serverSeries(q: ServerQuery): ServerSeries {
    this.#open();
    const srv = this.#core.servers.get(q.server);
    const { tier, b } = this.#tier(q, srv?.intervalMs ?? 5000);
    const result: ServerSeries = { t: bucketTimes(b), step: b.width, tier: TIER_NAMES[tier]!, gaps: [] };
    let gaps: GapRange[] | null = null;
    const read = (metric: number, scale: number): GaugeSeries => {
      const acc = new GaugeAccumulator(b, scale);
      const g: GapRange[] = [];
      if (srv) readSeries(this.#core, srv.system.series(metric), q.from, q.to, tier, acc, g);
      else g.push([q.from, q.to]);
      const normalized = normalizeGaps(g, q.from, q.to);
      gaps = gaps === null ? normalized : intersectGaps(gaps, normalized);
      return acc.result();
    };
    for (const metric of q.metrics) {
      if (metric === 'cpu') result.cpu = read(SYS_CPU, CPU_SCALE);
      else if (metric === 'mem') {
        result.memUsed = read(SYS_MEM_USED, 1);
        result.memTotal = read(SYS_MEM_TOTAL, 1);
      } else if (metric === 'disk') {
        result.diskUsed = read(SYS_DISK_USED, 1);
        result.diskTotal = read(SYS_DISK_TOTAL, 1);
      } else if (metric === 'load1') result.load1 = read(SYS_LOAD1, LOAD_SCALE);
      else throw new RangeError(`history: unknown metric ${String(metric)}`);
    }
    result.gaps = gaps ?? [];
    return result;
  }

  fleetSeries(q: FleetQuery): FleetSeries {
    this.#open();
    let interval = 1000;
    for (const srv of this.#core.servers.values()) interval = Math.max(interval, srv.intervalMs);
    const { tier, b } = this.#tier(q, interval);
    const rx = new Array<number | null>(b.n).fill(null);
    const tx = new Array<number | null>(b.n).fill(null);
    const servers = new Array<number>(b.n).fill(0);
    let gaps: GapRange[] | null = null;
    for (const srv of this.#core.servers.values()) {
      const contributed = new Uint8Array(b.n);
      for (const e of srv.ifaces.values()) {
        if (!e.wg || e.kind !== KIND_IFACE) continue;
        for (const [m, out] of [
          [0, rx],
          [1, tx],
        ] as const) {
          const acc = new RateAccumulator(b);
          const g: GapRange[] = [];
          readSeries(this.#core, e.series(m), q.from, q.to, tier, acc, g);
          const rate = acc.result().rate;
          for (let i = 0; i < b.n; i++) {
            const v = rate[i];
            if (v === null || v === undefined) continue;
            out[i] = (out[i] ?? 0) + v;
            contributed[i] = 1;
          }
          if (m === 0) {
            const normalized = normalizeGaps(g, q.from, q.to);
            gaps = gaps === null ? normalized : intersectGaps(gaps, normalized);
          }
        }
      }
      for (let i = 0; i < b.n; i++) servers[i]! += contributed[i]!;
    }
    return {
      t: bucketTimes(b),
      step: b.width,
      tier: TIER_NAMES[tier]!,
      rxRate: rx,
      txRate: tx,
      servers,
      gaps: gaps ?? [[q.from, q.to]],
    };
  }

  /** Bytes per local day or month, from the reset-adjusted cumulative (so resets and gaps lose nothing seen). */
  usage(q: UsageQuery): UsageBucket[] {
    this.#open();
    validRange(q);
    const edges: number[] = [];
    const d = new Date(q.from);
    let cursor =
      q.by === 'day'
        ? new Date(d.getFullYear(), d.getMonth(), d.getDate())
        : new Date(d.getFullYear(), d.getMonth(), 1);
    edges.push(cursor.getTime());
    while (cursor.getTime() < q.to) {
      cursor =
        q.by === 'day'
          ? new Date(cursor.getFullYear(), cursor.getMonth(), cursor.getDate() + 1)
          : new Date(cursor.getFullYear(), cursor.getMonth() + 1, 1);
      edges.push(cursor.getTime());
      if (edges.length > MAX_USAGE_BUCKETS) throw new RangeError('history: usage range too long');
    }
    const srv = this.#core.servers.get(q.server);
    const e = q.peer === undefined ? srv?.ifaces.get(q.iface) : this.#peer(q.server, q.iface, q.peer);
    const { rx, tx } = this.#usageIn(e, edges);
    const out: UsageBucket[] = [];
    for (let i = 0; i + 1 < edges.length; i++) {
      out.push({ start: edges[i]!, end: edges[i + 1]!, rxBytes: rx.sums[i]!, txBytes: tx.sums[i]! });
    }
    return out;
  }

  /** Sums an entity's rx and tx (series 0 and 1: a peer's, or an interface's bytes) into the buckets `edges` bound. */
  #usageIn(e: Entity | undefined, edges: number[]): { rx: UsageAccumulator; tx: UsageAccumulator } {
    const rx = new UsageAccumulator(edges);
    const tx = new UsageAccumulator(edges);
    if (e) {
      const hourAligned = edges.every((x) => x % HOUR_MS === 0);
      const tier = hourAligned ? TIER_HOUR : TIER_MINUTE;
      const from = edges[0]!;
      const to = edges[edges.length - 1]!;
      readSeries(this.#core, e.series(PEER_RX), from, to, tier, rx, []);
      readSeries(this.#core, e.series(PEER_TX), from, to, tier, tx, []);
    }
    return { rx, tx };
  }

  /**
   * A peer's bytes in [from, to), counted exactly as `usage()` counts them (traffic seen after a gap
   * or a reset where it is first seen), but over any span: a quota's period is a UTC day or month,
   * and `usage()` buckets by the laptop's local calendar. Hour-aligned bounds read the hour tier.
   */
  peerBytes(q: { server: string; iface: string; peer: string; from: number; to: number }): {
    rxBytes: number;
    txBytes: number;
  } {
    this.#open();
    validRange(q);
    const { rx, tx } = this.#usageIn(this.#peer(q.server, q.iface, q.peer), [q.from, q.to]);
    return { rxBytes: rx.sums[0]!, txBytes: tx.sums[0]! };
  }

  /**
   * A peer's reset-adjusted cumulative rx and tx as of its latest sample (memory, no query), or null
   * for a peer never recorded. It only grows, through resets and gaps, by exactly what `usage()` and
   * `peerBytes()` count: the difference between two readings is the bytes between them, so a quota
   * enforcer reads a period's usage as now − (now at the period's start) every poll for nothing.
   */
  peerTotals(server: string, iface: string, peer: string): { rx: number; tx: number } | null {
    this.#open();
    const e = this.#peer(server, iface, peer);
    return e ? { rx: e.series(PEER_RX).value, tx: e.series(PEER_TX).value } : null;
  }

  /**
   * New handshakes seen in [from, to): exact while raw data is kept, then at most one per minute
   * (WireGuard rekeys every 2 minutes, so nothing is lost) and one per hour beyond 90 days.
   */
  handshakes(q: EventQuery): HandshakeEvent[] {
    this.#open();
    validRange(q);
    const e = this.#peer(q.server, q.iface, q.peer);
    if (!e) return [];
    const sink = new MarkerCollector();
    readSeries(this.#core, e.series(PEER_HANDSHAKE), q.from, q.to, TIER_RAW, sink, []);
    return sink.events;
  }

  /** Endpoint changes in [from, to) (the first endpoint seen counts as a change), kept for the hour tier's retention. */
  endpointChanges(q: EventQuery): EndpointEvent[] {
    this.#open();
    validRange(q);
    const e = this.#peer(q.server, q.iface, q.peer);
    if (!e) return [];
    const rows = this.#core.db
      .prepare('SELECT t, text FROM event WHERE sid = ? AND kind = ? AND t >= ? AND t < ? ORDER BY t')
      .all(e.series(0).psid, EVENT_ENDPOINT, q.from, q.to) as { t: number; text: string | null }[];
    return rows.map((r) => ({ t: r.t, endpoint: r.text }));
  }

  /** What the store knows: servers, their interfaces and peers (for pickers and the lead's wiring). */
  catalog(): CatalogServer[] {
    this.#open();
    const out: CatalogServer[] = [];
    for (const srv of this.#core.servers.values()) out.push(describe(srv));
    return out;
  }

  /** Sizes by tier (a full scan: for benchmarks and diagnostics, not for a timer). */
  stats(): StoreStats {
    this.#open();
    const db = this.#core.db;
    const tiers = db
      .prepare('SELECT tier, COUNT(*) AS n, SUM(length(data)) AS bytes FROM chunk GROUP BY tier')
      .all() as { tier: number; n: number; bytes: number }[];
    const times = db
      .prepare('SELECT tier, SUM(length(data)) AS bytes FROM timechunk GROUP BY tier')
      .all() as { tier: number; bytes: number }[];
    const frames = db.prepare('SELECT COUNT(*) AS n, SUM(length(data)) AS bytes FROM frame').get() as {
      n: number;
      bytes: number | null;
    };
    const pragma = (name: string) =>
      (db.prepare(`PRAGMA ${name}`).get() as Record<string, number>)[name] ?? 0;
    const rows = { raw: 0, minute: 0, hour: 0 };
    const bytes = { raw: 0, minute: 0, hour: 0, frames: frames.bytes ?? 0 };
    for (const row of tiers) {
      const name = TIER_NAMES[row.tier];
      if (!name) continue;
      rows[name] = row.n;
      bytes[name] += row.bytes;
    }
    for (const row of times) {
      const name = TIER_NAMES[row.tier];
      if (name) bytes[name] += row.bytes;
    }
    return {
      servers: this.#core.servers.size,
      entities: this.#core.entities.filter(Boolean).length,
      frames: frames.n,
      rows,
      bytes,
      pageSize: pragma('page_size'),
      pages: pragma('page_count'),
      freePages: pragma('freelist_count'),
    };
  }

  /** Folds the WAL into the main file (TRUNCATE), e.g. before measuring the file or a backup. */
  checkpoint(): void {
    this.#open();
    this.#core.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  }
}

function describe(srv: ServerMem): CatalogServer {
  const interfaces = new Map<string, { name: string; wireguard: boolean; peers: string[] }>();
  for (const e of srv.ifaces.values()) interfaces.set(e.iface, { name: e.iface, wireguard: e.wg, peers: [] });
  for (const [iface, group] of srv.peers) {
    let entry = interfaces.get(iface);
    if (!entry) interfaces.set(iface, (entry = { name: iface, wireguard: true, peers: [] }));
    entry.peers.push(...group.keys());
  }
  return {
    name: srv.name,
    intervalMs: srv.intervalMs,
    lastSample: srv.lastT,
    recording: !srv.stopped,
    interfaces: [...interfaces.values()],
  };
}
