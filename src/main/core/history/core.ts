/**
 * The history store's state and write path (internal; the public face is HistoryStore).
 *
 * record() turns a snapshot into frame entries — only series whose value changed, as deltas — writes
 * them as ONE `frame` row (plus new entities and events) in one transaction, then applies the same
 * entries to memory with `applyToken`, the very function that replays frames on open. So what a reopen
 * rebuilds is by construction what the running store had.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { COUNTER_NAMES, type Snapshot } from '../../../shared/domain.ts';
import {
  ByteReader,
  ByteWriter,
  decodeCheckpoint,
  FLAG_BREAK,
  FLAG_NO_PEERS,
  readFrameEntries,
  readFrameHeader,
  TAG_BACK,
  TAG_BACK_RESET,
  TAG_DELTA,
  TAG_GONE,
  TAG_NEW,
  TAG_RESET,
  writeFrameEntry,
  writeFrameHeader,
  writeValue,
  writeZeroRun,
  type CheckpointArrays,
  type FrameHeader,
} from './codec.ts';
import {
  BLOCK_MS,
  CPU_SCALE,
  DAY_MS,
  Entity,
  EVENT_BACK,
  EVENT_ENDPOINT,
  EVENT_GONE,
  GAP_FACTOR,
  HOUR_MS,
  KIND_IFACE,
  KIND_PEER,
  KIND_SYSTEM,
  LOAD_SCALE,
  OpenBlock,
  PEER_HANDSHAKE,
  PEER_RX,
  PEER_TX,
  SID_SHIFT,
  SYS_CPU,
  SYS_DISK_TOTAL,
  SYS_DISK_USED,
  SYS_LOAD1,
  SYS_MEM_TOTAL,
  SYS_MEM_USED,
  ServerMem,
  type SealedBlock,
  type SealedSeries,
  type Series,
} from './model.ts';
import { STATE_PRESENT, STATE_SEEN } from './series-columns.ts';
import type { Retention } from './types.ts';
import { clockWentBack, counterRestarted, cpuBusyShare } from '../state/counter-rules.ts';

type Stmt = StatementSync;

const EMPTY = new Uint8Array(0);

export class HistoryCore {
  readonly db: DatabaseSync;
  retention: Retention;
  readonly servers = new Map<string, ServerMem>();
  readonly serversById = new Map<number, ServerMem>();
  /** By entity id. */
  readonly entities: (Entity | undefined)[] = [];
  nextEntityId = 1;
  nextServerId = 1;
  /** Latest sample time of any server: "now" for sealing, rollups and retention (simulation-friendly). */
  now = 0;
  /** Every hour before this is in the minute tier; every day before hourWM in the hour tier. */
  minuteWM = 0;
  hourWM = 0;
  closed = false;
  /** Commits since the last WAL checkpoint. */
  commits = 0;

  readonly s: {
    begin: Stmt;
    commit: Stmt;
    rollback: Stmt;
    insServer: Stmt;
    insEntity: Stmt;
    setWg: Stmt;
    setEndpoint: Stmt;
    insFrame: Stmt;
    insEvent: Stmt;
    setMeta: Stmt;
    insChunk: Stmt;
    insTime: Stmt;
    delFrames: Stmt;
    setCheckpoint: Stmt;
    setInterval: Stmt;
    getChunk: Stmt;
    chunksAt: Stmt;
    getTime: Stmt;
    timeRange: Stmt;
    blockRows: Stmt;
    presenceBefore: Stmt;
    presenceRange: Stmt;
  };

  // The batch record() builds before writing: series, tag, payload.
  #bSeries: Series[] = [];
  #bTag: number[] = [];
  #bVal: number[] = [];
  #bCount = 0;
  #newEntities: Entity[] = [];
  #events: { sid: number; kind: number; text: string | null }[] = [];
  #endpointChanges: Entity[] = [];
  #wgChanges: Entity[] = [];
  readonly #frame = new ByteWriter(4096);

  constructor(db: DatabaseSync, retention: Retention) {
    this.db = db;
    this.retention = retention;
    this.s = {
      begin: db.prepare('BEGIN'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      insServer: db.prepare('INSERT INTO server (id, name, interval_ms) VALUES (?, ?, ?)'),
      insEntity: db.prepare(
        'INSERT INTO entity (id, server_id, kind, iface, peer, wg, endpoint) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      setWg: db.prepare('UPDATE entity SET wg = 1 WHERE id = ?'),
      setEndpoint: db.prepare('UPDATE entity SET endpoint = ? WHERE id = ?'),
      insFrame: db.prepare('INSERT INTO frame (server_id, t, data) VALUES (?, ?, ?)'),
      insEvent: db.prepare('INSERT OR REPLACE INTO event (sid, t, kind, text) VALUES (?, ?, ?, ?)'),
      setMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      insChunk: db.prepare('INSERT OR REPLACE INTO chunk (tier, start, sid, data) VALUES (?, ?, ?, ?)'),
      insTime: db.prepare(
        'INSERT OR REPLACE INTO timechunk (server_id, tier, start, data) VALUES (?, ?, ?, ?)',
      ),
      delFrames: db.prepare('DELETE FROM frame WHERE id <= ? AND server_id = ?'),
      setCheckpoint: db.prepare('UPDATE server SET checkpoint = ?, interval_ms = ? WHERE id = ?'),
      setInterval: db.prepare('UPDATE server SET interval_ms = ? WHERE id = ?'),
      getChunk: db.prepare('SELECT data FROM chunk WHERE tier = ? AND start = ? AND sid = ?'),
      // One statement for many blocks: a primary-key seek per listed start (~2 µs each, vs ~8 µs a call).
      chunksAt: db.prepare(
        'SELECT start, data FROM chunk WHERE tier = ?2 AND sid = ?3 AND start IN (SELECT value FROM json_each(?1))',
      ),
      getTime: db.prepare('SELECT data FROM timechunk WHERE server_id = ? AND tier = ? AND start = ?'),
      timeRange: db.prepare(
        'SELECT start, data FROM timechunk WHERE server_id = ? AND tier = ? AND start >= ? AND start < ? ORDER BY start',
      ),
      blockRows: db.prepare('SELECT sid, data FROM chunk WHERE tier = ? AND start = ?'),
      presenceBefore: db.prepare(
        'SELECT t, kind FROM event WHERE sid = ? AND kind IN (1, 2) AND t < ? ORDER BY t DESC LIMIT 1',
      ),
      presenceRange: db.prepare(
        'SELECT t, kind FROM event WHERE sid = ? AND kind IN (1, 2) AND t >= ? AND t < ? ORDER BY t',
      ),
    };
  }

  transaction<T>(fn: () => T): T {
    this.s.begin.run();
    try {
      const result = fn();
      this.s.commit.run();
      this.commits++;
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.s.rollback.run();
      throw error;
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Open: load servers, entities, checkpoints, then replay the frames.

  load(): void {
    const meta = this.db.prepare('SELECT key, value FROM meta').all() as { key: string; value: number }[];
    for (const { key, value } of meta) {
      if (key === 'minute_wm') this.minuteWM = value;
      if (key === 'hour_wm') this.hourWM = value;
    }
    const servers = this.db
      .prepare('SELECT id, name, interval_ms, checkpoint FROM server ORDER BY id')
      .all() as { id: number; name: string; interval_ms: number; checkpoint: Uint8Array | null }[];
    for (const row of servers) this.#loadServer(row);
    const latest = this.db
      .prepare('SELECT sid, MAX(t) AS t FROM event WHERE kind IN (1, 2) GROUP BY sid')
      .all() as { sid: number; t: number }[];
    for (const { sid, t } of latest) {
      const s = this.series(sid);
      if (s?.carriesPresence) s.presenceAt = t;
    }
    const frames = this.db
      .prepare('SELECT id, server_id, t, data FROM frame ORDER BY id')
      .iterate() as Iterable<{
      id: number;
      server_id: number;
      t: number;
      data: Uint8Array;
    }>;
    for (const frame of frames) {
      const srv = this.serversById.get(frame.server_id);
      if (srv) this.#replayFrame(srv, frame.id, frame.t, frame.data);
    }
    for (const srv of this.servers.values()) srv.stopped = true;
  }

  #loadServer(row: {
    id: number;
    name: string;
    interval_ms: number;
    checkpoint: Uint8Array | null;
  }): ServerMem {
    const srv = new ServerMem(row.id, row.name, row.interval_ms);
    this.servers.set(srv.name, srv);
    this.serversById.set(srv.id, srv);
    this.nextServerId = Math.max(this.nextServerId, srv.id + 1);
    const entities = this.db
      .prepare('SELECT id, kind, iface, peer, wg, endpoint FROM entity WHERE server_id = ? ORDER BY id')
      .all(srv.id) as {
      id: number;
      kind: number;
      iface: string;
      peer: string;
      wg: number;
      endpoint: string | null;
    }[];
    for (const e of entities)
      this.#addEntity(new Entity(e.id, srv, e.kind, e.iface, e.peer, e.wg === 1, e.endpoint));
    if (row.checkpoint) {
      const { server, series } = decodeCheckpoint(row.checkpoint);
      srv.lastT = server.lastT;
      srv.lastFlags = server.lastFlags;
      srv.intervalMs = server.intervalMs;
      srv.monotonic = server.monotonic;
      srv.cpuTotal = server.cpuTotal;
      srv.cpuIdle = server.cpuIdle;
      if (server.lastT !== null) {
        srv.minNextT = Math.floor(server.lastT / BLOCK_MS) * BLOCK_MS + BLOCK_MS;
        this.now = Math.max(this.now, server.lastT);
      }
      for (const c of series) {
        const s = this.series(c.sid);
        if (!s) continue;
        s.present = c.present;
        s.seen = c.seen;
        s.value = c.value;
        s.offset = c.offset;
        if (c.present && s.sid === s.psid && s.entity.kind === KIND_PEER) srv.presentPeers++;
      }
    }
    return srv;
  }

  #addEntity(e: Entity): void {
    const srv = e.server;
    this.entities[e.id] = e;
    this.nextEntityId = Math.max(this.nextEntityId, e.id + 1);
    srv.entities.push(e);
    if (e.kind === KIND_SYSTEM) srv.system = e;
    else if (e.kind === KIND_IFACE) srv.ifaces.set(e.iface, e);
    else {
      let group = srv.peers.get(e.iface);
      if (!group) srv.peers.set(e.iface, (group = new Map<string, Entity>()));
      group.set(e.peer, e);
    }
  }

  series(sid: number): Series | undefined {
    const e = this.entities[Math.floor(sid / SID_SHIFT)];
    const metric = sid % SID_SHIFT;
    return e !== undefined && metric < e.metricCount ? e.series(metric) : undefined;
  }

  #replayFrame(srv: ServerMem, id: number, t: number, data: Uint8Array): void {
    const r = new ByteReader(data);
    const header = readFrameHeader(r);
    const index = this.#applySample(srv, t, header, id);
    const block = srv.open!;
    readFrameEntries(r, (sid, tag, payload) => {
      const s = this.series(sid);
      if (s && s.entity.server === srv) this.#applyToken(s, tag, payload, block, index);
    });
  }

  /** After a failed write: forget the server's memory and rebuild it from the database. */
  #reload(srv: ServerMem): void {
    for (const e of srv.entities) this.entities[e.id] = undefined;
    this.servers.delete(srv.name);
    this.serversById.delete(srv.id);
    const row = this.db
      .prepare('SELECT id, name, interval_ms, checkpoint FROM server WHERE id = ?')
      .get(srv.id) as
      { id: number; name: string; interval_ms: number; checkpoint: Uint8Array | null } | undefined;
    if (!row) return;
    const fresh = this.#loadServer(row);
    const frames = this.db
      .prepare('SELECT id, t, data FROM frame WHERE server_id = ? ORDER BY id')
      .iterate(srv.id) as Iterable<{ id: number; t: number; data: Uint8Array }>;
    for (const f of frames) this.#replayFrame(fresh, f.id, f.t, f.data);
    fresh.stopped = true;
  }

  // -------------------------------------------------------------------------------------------------
  // Applying a sample (shared by record and replay)

  #applySample(srv: ServerMem, t: number, h: FrameHeader, frameId: number): number {
    const blockStart = Math.floor(t / BLOCK_MS) * BLOCK_MS;
    if (srv.open && srv.open.start !== blockStart) this.seal(srv);
    if (!srv.open) srv.open = new OpenBlock(blockStart, srv.lastT, srv.lastFlags);
    const block = srv.open;
    const index = block.times.length;
    block.times.push(t);
    block.flags.push(h.flags);
    block.lastFrameId = frameId;
    srv.lastT = t;
    srv.lastFlags = h.flags;
    srv.intervalMs = h.intervalMs;
    if (h.monotonic !== null) srv.monotonic = h.monotonic;
    if (h.cpuTotal !== null) srv.cpuTotal = h.cpuTotal;
    if (h.cpuIdle !== null) srv.cpuIdle = h.cpuIdle;
    srv.stopped = false;
    if (t > this.now) this.now = t;
    return index;
  }

  #touch(s: Series, block: OpenBlock): void {
    s.block = block;
    s.base = s.value;
    s.lastIndex = -1;
    // No writer yet: most series of a big fleet are idle peers whose deltas are all zero, and a
    // writer each (three objects and a buffer) was most of the engine's memory per peer.
    s.writer = null;
    block.touched.push(s.sid);
  }

  #emit(s: Series, block: OpenBlock, index: number, delta: number): void {
    if (s.block !== block) this.#touch(s, block);
    if (delta === 0) return;
    const w = (s.writer ??= new ByteWriter(32));
    if (index > s.lastIndex + 1) writeZeroRun(w, index - s.lastIndex - 1);
    writeValue(w, delta);
    s.lastIndex = index;
  }

  #applyToken(s: Series, tag: number, payload: number, block: OpenBlock, index: number): void {
    if (s.sid === s.psid && s.entity.kind === KIND_PEER) {
      if (tag === TAG_GONE) {
        if (s.present) s.entity.server.presentPeers--;
      } else if (!s.present && (tag === TAG_NEW || tag === TAG_BACK || tag === TAG_BACK_RESET)) {
        s.entity.server.presentPeers++;
      }
    }
    switch (tag) {
      case TAG_DELTA:
        this.#emit(s, block, index, payload);
        s.value += payload;
        break;
      case TAG_RESET: {
        this.#emit(s, block, index, payload);
        s.offset = s.value;
        s.value += payload;
        break;
      }
      case TAG_NEW:
        if (s.block !== block) {
          // A series' first value becomes the block's base: no giant first delta, and the samples
          // before it in the block are absent anyway (its first-sight event).
          s.value = payload;
          this.#touch(s, block);
        } else {
          this.#emit(s, block, index, payload - s.value);
          s.value = payload;
        }
        s.offset = 0;
        s.seen = true;
        s.present = true;
        break;
      case TAG_GONE:
        s.present = false;
        break;
      case TAG_BACK:
        this.#emit(s, block, index, payload);
        s.value += payload;
        s.present = true;
        break;
      case TAG_BACK_RESET:
        this.#emit(s, block, index, payload);
        s.offset = s.value;
        s.value += payload;
        s.present = true;
        break;
    }
  }

  /** Closes the server's open block: its samples wait in `sealed` for compaction. */
  seal(srv: ServerMem): void {
    const block = srv.open;
    if (!block) return;
    srv.open = null;
    if (block.times.length === 0) return;
    const series = new Map<number, SealedSeries>();
    const sids: number[] = [];
    for (const sid of block.touched) {
      const s = this.series(sid)!;
      const w = s.writer;
      // The sealed block takes the buffer over (no copy); the series gets a new one when it changes.
      const tokens = w !== null && w.len > 0 ? w.buf.subarray(0, w.len) : EMPTY;
      s.writer = null;
      if (tokens.length > 0 || s.entity.kind === KIND_SYSTEM) {
        series.set(s.sid, { base: s.base, tokens });
        sids.push(s.sid);
      }
      s.block = null;
    }
    // Gauges always get a row while present, so rollups know their (unchanged) level.
    for (const s of srv.system.allSeries()) {
      if (s.present && !series.has(s.sid)) {
        series.set(s.sid, { base: s.value, tokens: EMPTY });
        sids.push(s.sid);
      }
    }
    const sealed: SealedBlock = {
      start: block.start,
      time: block.timeBlock(),
      series,
      sids,
      written: 0,
      checkpoint: this.#checkpoint(srv),
      lastFrameId: block.lastFrameId,
    };
    srv.sealed.push(sealed);
    srv.minNextT = block.start + BLOCK_MS;
  }

  /** The server's state as arrays: a copy, cheap enough for the poll that seals a block. */
  #checkpoint(srv: ServerMem): SealedBlock['checkpoint'] {
    const columns = srv.columns;
    const count = columns.length;
    const series: CheckpointArrays = {
      count: 0,
      sids: new Float64Array(count),
      values: new Float64Array(count),
      offsets: new Float64Array(count),
      states: new Uint8Array(count),
    };
    let n = 0;
    for (const e of srv.entities) {
      for (let m = 0; m < e.metricCount; m++) {
        const slot = e.slot + m;
        const state = columns.state[slot]!;
        if ((state & STATE_SEEN) === 0) continue;
        series.sids[n] = e.id * SID_SHIFT + m;
        series.values[n] = columns.value[slot]!;
        series.offsets[n] = columns.offset[slot]!;
        series.states[n] = (state & STATE_PRESENT) + STATE_SEEN;
        n++;
      }
    }
    series.count = n;
    return {
      server: {
        lastT: srv.lastT,
        lastFlags: srv.lastFlags,
        intervalMs: srv.intervalMs,
        monotonic: srv.monotonic,
        cpuTotal: srv.cpuTotal,
        cpuIdle: srv.cpuIdle,
      },
      series,
    };
  }

  // -------------------------------------------------------------------------------------------------
  // record()

  #server(name: string, intervalMs: number): ServerMem {
    let srv = this.servers.get(name);
    if (srv) return srv;
    const id = this.nextServerId++;
    srv = new ServerMem(id, name, intervalMs);
    const system = new Entity(this.nextEntityId++, srv, KIND_SYSTEM, '', '', false, null);
    this.transaction(() => {
      this.s.insServer.run(id, name, intervalMs);
      this.s.insEntity.run(system.id, id, KIND_SYSTEM, '', '', 0, null);
    });
    this.servers.set(name, srv);
    this.serversById.set(id, srv);
    this.#addEntity(system);
    return srv;
  }

  #newEntity(srv: ServerMem, kind: number, iface: string, peer: string): Entity {
    const e = new Entity(this.nextEntityId++, srv, kind, iface, peer, false, null);
    this.#addEntity(e);
    this.#newEntities.push(e);
    return e;
  }

  #push(s: Series, tag: number, payload: number): void {
    const i = this.#bCount++;
    this.#bSeries[i] = s;
    this.#bTag[i] = tag;
    this.#bVal[i] = payload;
  }

  /** `events`: the series is its own presence (system metrics); a peer's handshake goes with the peer. */
  #gauge(s: Series, raw: number | null, events: boolean): void {
    if (raw === s.value && s.present) return;
    if (raw === null || !Number.isFinite(raw)) {
      if (s.present) {
        this.#push(s, TAG_GONE, 0);
        if (events) this.#events.push({ sid: s.psid, kind: EVENT_GONE, text: null });
      }
      return;
    }
    const v = Math.round(raw);
    if (!s.seen) {
      this.#push(s, TAG_NEW, v);
      if (events) this.#events.push({ sid: s.psid, kind: EVENT_BACK, text: null });
    } else if (!s.present) {
      this.#push(s, TAG_BACK, v - s.value);
      if (events) this.#events.push({ sid: s.psid, kind: EVENT_BACK, text: null });
    } else if (v !== s.value) {
      this.#push(s, TAG_DELTA, v - s.value);
    }
  }

  /** A counter of an entity already known to be present (or coming back: `back`). */
  #counter(s: Series, raw: number, reboot: boolean): void {
    if (raw === s.value - s.offset && s.present && !reboot) return; // unchanged: the common case
    if (!(raw >= 0) || !Number.isFinite(raw)) return; // garbage never enters the cumulative
    raw = Math.round(raw);
    if (!s.seen) {
      this.#push(s, TAG_NEW, raw);
      return;
    }
    const last = s.value - s.offset;
    if (!s.present) {
      if (counterRestarted(last, raw, reboot)) this.#push(s, TAG_BACK_RESET, raw);
      else this.#push(s, TAG_BACK, raw - last);
    } else if (counterRestarted(last, raw, reboot)) {
      if (raw !== 0 || last !== 0) this.#push(s, TAG_RESET, raw);
    } else if (raw !== last) {
      this.#push(s, TAG_DELTA, raw - last);
    }
  }

  #presence(e: Entity): void {
    const first = e.series(0);
    if (!first.seen || !first.present) this.#events.push({ sid: first.psid, kind: EVENT_BACK, text: null });
  }

  #gone(e: Entity): void {
    for (const s of e.allSeries()) if (s.present) this.#push(s, TAG_GONE, 0);
    this.#events.push({ sid: e.series(0).psid, kind: EVENT_GONE, text: null });
  }

  record(name: string, snapshot: Snapshot, at: number, intervalSeconds: number): void {
    const intervalMs = Math.max(1, Math.round(intervalSeconds * 1000));
    const srv = this.#server(name, intervalMs);
    // Times only go forward per server, and never into a block already compacted or rolled up. A
    // clamped time (the laptop clock stepped back) is no measure of elapsed time: not a rate step.
    const wanted = Number.isFinite(at) ? Math.round(at) : this.now;
    const t = Math.max(wanted, srv.lastT === null ? -Infinity : srv.lastT + 1, srv.minNextT, this.minuteWM);
    let flags = 0;
    if (
      srv.lastT === null ||
      srv.stopped ||
      t !== wanted ||
      t - srv.lastT > GAP_FACTOR * Math.max(intervalMs, srv.intervalMs)
    )
      flags |= FLAG_BREAK;
    const noPeers = snapshot.wgError !== null;
    if (noPeers) flags |= FLAG_NO_PEERS;
    const monotonic = Number.isFinite(snapshot.monotonic) ? snapshot.monotonic : null;
    // A monotonic clock that went back means the server rebooted: every counter restarted.
    const reboot = clockWentBack(srv.monotonic, monotonic);
    const epoch = ++srv.epoch;
    this.#bCount = 0;
    this.#newEntities.length = 0;
    this.#events.length = 0;
    this.#endpointChanges.length = 0;
    this.#wgChanges.length = 0;

    try {
      // System
      const sys = snapshot.system;
      const system = srv.system;
      const cpuTotal = sys.cpuTotalJiffies;
      const cpuIdle = sys.cpuIdleJiffies;
      if (cpuTotal === null || cpuIdle === null) this.#gauge(system.series(SYS_CPU), null, true);
      else {
        const busy = cpuBusyShare(
          { total: srv.cpuTotal, idle: srv.cpuIdle },
          { total: cpuTotal, idle: cpuIdle },
        );
        if (busy !== null) this.#gauge(system.series(SYS_CPU), 100 * CPU_SCALE * busy, true);
        // else: no previous sample, or jiffies went back (reboot): keep the previous level for this one
      }
      const memUsed =
        sys.memTotalBytes !== null && sys.memAvailableBytes !== null
          ? sys.memTotalBytes - sys.memAvailableBytes
          : null;
      this.#gauge(system.series(SYS_MEM_USED), memUsed, true);
      this.#gauge(system.series(SYS_MEM_TOTAL), sys.memTotalBytes, true);
      this.#gauge(system.series(SYS_DISK_USED), sys.diskUsedBytes, true);
      this.#gauge(system.series(SYS_DISK_TOTAL), sys.diskTotalBytes, true);
      this.#gauge(system.series(SYS_LOAD1), sys.load1 === null ? null : sys.load1 * LOAD_SCALE, true);

      // Interfaces (netdev, all but loopback)
      for (const ifname in snapshot.netdev) {
        if (ifname === 'lo') continue;
        const counters = snapshot.netdev[ifname]!;
        let e = srv.ifaces.get(ifname);
        if (!e) e = this.#newEntity(srv, KIND_IFACE, ifname, '');
        e.epoch = epoch;
        this.#presence(e);
        for (let m = 0; m < COUNTER_NAMES.length; m++) {
          this.#counter(e.series(m), counters[COUNTER_NAMES[m]!], reboot);
        }
      }
      for (const e of srv.ifaces.values()) if (e.epoch !== epoch && e.series(0).present) this.#gone(e);

      // Peers
      let seenPresent = 0;
      if (!noPeers) {
        for (const dump of snapshot.interfaces) {
          let iface = srv.ifaces.get(dump.name);
          if (!iface) iface = this.#newEntity(srv, KIND_IFACE, dump.name, '');
          if (!iface.wg) {
            iface.wg = true;
            this.#wgChanges.push(iface);
          }
          let group = srv.peers.get(dump.name);
          if (!group) srv.peers.set(dump.name, (group = new Map<string, Entity>()));
          const peers = dump.peers;
          for (let i = 0; i < peers.length; i++) {
            const peer = peers[i]!;
            let e = group.get(peer.publicKey);
            if (!e) e = this.#newEntity(srv, KIND_PEER, dump.name, peer.publicKey);
            if (e.epoch === epoch) continue; // listed twice: ignore the repeat
            e.epoch = epoch;
            const rx = e.series(PEER_RX);
            if (!rx.present) this.#presence(e);
            else seenPresent++;
            this.#counter(rx, peer.rxBytes, reboot);
            this.#counter(e.series(PEER_TX), peer.txBytes, reboot);
            this.#gauge(e.series(PEER_HANDSHAKE), peer.latestHandshake ?? 0, false);
            if (peer.endpoint !== e.endpoint) {
              e.endpoint = peer.endpoint;
              this.#endpointChanges.push(e);
            }
          }
        }
        if (seenPresent < srv.presentPeers) {
          for (const group of srv.peers.values()) {
            for (const e of group.values()) if (e.epoch !== epoch && e.series(PEER_RX).present) this.#gone(e);
          }
        }
      }

      // Write: one transaction, one frame row.
      const w = this.#frame;
      w.reset();
      writeFrameHeader(w, {
        flags,
        intervalMs,
        monotonic,
        cpuTotal: cpuTotal,
        cpuIdle: cpuIdle,
      });
      let previousSid = 0;
      for (let i = 0; i < this.#bCount; i++) {
        const sid = this.#bSeries[i]!.sid;
        writeFrameEntry(w, sid - previousSid, this.#bTag[i]!, this.#bVal[i]!);
        previousSid = sid;
      }
      this.s.begin.run();
      let frameId: number;
      try {
        for (const e of this.#newEntities)
          this.s.insEntity.run(e.id, srv.id, e.kind, e.iface, e.peer, e.wg ? 1 : 0, null);
        for (const e of this.#wgChanges) if (!this.#newEntities.includes(e)) this.s.setWg.run(e.id);
        for (const e of this.#endpointChanges) {
          this.s.setEndpoint.run(e.endpoint, e.id);
          this.#events.push({ sid: e.series(0).psid, kind: EVENT_ENDPOINT, text: e.endpoint });
        }
        for (const ev of this.#events) this.s.insEvent.run(ev.sid, t, ev.kind, ev.text);
        frameId = Number(this.s.insFrame.run(srv.id, t, w.buf.subarray(0, w.len)).lastInsertRowid);
        if (srv.intervalMs !== intervalMs) this.s.setInterval.run(intervalMs, srv.id);
        this.s.commit.run();
        this.commits++;
      } catch (error) {
        if (this.db.isTransaction) this.s.rollback.run();
        throw error;
      }

      // Apply to memory: the same path as replay.
      const index = this.#applySample(
        srv,
        t,
        { flags, intervalMs, monotonic, cpuTotal: cpuTotal, cpuIdle: cpuIdle },
        frameId,
      );
      const block = srv.open!;
      for (let i = 0; i < this.#bCount; i++)
        this.#applyToken(this.#bSeries[i]!, this.#bTag[i]!, this.#bVal[i]!, block, index);
      for (const ev of this.#events) {
        if (ev.kind === EVENT_ENDPOINT) continue;
        const p = this.series(ev.sid);
        if (p?.carriesPresence) p.presenceAt = t;
      }
    } catch (error) {
      this.#reload(srv);
      throw error;
    }
  }

  /** Recording of this server ends (engine stop, server lost): the next sample starts a new segment. */
  markStopped(name: string): void {
    const srv = this.servers.get(name);
    if (srv) srv.stopped = true;
  }

  // -------------------------------------------------------------------------------------------------
  // Retention cut-offs and tier coverage

  rawCut(): number {
    return Math.floor((this.now - this.retention.rawHours * HOUR_MS) / BLOCK_MS) * BLOCK_MS;
  }

  minuteCut(): number {
    return Math.floor((this.now - this.retention.minuteDays * DAY_MS) / HOUR_MS) * HOUR_MS;
  }

  hourCut(): number {
    return Math.floor((this.now - this.retention.hourDays * DAY_MS) / DAY_MS) * DAY_MS;
  }

  /** A series' chunk rows of `tier` at the given block starts. */
  chunksAt(tier: number, starts: number[], sid: number): Map<number, Uint8Array> {
    const out = new Map<number, Uint8Array>();
    if (starts.length === 0) return out;
    const rows = this.s.chunksAt.all(JSON.stringify(starts), tier, sid) as {
      start: number;
      data: Uint8Array;
    }[];
    for (const row of rows) out.set(row.start, row.data);
    return out;
  }

  setMeta(key: string, value: number): void {
    this.s.setMeta.run(key, value);
  }
}
