import { startLab } from '../e2e/lab/lab.ts';
import { ensureLabPrerequisites } from '../e2e/lab/prerequisites.ts';
import { makeDumpText, makeFrameText } from '../src/main/core/collector/fixtures.ts';
import { createFrameStream } from '../src/main/core/collector/frame-stream.ts';
import { collectorCommand } from '../src/main/core/collector/remote-script.ts';
import { ServerTracker } from '../src/main/core/state/server-tracker.ts';
import { DEFAULT_THRESHOLDS, type Snapshot } from '../src/shared/domain.ts';
import { bar, fmt, median, percentile, timeRuns, type BarResult } from './stats.ts';

const PEERS = 10_000;
const CHUNK = 64 * 1024; // what an SSH channel typically hands us per 'data' event

/** The same frame at a later time: the tracker computes rates on every second frame. */
function later(frame: string, seconds: number): string {
  return frame.replace(
    /^@wgdeck time (\d+) ([\d.]+)$/m,
    (_match, unix: string, uptime: string) =>
      `@wgdeck time ${Number(unix) + seconds} ${(Number(uptime) + seconds).toFixed(2)}`,
  );
}

/** One frame of a real wireguard-go server with 10,000 peers (the lab), made by the real remote script. */
async function realFrame(): Promise<string | null> {
  try {
    await ensureLabPrerequisites();
  } catch {
    return null;
  }
  const lab = await startLab({ name: 'wgdparse', servers: 1, interfaces: 1, peers: PEERS, clients: 1 });
  try {
    return (await lab.exec(0, collectorCommand(0, false, 1))).stdout;
  } finally {
    await lab.stop();
  }
}

async function measure(label: string, text: string): Promise<{ label: string; ours: number; peers: number }> {
  const frames = [text, later(text, 5)].map((f) => Buffer.from(f));
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
  const peers = snapshot?.interfaces.reduce((n, i) => n + i.peers.length, 0) ?? 0;
  const json = JSON.stringify(snapshot?.interfaces);
  const baseline = await timeRuns(60, 15, () => JSON.parse(json) as unknown);
  const ours = median(times);
  const base = median(baseline);
  console.log(
    `\n## Parse + state update of one ${peers.toLocaleString()}-peer frame: ${label} (${(frames[0]!.length / 1024).toFixed(0)} KiB)`,
  );
  console.log(`  decode + parse + track : median ${fmt(ours)}  p95 ${fmt(percentile(times, 95))}`);
  console.log(
    `  baseline JSON.parse    : median ${fmt(base)}  (same peers as JSON, ${(json.length / 1024).toFixed(0)} KiB)`,
  );
  console.log(`  ratio ours / JSON.parse: ${(ours / base).toFixed(2)}×`);
  return { label, ours, peers };
}

/**
 * Decoder + parser + state update of one 10,000-peer frame, as the engine does it every interval: on
 * a real wireguard-go dump from the lab (the bar) and on the generated fixture, which is denser than
 * real dumps (several allowed IPs, IPv6 endpoints, 12-digit counters). Baseline, same run: JSON.parse
 * of the same peers as JSON — the native parser doing equivalent work.
 */
export async function benchParseState(): Promise<BarResult[]> {
  const fixture = makeFrameText({
    seq: 1,
    serverTime: 1_750_000_000,
    uptime: 1000,
    dumpText: makeDumpText({ interfaces: 2, peersPerInterface: PEERS / 2, seed: 7 }),
  });
  const dense = await measure('generated fixture (dense)', fixture);
  const text = await realFrame();
  if (!text) {
    console.log('  real dump: NOT MEASURED — the lab cannot run here');
    return [bar('10,000-peer parse + state update < 10 ms median (real dump)', false, 'lab unavailable')];
  }
  const real = await measure('real wireguard-go dump (lab)', text);
  return [
    bar(
      '10,000-peer parse + state update < 10 ms median (real dump)',
      real.ours < 10 && real.peers === PEERS,
      fmt(real.ours),
    ),
    bar(
      'the same on the denser fixture (for reference)',
      dense.ours < 10 && dense.peers === PEERS,
      fmt(dense.ours),
    ),
  ];
}
