import { DEFAULT_THRESHOLDS, type ServerLive, type Snapshot } from '../src/shared/domain.ts';
import { DeltaEncoder } from '../src/shared/live-delta.ts';
import { createFrameStream } from '../src/main/core/collector/frame-stream.ts';
import { makeDumpText, makeFrameText } from '../src/main/core/collector/fixtures.ts';
import { ServerTracker } from '../src/main/core/state/server-tracker.ts';
import { bar, fmt, median, timeRuns, type BarResult } from './stats.ts';

/** One server of 1,000 peers as the engine holds it, and the next poll with `changed` of them moving. */
function serverStates(changedFraction: number): [ServerLive, ServerLive] {
  const dump = makeDumpText({ interfaces: 1, peersPerInterface: 1000, seed: 3 });
  const lines = dump.trimEnd().split('\n');
  const step = Math.round(1 / changedFraction);
  // The next poll: every `step`-th peer received and sent more bytes; the rest are byte-identical.
  const next = lines
    .map((line, i) => {
      const f = line.split('\t');
      if (f.length !== 9 || i % step !== 0) return line;
      f[6] = String(Number(f[6]) + 4096 * i);
      f[7] = String(Number(f[7]) + 1024 * i);
      return f.join('\t');
    })
    .join('\n');
  let snapshot: Snapshot | null = null;
  const stream = createFrameStream({
    onSnapshot: (s) => (snapshot = s),
    onDrop: (r) => {
      throw new Error(r);
    },
    onFatal: () => undefined,
  });
  const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
  const live = (text: string, seq: number): ServerLive => {
    stream.push(
      Buffer.from(
        makeFrameText({
          seq,
          serverTime: 1_750_000_000 + seq * 5,
          uptime: 100 + seq * 5,
          dumpText: `${text}\n`,
        }),
      ),
    );
    const tracked = tracker.apply(snapshot!);
    return {
      name: 's',
      host: 'h',
      state: 'connected',
      updatedAt: seq,
      serverTime: tracked.serverTime,
      interfaces: tracked.interfaces,
      system: tracked.system,
    };
  };
  live(dump.trimEnd(), 1);
  return [live(dump.trimEnd(), 2), live(next, 3)];
}

/**
 * What crosses the process / network boundary per server per poll: the delta (changed peers only)
 * against the full state, with 5 % of 1,000 peers moving.
 */
export async function benchLiveUpdate(): Promise<BarResult[]> {
  const [steady, moved] = serverStates(0.05);
  const encoder = new DeltaEncoder();
  encoder.encode(steady);
  const delta = encoder.encode(moved);
  const deltaBytes = Buffer.byteLength(JSON.stringify(delta));
  const fullBytes = Buffer.byteLength(JSON.stringify(moved));
  const changed = delta.interfaces?.[0]?.changed.length ?? -1;

  const encodeTimes = await timeRuns(40, 10, () => {
    const e = new DeltaEncoder();
    e.encode(steady);
    e.encode(moved);
  });
  console.log('\n## Live update size, one server of 1,000 peers, 5 % changing (per poll)');
  console.log(`  delta (changed peers only): ${(deltaBytes / 1024).toFixed(1)} KiB  (${changed} peers)`);
  console.log(`  full state                : ${(fullBytes / 1024).toFixed(1)} KiB`);
  console.log(`  ratio full / delta        : ${(fullBytes / deltaBytes).toFixed(1)}×`);
  console.log(`  encode (2 states)         : median ${fmt(median(encodeTimes))}`);
  return [
    bar(
      'delta with 5 % changing ≥ 10× smaller than the full state',
      fullBytes / deltaBytes >= 10,
      `${(fullBytes / deltaBytes).toFixed(1)}×`,
    ),
  ];
}
