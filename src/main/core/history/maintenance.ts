/**
 * Background work, in small units so one maintain() call stays within its time budget:
 *
 *  1. seal open blocks whose 10 minutes are over (a lost server's too);
 *  2. compact sealed blocks: series chunks (≤ ROWS_PER_STEP per transaction), then the time chunk,
 *     the checkpoint and the deletion of the block's frames in one transaction;
 *  3. minute rollups of each complete hour, one raw block per unit, written in row batches;
 *  4. hour rollups of each complete day from the minute tier, one hour per unit;
 *  5. retention: the oldest block of a tier past its cut-off (and already rolled up), ≤ ROWS_PER_STEP
 *     rows per unit; superseded events.
 *
 * Rollups and retention are derived work: a crash mid-way only repeats it (rows are INSERT OR REPLACE,
 * watermarks move in the transaction that writes the last rows).
 */
import {
  decodeRollupChunk,
  decodeSeriesChunk,
  decodeTimeChunk,
  encodeCheckpointArrays,
  encodeRollupChunk,
  encodeTimeChunk,
  finishSeriesChunk,
  FLAG_BREAK,
  FLAG_NO_PEERS,
  type TimeBlock,
} from './codec.ts';
import type { StatementSync } from 'node:sqlite';
import type { HistoryCore } from './core.ts';
import {
  BLOCK_MS,
  DAY_MS,
  HOUR_MS,
  KIND_PEER,
  MINUTE_MS,
  TIER_HOUR,
  TIER_MINUTE,
  TIER_RAW,
  TYPE_COUNTER,
  TYPE_GAUGE,
  TYPE_MARKER,
  type Series,
} from './model.ts';
import { loadPresence, type Presence } from './presence.ts';
import {
  columns,
  combineCounter,
  combineGauge,
  combineMarker,
  COUNTER_COLS,
  COVERAGE_COLS,
  finishCounter,
  finishGauge,
  MARKER_COLS,
  naturalCounter,
  newAccumulator,
} from './rollup.ts';
import type { MaintainResult } from './types.ts';

/** Rows written, read or deleted per unit of work (a few ms each). */
const ROWS_PER_STEP = 1000;
/** …but a unit stops at the call's deadline once it has done at least this many. */
const MIN_ROWS_PER_STEP = 50;
/** WAL checkpoints: at most this often (wall clock), or after 1,000 commits. */
const CHECKPOINT_EVERY_MS = 5000;

interface Job {
  tier: typeof TIER_MINUTE | typeof TIER_HOUR;
  start: number;
  buckets: number;
  sources: number[];
  next: number;
  /** Within the current source: time chunks decoded, and the last sid done (rows go in sid batches). */
  sourceTimes: Map<number, TimeBlock | Float64Array> | null;
  afterSid: number;
  acc: Map<number, Float64Array>;
  coverage: Map<number, Float64Array>;
  presence: Map<number, Presence>;
  /** Accumulators being written, in order. */
  pending: [number, Float64Array][] | null;
  written: number;
}

export class Maintenance {
  readonly #core: HistoryCore;
  #job: Job | null = null;
  /** No rollup can start before `now` reaches these (cheap idle calls). */
  #minuteWait = 0;
  #hourWait = 0;
  #retentionWait = 0;
  #eventsWait = 0;
  #scratch = new Float64Array(256);
  #deadline = 0;
  #checkpointAt = 0;
  #natural = new Float64Array(COUNTER_COLS);
  #batchStmt: StatementSync | null = null;
  #nextStmt: StatementSync | null = null;
  #oldestStmt: StatementSync | null = null;
  #oldestTimeStmt: StatementSync | null = null;

  constructor(core: HistoryCore) {
    this.#core = core;
  }

