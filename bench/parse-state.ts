import { createFrameStream } from '../src/main/core/collector/frame-stream.ts';
import { makeDumpText, makeFrameText } from '../src/main/core/collector/fixtures.ts';
import { ServerTracker } from '../src/main/core/state/server-tracker.ts';
import { DEFAULT_THRESHOLDS, type Snapshot } from '../src/shared/domain.ts';
import { bar, fmt, median, percentile, timeRuns, type BarResult } from './stats.ts';

const CHUNK = 64 * 1024; // what an SSH channel typically hands us per 'data' event

/**
 * Decoder + parser + state update of one 10,000-peer frame, as the engine does it every interval.
 * Baseline, same run: JSON.parse of the same peers as JSON — the native parser doing equivalent work.
 */
export async function benchParseState(): Promise<BarResult[]> {
  const peers = 10_000;
  const dump = (seed: number) => makeDumpText({ interfaces: 2, peersPerInterface: peers / 2, seed });
  // Same peers (same seed), two different times: the tracker computes rates on every second frame.
  const frames = [0, 1].map((i) =>
    Buffer.from(
      makeFrameText({
        seq: i + 1,
        serverTime: 1_750_000_000 + i * 5,
        uptime: 1000 + i * 5,
        dumpText: dump(7),
      }),
    ),
  );
  const tracker = new ServerTracker(DEFAULT_THRESHOLDS);
  let latest: Snapshot | null = null;
  const stream = createFrameStream({
    onSnapshot: (s) => (latest = s),
    onDrop: (reason) => {
      throw new Error(`bench frame dropped: ${reason}`);
    },
    onFatal: () => undefined,
  });
  let turn = 0;
  const times = await timeRuns(60, 15, () => {
    const frame = frames[turn++ % 2]!;
    for (let offset = 0; offset < frame.length; offset += CHUNK)
      stream.push(frame.subarray(offset, offset + CHUNK));
    tracker.apply(latest!);
  });
  const snapshot = latest as Snapshot | null;
  const peerCount = snapshot?.interfaces.reduce((n, i) => n + i.peers.length, 0) ?? 0;

  const json = JSON.stringify(snapshot?.interfaces);
  const baseline = await timeRuns(60, 15, () => JSON.parse(json) as unknown);

  const ours = median(times);
  const base = median(baseline);
  console.log(
    `\n## Parse + state update of one ${peerCount.toLocaleString()}-peer frame (${(frames[0]!.length / 1024).toFixed(0)} KiB)`,
  );
  console.log(`  decode + parse + track : median ${fmt(ours)}  p95 ${fmt(percentile(times, 95))}`);
  console.log(
    `  baseline JSON.parse    : median ${fmt(base)}  (same peers as JSON, ${(json.length / 1024).toFixed(0)} KiB)`,
  );
  console.log(`  ratio ours / JSON.parse: ${(ours / base).toFixed(2)}×`);
  return [
    bar('10,000-peer parse + state update < 10 ms median', ours < 10 && peerCount === peers, fmt(ours)),
  ];
}
