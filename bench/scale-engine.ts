// One engine for `npm run bench -- scale`, in its own process so its CPU and memory are its own:
// starts every server of the data dir (or the ones named, comma-separated; `none`: the empty baseline),
// lets them settle, then measures for a while. Prints one JSON line.
// Arguments: <data-dir> <keyframe-every> <warmup-s> <measure-s> [none | name,name,…]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { Engine } from '../src/main/core/engine.ts';
import { median } from './stats.ts';

const [dataDir, keyframeText, warmupText, measureText, only] = process.argv.slice(2);
const keyframeEvery = Number(keyframeText);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gc = (globalThis as { gc?: () => void }).gc;

const logged = new Map<string, number>();
const engine = new Engine({
  dataDir: dataDir!,
  userKnownHostsPath: null,
  recordHistory: true,
  keyframeEvery,
  // Counted by kind (server names and numbers out): what went wrong, if anything.
  log: (line) => {
    const kind = line
      .replace(/^[^:]*: /, '')
      .replace(/\d+/g, 'N')
      .slice(0, 90);
    logged.set(kind, (logged.get(kind) ?? 0) + 1);
  },
});
let peers = 0;
/** Frames the pacer refused, per server (cumulative in each server's live state). */
const dropped = new Map<string, number>();
const droppedTotal = () => [...dropped.values()].reduce((a, b) => a + b, 0);
engine.subscribe('fleet:server', (live) => {
  dropped.set(live.name, live.droppedFrames);
  if (live.interfaces.length > 0) peers = live.interfaces.reduce((n, i) => n + i.peers.length, 0);
});
await engine.start(only === undefined ? undefined : only === 'none' ? [] : only.split(','));
await sleep(Number(warmupText) * 1000);

const totals = () => {
  let bytes = 0;
  let frames = 0;
  let reconnects = 0;
  for (const stats of engine.collectorStats().values()) {
    bytes += stats.bytesReceived;
    frames += stats.frames;
    reconnects += stats.reconnects;
  }
  return { bytes, frames, reconnects };
};
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const droppedBefore = droppedTotal();
const startCpu = process.cpuUsage();
const startAt = performance.now();
const start = totals();
const rss: number[] = [];
const external: number[] = [];
const heapTotal: number[] = [];
const arrayBuffers: number[] = [];
const newSpace: number[] = [];
const end = performance.now() + Number(measureText) * 1000;
// No gc() in the window: a forced full collection of this heap takes ~2 s here, long enough for the
// pacer to refuse frames and for the CPU figure to be the benchmark's own. RSS is what it is with
// V8's own collections; the live heap is measured once, after the window, by one gc().
while (performance.now() < end) {
  await sleep(5000);
  const memory = process.memoryUsage();
  rss.push(memory.rss);
  external.push(memory.external);
  heapTotal.push(memory.heapTotal);
  arrayBuffers.push(memory.arrayBuffers);
  // The young generation grows with the allocation rate (up to --max-semi-space-size): RSS that is
  // not live data, so it is reported apart.
  newSpace.push(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0);
}
const cpu = process.cpuUsage(startCpu);
const seconds = (performance.now() - startAt) / 1000;
const finish = totals();
loopDelay.disable();
gc?.();
const heapUsed = process.memoryUsage().heapUsed;
const servers = engine.collectorStats().size;
// SCALE_HEAP_SNAPSHOT=<file>: what the heap holds at the end, for Chrome DevTools' Memory panel.
const snapshotPath = process.env['SCALE_HEAP_SNAPSHOT'];
if (snapshotPath) writeHeapSnapshot(snapshotPath);
engine.stop();
console.log(
  JSON.stringify({
    servers,
    peersPerServer: peers,
    seconds,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
    rss: median(rss),
    heapUsed,
    newSpace: median(newSpace),
    external: median(external),
    heapTotal: median(heapTotal),
    arrayBuffers: median(arrayBuffers),
    droppedFrames: droppedTotal() - droppedBefore,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
    bytes: finish.bytes - start.bytes,
    frames: finish.frames - start.frames,
    reconnects: finish.reconnects - start.reconnects,
    logged: Object.fromEntries([...logged].sort((a, b) => b[1] - a[1]).slice(0, 6)),
  }),
);
process.exit(0);