  run(budgetMs: number): MaintainResult {
    const core = this.#core;
    const deadline = performance.now() + budgetMs;
    const result: MaintainResult = { compacted: 0, rolledUp: 0, deleted: 0, idle: false };
    for (const srv of core.servers.values()) {
      if (srv.open && srv.open.start + BLOCK_MS <= core.now) core.seal(srv);
    }
    this.#deadline = deadline;
    const now = performance.now();
    if (core.commits >= 1000 || (core.commits > 0 && now - this.#checkpointAt >= CHECKPOINT_EVERY_MS)) {
      // Fold the WAL into the database file here (it fsyncs), so record() never has to.
      core.db.exec('PRAGMA wal_checkpoint(PASSIVE)');
      core.commits = 0;
      this.#checkpointAt = now;
    }
    do {
      if (this.#compactStep(result)) continue;
      if (this.#rollupStep(result)) continue;
      if (this.#retentionStep(result)) continue;
      result.idle = true;
      break;
    } while (performance.now() < deadline);
    return result;
  }

  /** Whether a unit that has done `done` rows should stop for the deadline. */
  #late(done: number): boolean {
    return done >= MIN_ROWS_PER_STEP && done % 16 === 0 && performance.now() > this.#deadline;
  }

  // -------------------------------------------------------------------------------------------------

  #compactStep(result: MaintainResult): boolean {
    const core = this.#core;
    for (const srv of core.servers.values()) {
      const block = srv.sealed[0];
      if (!block) continue;
      const n = block.time.n;
      const final = core.transaction(() => {
        let k = 0;
        for (; block.written < block.sids.length && k < ROWS_PER_STEP && !this.#late(k); k++) {
          const sid = block.sids[block.written++]!;
          const series = block.series.get(sid)!;
          core.s.insChunk.run(TIER_RAW, block.start, sid, finishSeriesChunk(series.base, series.tokens, n));
        }
        if (block.written < block.sids.length) return false;
        const checkpoint = encodeCheckpointArrays(block.checkpoint.server, block.checkpoint.series);
        core.s.insTime.run(srv.id, TIER_RAW, block.start, encodeTimeChunk(block.time));
        core.s.delFrames.run(block.lastFrameId, srv.id);
        core.s.setCheckpoint.run(checkpoint, srv.intervalMs, srv.id);
        return true;
      });
      if (final) {
        srv.sealed.shift();
        result.compacted++;
        this.#minuteWait = 0;
      }
      return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------------

  #nextSource(tier: number, from: number): number | null {
    const core = this.#core;
    let best: number | null = null;
    const stmt = (this.#nextStmt ??= core.db.prepare(
      'SELECT start FROM timechunk WHERE server_id = ? AND tier = ? AND start >= ? ORDER BY start LIMIT 1',
    ));
    for (const srv of core.servers.values()) {
      const row = stmt.get(srv.id, tier, from) as { start: number } | undefined;
      if (row && (best === null || row.start < best)) best = row.start;
    }
    return best;
  }

  #rollupStep(result: MaintainResult): boolean {
    const core = this.#core;
    if (!this.#job) {
      if (core.now >= this.#minuteWait) {
        const first = this.#nextSource(TIER_RAW, core.minuteWM);
        if (first === null)
          this.#minuteWait = Infinity; // until a compaction lands
        else {
          const hour = Math.floor(first / HOUR_MS) * HOUR_MS;
          const ready =
            hour + HOUR_MS <= core.now &&
            [...core.servers.values()].every(
              (s) => s.sealed.length === 0 && (!s.open || s.open.start >= hour + HOUR_MS),
            );
          if (ready) this.#job = this.#newJob(TIER_MINUTE, hour);
          else this.#minuteWait = hour + HOUR_MS + 1;
        }
      }
      if (!this.#job && core.now >= this.#hourWait) {
        const first = this.#nextSource(TIER_MINUTE, core.hourWM);
        if (first === null)
          this.#hourWait = Infinity; // until a minute rollup lands
        else {
          const day = Math.floor(first / DAY_MS) * DAY_MS;
          if (day + DAY_MS <= core.minuteWM) this.#job = this.#newJob(TIER_HOUR, day);
          else this.#hourWait = Infinity;
        }
      }
      if (!this.#job) return false;
    }
    const job = this.#job;
    if (job.next < job.sources.length) {
      const source = job.sources[job.next]!;
      const done = job.tier === TIER_MINUTE ? this.#minuteSource(job, source) : this.#hourSource(job, source);
      if (done) {
        job.next++;
        job.sourceTimes = null;
        job.afterSid = -1;
      }
      return true;
    }
    // Write phase: encode and insert ROWS_PER_STEP rows per unit; the last unit also writes the
    // coverage rows and moves the watermark.
    job.pending ??= [...job.acc];
    const pending = job.pending;
    const final = core.transaction(() => {
      for (let k = 0; job.written < pending.length && k < ROWS_PER_STEP && !this.#late(k); k++) {
        const [sid, acc] = pending[job.written++]!;
        const s = core.series(sid);
        if (!s) continue;
        let buckets = job.buckets;
        if (s.type === TYPE_COUNTER) {
          const peer = s.entity.kind === KIND_PEER;
          finishCounter(acc, buckets, job.coverage.get(s.entity.server.id), peer, job.tier === TIER_HOUR);
        } else if (s.type === TYPE_GAUGE) {
          finishGauge(acc, buckets);
        } else {
          buckets = markerBuckets(job.tier);
          if (!hasMarkerChanges(acc, buckets)) continue;
        }
        core.s.insChunk.run(job.tier, job.start, sid, encodeRollupChunk(acc, columns(s.type), buckets));
        result.rolledUp++;
      }
      if (job.written < pending.length) return false;
      for (const [serverId, cov] of job.coverage) {
        core.s.insTime.run(serverId, job.tier, job.start, encodeRollupChunk(cov, COVERAGE_COLS, job.buckets));
        result.rolledUp++;
      }
      const end = job.start + (job.tier === TIER_MINUTE ? HOUR_MS : DAY_MS);
      core.setMeta(job.tier === TIER_MINUTE ? 'minute_wm' : 'hour_wm', end);
      return true;
    });
    if (final) {
      if (job.tier === TIER_MINUTE) {
        core.minuteWM = job.start + HOUR_MS;
        this.#hourWait = 0;
      } else {
        core.hourWM = job.start + DAY_MS;
      }
      this.#job = null;
    }
    return true;
  }

  #newJob(tier: typeof TIER_MINUTE | typeof TIER_HOUR, start: number): Job {
    const sources: number[] = [];
    if (tier === TIER_MINUTE) for (let b = start; b < start + HOUR_MS; b += BLOCK_MS) sources.push(b);
    else for (let h = start; h < start + DAY_MS; h += HOUR_MS) sources.push(h);
    return {
      tier,
      start,
      buckets: tier === TIER_MINUTE ? 60 : 24,
      sources,
      next: 0,
      sourceTimes: null,
      afterSid: -1,
      acc: new Map(),
      coverage: new Map(),
      presence: new Map(),
      pending: null,
      written: 0,
    };
  }

  #presence(job: Job, s: Series): Presence {
    let p = job.presence.get(s.psid);
    if (!p) {
      const span = job.tier === TIER_MINUTE ? HOUR_MS : DAY_MS;
      p = loadPresence(this.#core, s.psid, job.start - BLOCK_MS, job.start + span);
      job.presence.set(s.psid, p);
    }
    return p;
  }

  /** One batch of rows of a raw block; true when the block is done. */
  #minuteSource(job: Job, blockStart: number): boolean {
    const core = this.#core;
    let times = job.sourceTimes as Map<number, TimeBlock> | null;
    if (!times) {
      times = new Map<number, TimeBlock>();
      job.sourceTimes = times;
      for (const srv of core.servers.values()) {
        const row = core.s.getTime.get(srv.id, TIER_RAW, blockStart) as { data: Uint8Array } | undefined;
        if (!row) continue;
        const tb = decodeTimeChunk(row.data);
        times.set(srv.id, tb);
        let cov = job.coverage.get(srv.id);
        if (!cov) job.coverage.set(srv.id, (cov = new Float64Array(job.buckets * COVERAGE_COLS)));
        let prevT = tb.prevT;
        let prevFlags = tb.prevFlags;
        for (let i = 0; i < tb.n; i++) {
          const t = tb.times[i]!;
          const f = tb.flags[i]!;
          const o = Math.floor((t - job.start) / MINUTE_MS) * COVERAGE_COLS;
          cov[o] = cov[o]! + 1;
          if (prevT !== null && (f & FLAG_BREAK) === 0) {
            const dt = t - prevT;
            cov[o + 1] = cov[o + 1]! + 1;
            cov[o + 2] = cov[o + 2]! + dt;
            if (((f | prevFlags) & FLAG_NO_PEERS) === 0) {
              cov[o + 3] = cov[o + 3]! + 1;
              cov[o + 4] = cov[o + 4]! + dt;
            }
          }
          prevT = t;
          prevFlags = f;
        }
      }
    }
    const rows = this.#rowBatch(TIER_RAW, blockStart, job.afterSid);
    for (let k = 0; k < rows.length; k++) {
      if (this.#late(k)) return false;
      const row = rows[k]!;
      job.afterSid = row.sid;
      const s = core.series(row.sid);
      if (!s) continue;
      const tb = times.get(s.entity.server.id);
      if (!tb) continue;
      this.#accumulateRaw(job, s, tb, row.data);
    }
    return rows.length < ROWS_PER_STEP;
  }

  #rowBatch(tier: number, start: number, afterSid: number): { sid: number; data: Uint8Array }[] {
    this.#batchStmt ??= this.#core.db.prepare(
      'SELECT sid, data FROM chunk WHERE tier = ? AND start = ? AND sid > ? ORDER BY sid LIMIT ?',
    );
    return this.#batchStmt.all(tier, start, afterSid, ROWS_PER_STEP) as { sid: number; data: Uint8Array }[];
  }

  #accumulateRaw(job: Job, s: Series, tb: TimeBlock, data: Uint8Array): void {
    const n = tb.n;
    if (this.#scratch.length < n) this.#scratch = new Float64Array(n * 2);
    const deltas = this.#scratch;
    const base = decodeSeriesChunk(data, n, deltas);
    let acc = job.acc.get(s.sid);
    if (!acc) {
      const buckets = s.type === TYPE_MARKER ? markerBuckets(job.tier) : job.buckets;
      job.acc.set(s.sid, (acc = newAccumulator(s.type, buckets)));
    }
    const cols = columns(s.type);
    const presence = this.#presence(job, s);
    const peer = s.entity.kind === KIND_PEER;
    let prevT = tb.prevT;
    let prevGood = prevT !== null && presence.at(prevT) && !(peer && (tb.prevFlags & FLAG_NO_PEERS) !== 0);
    let v = base;
    for (let i = 0; i < n; i++) {
      const t = tb.times[i]!;
      const f = tb.flags[i]!;
      const d = deltas[i]!;
      v += d;
      const good = presence.at(t) && !(peer && (f & FLAG_NO_PEERS) !== 0);
      const o = Math.floor((t - job.start) / MINUTE_MS) * cols;
      if (s.type === TYPE_COUNTER) {
        acc[o] = acc[o]! + d;
        if (good && prevGood && prevT !== null && (f & FLAG_BREAK) === 0) {
          const dt = t - prevT;
          acc[o + 1] = acc[o + 1]! + d;
          acc[o + 2] = acc[o + 2]! + 1;
          acc[o + 3] = acc[o + 3]! + dt;
          const rate = (d * 1e6) / dt;
          if (rate < acc[o + 4]!) acc[o + 4] = rate;
          if (rate > acc[o + 5]!) acc[o + 5] = rate;
        }
      } else if (s.type === TYPE_GAUGE) {
        if (good) {
          acc[o] = acc[o]! + v;
          acc[o + 1] = acc[o + 1]! + 1;
          if (v < acc[o + 2]!) acc[o + 2] = v;
          if (v > acc[o + 3]!) acc[o + 3] = v;
          acc[o + 4] = v;
        }
      } else if (good && d !== 0) {
        acc[0] = v; // markers: one bucket per hour
        acc[1] = acc[1]! + 1;
      }
      prevT = t;
      prevGood = good;
    }
  }

  /** One batch of minute rows of an hour; true when the hour is done. */
  #hourSource(job: Job, hourStart: number): boolean {
    const core = this.#core;
    const into = Math.floor((hourStart - job.start) / HOUR_MS);
    let coverage = job.sourceTimes as Map<number, Float64Array> | null;
    if (!coverage) {
      coverage = new Map<number, Float64Array>();
      job.sourceTimes = coverage;
      for (const srv of core.servers.values()) {
        const row = core.s.getTime.get(srv.id, TIER_MINUTE, hourStart) as { data: Uint8Array } | undefined;
        if (!row) continue;
        const { values, buckets } = decodeRollupChunk(row.data);
        coverage.set(srv.id, values);
        let cov = job.coverage.get(srv.id);
        if (!cov) job.coverage.set(srv.id, (cov = new Float64Array(job.buckets * COVERAGE_COLS)));
        const o = into * COVERAGE_COLS;
        for (let b = 0; b < buckets; b++) {
          for (let c = 0; c < COVERAGE_COLS; c++) cov[o + c] = cov[o + c]! + values[b * COVERAGE_COLS + c]!;
        }
      }
    }
    const rows = this.#rowBatch(TIER_MINUTE, hourStart, job.afterSid);
    const natural = this.#natural;
    for (let k = 0; k < rows.length; k++) {
      if (this.#late(k)) return false;
      const row = rows[k]!;
      job.afterSid = row.sid;
      const s = core.series(row.sid);
      if (!s) continue;
      const { values, buckets } = decodeRollupChunk(row.data);
      let acc = job.acc.get(s.sid);
      if (!acc) {
        const n = s.type === TYPE_MARKER ? markerBuckets(job.tier) : job.buckets;
        job.acc.set(s.sid, (acc = newAccumulator(s.type, n)));
      }
      if (s.type === TYPE_COUNTER) {
        const cov = coverage.get(s.entity.server.id);
        const peer = s.entity.kind === KIND_PEER;
        for (let b = 0; b < buckets; b++) {
          naturalCounter(values, b * COUNTER_COLS, cov, b * COVERAGE_COLS, peer, natural);
          combineCounter(acc, into, natural);
        }
      } else if (s.type === TYPE_GAUGE) {
        for (let b = 0; b < buckets; b++) combineGauge(acc, into, values, b);
      } else {
        for (let b = 0; b < buckets; b++) combineMarker(acc, into, values, b);
      }
    }
    return rows.length < ROWS_PER_STEP;
  }

  // -------------------------------------------------------------------------------------------------

  #oldest(tier: number): number | null {
    const core = this.#core;
    const chunk = (this.#oldestStmt ??= core.db.prepare(
      'SELECT start FROM chunk WHERE tier = ? ORDER BY start LIMIT 1',
    )).get(tier) as { start: number } | undefined;
    let best = chunk?.start ?? null;
    const stmt = (this.#oldestTimeStmt ??= core.db.prepare(
      'SELECT start FROM timechunk WHERE server_id = ? AND tier = ? ORDER BY start LIMIT 1',
    ));
    for (const srv of core.servers.values()) {
      const row = stmt.get(srv.id, tier) as { start: number } | undefined;
      if (row && (best === null || row.start < best)) best = row.start;
    }
    return best;
  }

  #retentionStep(result: MaintainResult): boolean {
    const core = this.#core;
    if (core.now < this.#retentionWait) return false;
    const plans: [number, number, number, number][] = [
      [TIER_RAW, core.rawCut(), core.minuteWM, BLOCK_MS],
      [TIER_MINUTE, core.minuteCut(), core.hourWM, HOUR_MS],
      [TIER_HOUR, core.hourCut(), Infinity, DAY_MS],
    ];
    for (const [tier, cut, rolledUpTo, span] of plans) {
      const oldest = this.#oldest(tier);
      if (oldest === null || oldest >= cut || oldest + span > rolledUpTo) continue;
      core.transaction(() => {
        const { changes } = core.db
          .prepare(
            'DELETE FROM chunk WHERE tier = ? AND start = ? AND sid IN (SELECT sid FROM chunk WHERE tier = ? AND start = ? LIMIT ?)',
          )
          .run(tier, oldest, tier, oldest, ROWS_PER_STEP);
        result.deleted += Number(changes);
        if (Number(changes) < ROWS_PER_STEP) {
          const times = core.db
            .prepare('DELETE FROM timechunk WHERE tier = ? AND start = ?')
            .run(tier, oldest);
          result.deleted += Number(times.changes);
        }
      });
      return true;
    }
    if (core.now >= this.#eventsWait) {
      this.#eventsWait = core.now + 6 * HOUR_MS;
      const cut = core.hourCut();
      core.transaction(() => {
        const a = core.db.prepare('DELETE FROM event WHERE t < ? AND kind = 3').run(cut);
        // Keep the last gone/back event before the cut: it says whether the series is present.
        const b = core.db
          .prepare(
            `DELETE FROM event WHERE t < ?1 AND kind IN (1, 2) AND EXISTS (
               SELECT 1 FROM event e2 WHERE e2.sid = event.sid AND e2.kind IN (1, 2) AND e2.t > event.t AND e2.t <= ?1)`,
          )
          .run(cut);
        result.deleted += Number(a.changes) + Number(b.changes);
      });
    }
    this.#retentionWait = core.now + BLOCK_MS / 2;
    return false;
  }
}

/** Marker rows hold one bucket per hour: 1 in a minute-tier row (an hour), 24 in an hour-tier row (a day). */
export function markerBuckets(tier: number): number {
  return tier === TIER_MINUTE ? 1 : 24;
}

function hasMarkerChanges(acc: Float64Array, buckets: number): boolean {
  for (let b = 0; b < buckets; b++) if (acc[b * MARKER_COLS + 1]! > 0) return true;
  return false;
}
