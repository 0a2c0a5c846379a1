// History store: a simulated week of a 1,000-peer server through the real write path (record() every
// 5 s of simulated time, maintain() every 10 s as the engine's timer would), then size, idle cost,
// 10,000-peer ingest and chart queries.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore } from '../src/main/core/history/index.ts';
import { ServerSimulator } from '../src/main/core/history/simulate.ts';
import { bar, fmt, median, percentile, timeRuns, type BarResult } from './stats.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2025, 5, 2);

function fileBytes(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      total += statSync(path + suffix).size;
    } catch {
      // absent
    }
  }
  return total;
}

function drain(store: HistoryStore): void {
  for (let i = 0; i < 100_000; i++) if (store.maintain(50).idle) return;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

interface Run {
  store: HistoryStore;
  path: string;
  polls: number;
  end: number;
  sim: ServerSimulator;
  recordMs: number[];
  maintainMs: number;
}

/** Simulates `days` of one server polled every `intervalS`; maintain() every `maintainEvery` polls. */
function simulate(
  dir: string,
  name: string,
  options: {
    peers: number;
    days: number;
    intervalS: number;
    busy?: number;
    light?: number;
    events?: boolean;
    /** Called after each simulated day, once maintenance has caught up. */
    onDay?: (day: number, store: HistoryStore) => void;
  },
): Run {
  const path = join(dir, `${name}.db`);
  let store = HistoryStore.open(path);
  const sim = new ServerSimulator({
    peers: options.peers,
    seed: 42,
    busy: options.busy,
    light: options.light,
  });
  const step = options.intervalS * 1000;
  const maintainEvery = Math.max(1, Math.round(10 / options.intervalS));
  const totalPolls = Math.round((options.days * DAY) / step);
  const recordMs: number[] = [];
  let maintainMs = 0;
  let t = START;
  let polls = 0;
  let jitterState = 12345;
  for (let i = 0; i < totalPolls; i++) {
    jitterState = (jitterState * 1103515245 + 12345) % 2147483648;
    t += step + (jitterState % 41) - 20; // receipt time jitters by ±20 ms
    if (options.events) {
      const day = (t - START) / DAY;
      // Day 2: the server is unreachable for an hour (no polls, the engine marks it stopped).
      if (day > 2 && day < 2 + 1 / 24) {
        if (i % 720 === 0) store.markStopped('bench', t);
        sim.step(options.intervalS);
        continue;
      }
      // Day 4: the server reboots (every counter resets). Day 5: the app restarts (close, reopen).
      if (Math.abs(day - 4) < step / DAY / 2) sim.reboot();
      if (Math.abs(day - 5) < step / DAY / 2) {
        store.close();
        store = HistoryStore.open(path);
      }
    }
    const snapshot = sim.step(options.intervalS);
    const start = performance.now();
    store.record('bench', snapshot, t, options.intervalS);
    recordMs.push(performance.now() - start);
    polls++;
    if (i % maintainEvery === 0) {
      const m = performance.now();
      store.maintain(20);
      maintainMs += performance.now() - m;
    }
    if (options.onDay && (i + 1) % Math.round(DAY / step) === 0) {
      drain(store);
      options.onDay((i + 1) / Math.round(DAY / step), store);
    }
  }
  const m = performance.now();
  drain(store);
  maintainMs += performance.now() - m;
  return { store, path, polls, end: t, sim, recordMs, maintainMs };
}

export async function benchHistory(): Promise<BarResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-history-bench-'));
  const results: BarResult[] = [];
  try {
    // 1. A week of 1,000 peers (10 % busy, 30 % light, 60 % idle) at 5 s.
    const started = performance.now();
    const week = simulate(dir, 'week', { peers: 1000, days: 7, intervalS: 5, events: true });
    const weekSeconds = (performance.now() - started) / 1000;
    const { store } = week;
    store.checkpoint();
    const stats = store.stats();
    const file = fileBytes(week.path);
    const live = (stats.pages - stats.freePages) * stats.pageSize;
    const samples = week.polls * 1000 * 2;
    const perSample = file / samples;
    const rawSamples = Math.min(week.polls, (48 * HOUR) / 5000) * 1000 * 2;
    const rawPerSample = stats.bytes.raw / rawSamples;
    console.log('\n## History: a simulated week, 1,000 peers at 5 s (10 % busy, 30 % light, 60 % idle)');
    console.log(
      `  simulated in ${weekSeconds.toFixed(1)} s: ${week.polls.toLocaleString()} polls (one 1-h outage, one reboot, one app restart), record() median ${fmt(median(week.recordMs))} p99 ${fmt(percentile(week.recordMs, 99))}, maintain() total ${(week.maintainMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `  database file ${mib(file)} (live pages ${mib(live)}, free ${stats.freePages} pages awaiting reuse); rows raw ${stats.rows.raw.toLocaleString()}, minute ${stats.rows.minute.toLocaleString()}, hour ${stats.rows.hour.toLocaleString()}`,
    );
    console.log(
      `  payload: raw 48 h ${mib(stats.bytes.raw)}, minute tier ${mib(stats.bytes.minute)}, hour tier ${mib(stats.bytes.hour)}, frames ${mib(stats.bytes.frames)}`,
    );
    console.log(
      `  bytes per sample (file ÷ peers × 2 series × polls = ${samples.toLocaleString()}): ${perSample.toFixed(3)} B`,
    );
    console.log(
      `  stricter, raw tier only (raw chunk bytes ÷ samples of the 48 h it holds): ${rawPerSample.toFixed(3)} B`,
    );
    results.push(
      bar(
        'history: bytes on disk per stored sample ≤ 2',
        perSample <= 2,
        `${perSample.toFixed(3)} B (raw tier alone ${rawPerSample.toFixed(3)} B)`,
      ),
    );

    // 2. Chart queries on the week: 24 h raw, and a 90 d range (hour tier) for one busy peer.
    const peer = week.sim.peers[0]!.dump.publicKey;
    const q24 = { server: 'bench', iface: 'wg0', peer, from: week.end - DAY, to: week.end, points: 1000 };
    const day = store.peerSeries(q24);
    const dayTimes = await timeRuns(30, 3, () => store.peerSeries(q24));
    const q90 = { ...q24, from: week.end - 90 * DAY };
    const ninety = store.peerSeries(q90);
    const ninetyWeekTimes = await timeRuns(30, 3, () => store.peerSeries(q90));
    console.log(
      `  24 h chart, one peer, 1000 px: ${day.tier} tier, ${day.t.length} points of ${day.step / 1000} s, median ${fmt(median(dayTimes))}`,
    );
    console.log(
      `  90 d chart on this week, 1000 px: ${ninety.tier} tier, ${ninety.t.length} points, median ${fmt(median(ninetyWeekTimes))}; gaps ${JSON.stringify(ninety.gaps.length)}`,
    );
    results.push(
      bar(
        'history: 24 h raw chart query < 20 ms median',
        median(dayTimes) < 20 && day.tier === 'raw',
        fmt(median(dayTimes)),
      ),
    );
    store.close();

    // 3. 90 d rollup query on a store that really holds 92 days (10 peers, 60 s polls: rollup rows per
    //    series do not depend on the poll interval).
    const long = simulate(dir, 'long', { peers: 10, days: 92, intervalS: 60, busy: 0.5, light: 0.3 });
    const longPeer = long.sim.peers[0]!.dump.publicKey;
    const q90long = {
      server: 'bench',
      iface: 'wg0',
      peer: longPeer,
      from: long.end - 90 * DAY,
      to: long.end,
      points: 1000,
    };
    const longRes = long.store.peerSeries(q90long);
    const longTimes = await timeRuns(30, 3, () => long.store.peerSeries(q90long));
    const wide = { ...q90long, points: 4000 };
    const wideRes = long.store.peerSeries(wide);
    const wideTimes = await timeRuns(10, 2, () => long.store.peerSeries(wide));
    console.log(
      `  90 d chart on 92 days of data, 1000 px: ${longRes.tier} tier, ${longRes.t.length} points, median ${fmt(median(longTimes))}; 4000 px: ${wideRes.tier} tier, median ${fmt(median(wideTimes))}`,
    );
    results.push(
      bar(
        'history: 90 d rollup chart query < 20 ms median',
        median(longTimes) < 20 && longRes.tier !== 'raw',
        `${fmt(median(longTimes))} (${longRes.tier} tier)`,
      ),
    );
    long.store.close();

    // 4. Idle peers: the same two days of 10 busy peers with and without 1,000 idle ones. The
    //    difference in live database pages is their cost: day 1 includes their one-time identity
    //    (entity row, first-sight events), day 2 is the steady state.
    const liveBytes = (s: HistoryStore) => {
      s.checkpoint();
      const st = s.stats();
      return (st.pages - st.freePages) * st.pageSize;
    };
    const sizes = { without: [0], with: [0] };
    const without = simulate(dir, 'idle0', {
      peers: 10,
      days: 2,
      intervalS: 5,
      busy: 1,
      light: 0,
      onDay: (_, s) => sizes.without.push(liveBytes(s)),
    });
    const withIdle = simulate(dir, 'idle1000', {
      peers: 1010,
      days: 2,
      intervalS: 5,
      busy: 10 / 1010,
      light: 0,
      onDay: (_, s) => sizes.with.push(liveBytes(s)),
    });
    const firstDay = (sizes.with[1]! - sizes.without[1]!) / 1000;
    const steady = (sizes.with[2]! - sizes.with[1]! - (sizes.without[2]! - sizes.without[1]!)) / 1000;
    console.log(
      `  idle peer: first day ${firstDay.toFixed(0)} B (its identity: entity row, first-sight events), then ${steady.toFixed(0)} B per day (database pages, 1,000 idle peers vs none)`,
    );
    results.push(
      bar(
        'history: idle peer ≤ 1 KB per day',
        firstDay <= 1024 && steady <= 1024,
        `first day ${firstDay.toFixed(0)} B, then ${steady.toFixed(0)} B/day`,
      ),
    );
    without.store.close();
    withIdle.store.close();

    // 5. Ingest of one 10,000-peer poll.
    const bigPath = join(dir, 'big.db');
    const big = HistoryStore.open(bigPath);
    const bigSim = new ServerSimulator({ peers: 10_000, seed: 7 });
    let t = START;
    let first = 0;
    const times: number[] = [];
    const maintainTimes: number[] = [];
    for (let i = 0; i < 400; i++) {
      t += 5000;
      const snapshot = bigSim.step(5);
      const s = performance.now();
      big.record('big', snapshot, t, 5);
      const ms = performance.now() - s;
      if (i === 0) first = ms;
      else if (i > 5) times.push(ms);
      if (i % 2 === 0) {
        const m = performance.now();
        big.maintain(20);
        maintainTimes.push(performance.now() - m);
      }
    }
    console.log(
      `  10,000-peer poll: record() median ${fmt(median(times))}, p95 ${fmt(percentile(times, 95))}, max ${fmt(Math.max(...times))} (first poll, creating 10,000 peers: ${fmt(first)}); maintain(20) max ${fmt(Math.max(...maintainTimes))}`,
    );
    results.push(
      bar('history: 10,000-peer poll ingest < 20 ms median', median(times) < 20, fmt(median(times))),
    );
    big.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
