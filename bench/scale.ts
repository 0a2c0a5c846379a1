// `npm run bench -- scale` (issue 14): 20 lab servers × 1,000 peers (one real client each, the rest
// idle), 5 s frames, the engine in its own process with delta frames on and off, and an empty one for
// the baseline. Figures: engine CPU % of one core, RSS beyond the baseline per 1,000 peers, bytes from
// SSH per server per minute, and the server's CPU per frame. SCALE_SECONDS sets the measured time,
// SCALE_SERVERS the number of servers, SCALE_REPEATS how many engines measure the RSS bar.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../e2e/lab/lab.ts';
import { ensureLabPrerequisites } from '../e2e/lab/prerequisites.ts';
import { registerLab } from '../e2e/lab/register.ts';
import { collectorCommand } from '../src/main/core/collector/remote-script.ts';
import { ENGINE_ENV, ENGINE_V8_FLAGS } from '../src/main/core/engine-flags.ts';
import { KEYFRAME_EVERY } from '../src/main/core/fleet/server-session.ts';
import { bar, median, type BarResult } from './stats.ts';

const SERVERS = Number(process.env['SCALE_SERVERS'] ?? 20);
const PEERS = 1_000;
const WARMUP_SECONDS = 20;
const MEASURE_SECONDS = Number(process.env['SCALE_SECONDS'] ?? 120);
const MiB = 1024 * 1024;
/**
 * RSS differs by ±4 MiB between two engines of the same configuration (where glibc and V8 happen to
 * place things), which is ±0.2 MiB per 1,000 peers at 20,000 peers: the bar is judged on the median
 * of several empty and several delta-frame engines, each started afresh.
 */
const REPEATS = Number(process.env['SCALE_REPEATS'] ?? 3);
/** The engine's own V8 flags; SCALE_NODE_FLAGS replaces them to compare ('' for V8's defaults). */
const ENGINE_FLAGS = process.env['SCALE_NODE_FLAGS'] ?? ENGINE_V8_FLAGS.join(' ');

interface EngineRun {
  servers: number;
  peersPerServer: number;
  seconds: number;
  cpuPercent: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  newSpace: number;
  external: number;
  bytes: number;
  frames: number;
  reconnects: number;
  droppedFrames: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  logged: Record<string, number>;
}

/** `only`: the servers to start (none: the empty baseline); all of them when absent. */
function runEngine(dataDir: string, keyframeEvery: number, only?: string[]): EngineRun {
  const none = only !== undefined && only.length === 0;
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-scale-'));
  cpSync(dataDir, dir, { recursive: true });
  const flags = ENGINE_FLAGS.split(/\s+/).filter(Boolean);
  const args = [
    ...flags,
    '--expose-gc',
    join(import.meta.dirname, 'scale-engine.ts'),
    dir,
    String(keyframeEvery),
  ];
  args.push(
    String(none ? 2 : WARMUP_SECONDS),
    String(none ? 20 : MEASURE_SECONDS),
    ...(only === undefined ? [] : [none ? 'none' : only.join(',')]),
  );
  const child = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    maxBuffer: 16 * MiB,
    env: { ...process.env, ...ENGINE_ENV },
  });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{'))
    throw new Error(`scale engine failed (${child.status}): ${child.stderr.slice(-2000)}`);
  return JSON.parse(line) as EngineRun;
}

/** The collector's own CPU on one lab server: user + system of the script and all it runs, per frame. */
async function serverCpuPerFrame(lab: Lab, keyframeEvery: number, frames = 30): Promise<number[]> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const command = collectorCommand(0, false, frames, undefined, undefined, keyframeEvery).replace(
      /^exec /,
      '',
    );
    const out = await lab.exec(0, `bash -c ${quote(`${command} >/dev/null; times`)}`);
    const child = out.stdout.trim().split('\n')[1]!.split(/\s+/);
    const seconds = (t: string) => {
      const m = /(\d+)m([\d.]+)s/.exec(t)!;
      return Number(m[1]) * 60 + Number(m[2]);
    };
    runs.push(((seconds(child[0]!) + seconds(child[1]!)) * 1000) / frames);
  }
  return runs;
}

/** The run with the median RSS (an odd count: one of them; even: the lower middle one). */
function medianRun(runs: EngineRun[]): EngineRun {
  const sorted = [...runs].sort((a, b) => a.rss - b.rss);
  return sorted[(sorted.length - 1) >> 1]!;
}

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export async function benchScale(): Promise<BarResult[]> {
  try {
    await ensureLabPrerequisites();
  } catch (error) {
    console.log(`\n## Scale: NOT RUN — the lab cannot run here: ${(error as Error).message}`);
    return [bar('delta frames ≥ 20× fewer bytes', false, 'lab unavailable')];
  }
  const lab = await startLab({
    name: 'wgdscale',
    servers: SERVERS,
    interfaces: 1,
    peers: PEERS,
    clients: 1,
    // 333 unanswered handshakes per server every 5 s would cost 20 servers 1.4 of this machine's 2 cores
    idleKeepalive: false,
  });
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-scale-data-'));
    const names = await registerLab(lab, dataDir);
    const cpuFull = median(await serverCpuPerFrame(lab, 0));
    const cpuDelta = median(await serverCpuPerFrame(lab, KEYFRAME_EVERY));
    const empties = Array.from({ length: REPEATS }, () => runEngine(dataDir, KEYFRAME_EVERY, []));
    const empty = medianRun(empties);
    // Half the fleet: what one more 1,000-peer server costs, apart from what any engine costs.
    const half = SERVERS >= 2 ? runEngine(dataDir, KEYFRAME_EVERY, names.slice(0, SERVERS >> 1)) : null;
    const full = runEngine(dataDir, 0);
    const deltas = Array.from({ length: REPEATS }, () => runEngine(dataDir, KEYFRAME_EVERY));
    const delta = medianRun(deltas);
    const perMinute = (r: EngineRun) => r.bytes / r.servers / (r.seconds / 60);
    const perFrame = (r: EngineRun) => r.bytes / r.frames;
    // The measured window may hold no keyframe: count one whole dump in every KEYFRAME_EVERY frames.
    const amortized =
      (perFrame(delta) * (KEYFRAME_EVERY - 1) + perFrame(full)) / KEYFRAME_EVERY / perFrame(delta);
    const deltaPerMinute = perMinute(delta) * amortized;
    const ratio = perMinute(full) / deltaPerMinute;
    const rssPer1k = (r: EngineRun) => (r.rss - empty.rss) / MiB / ((r.servers * r.peersPerServer) / 1000);
    const heapPer1k = (r: EngineRun) =>
      (r.heapUsed - empty.heapUsed) / MiB / ((r.servers * r.peersPerServer) / 1000);
    const row = (name: string, r: EngineRun) =>
      `  ${name.padEnd(12)} ${r.cpuPercent.toFixed(1).padStart(5)} %   RSS ${(r.rss / MiB).toFixed(0).padStart(4)} MiB` +
      ` (${rssPer1k(r).toFixed(2)} MiB/1k peers, heap ${heapPer1k(r).toFixed(2)};` +
      ` heap committed ${(r.heapTotal / MiB).toFixed(0)} MiB, young gen ${(r.newSpace / MiB).toFixed(0)} MiB,` +
      ` external ${(r.external / MiB).toFixed(0)} MiB)` +
      `   ${(perMinute(r) / 1024).toFixed(1).padStart(7)} KiB/server/min   ${(perFrame(r) / 1024).toFixed(1)} KiB/frame`;
    console.log(
      `\n## Scale (${SERVERS} lab servers × ${PEERS} peers, 1 client each, 5 s frames, ${MEASURE_SECONDS} s measured after ${WARMUP_SECONDS} s)`,
    );
    console.log(
      `  empty engine: RSS ${(empty.rss / MiB).toFixed(0)} MiB, heap ${(empty.heapUsed / MiB).toFixed(0)} MiB (committed ${(empty.heapTotal / MiB).toFixed(0)}),` +
        ` young gen ${(empty.newSpace / MiB).toFixed(0)} MiB; engine flags: ${ENGINE_FLAGS || '(V8 defaults)'}`,
    );
    console.log(row('whole frames', full));
    console.log(row('delta frames', delta));
    const spread = (runs: EngineRun[]) => runs.map((r) => (r.rss / MiB).toFixed(1)).join(', ');
    console.log(
      `  RSS of each engine (MiB; the rows above are the medians): empty ${spread(empties)};` +
        ` delta frames ${spread(deltas)}`,
    );
    if (half) {
      const marginal = (delta.rss - half.rss) / MiB / (((delta.servers - half.servers) * PEERS) / 1000);
      console.log(
        `  delta, ${half.servers} servers: RSS ${(half.rss / MiB).toFixed(0)} MiB; the other ${delta.servers - half.servers}` +
          ` servers cost ${marginal.toFixed(2)} MiB per 1,000 peers (RSS ${delta.servers} servers − ${half.servers})`,
      );
    }
    console.log(
      `  delta, one keyframe per ${KEYFRAME_EVERY} counted: ${(deltaPerMinute / 1024).toFixed(1)} KiB/server/min` +
        ` → ${ratio.toFixed(1)}× fewer bytes; per fleet-hour ${((perMinute(full) * SERVERS * 60) / MiB).toFixed(0)} → ${((deltaPerMinute * SERVERS * 60) / MiB).toFixed(0)} MiB`,
    );
    console.log(
      `  server CPU per frame (median of 3 × 30 frames): whole ${cpuFull.toFixed(1)} ms, delta ${cpuDelta.toFixed(1)} ms`,
    );
    for (const [name, r] of [
      ['whole', full],
      ['delta', delta],
    ] as const)
      console.log(
        `  ${name}: ${r.frames} frames taken, ${r.droppedFrames} refused, ${r.reconnects} reconnects;` +
          ` event loop delay p99 ${r.loopDelayP99Ms.toFixed(0)} ms, max ${r.loopDelayMaxMs.toFixed(0)} ms;` +
          ` engine log: ${JSON.stringify(r.logged)}`,
      );
    console.log(`  engine CPU ratio whole/delta: ${(full.cpuPercent / delta.cpuPercent).toFixed(2)}×`);
    return [
      bar('delta frames ≥ 20× fewer bytes per server-minute', ratio >= 20, `${ratio.toFixed(1)}×`),
      // The issue's bar is 2 MB (10^6 bytes), 1.91 MiB, per 1,000 peers.
      bar(
        'engine RSS ≤ 2 MB per 1,000 peers (delta frames)',
        rssPer1k(delta) * MiB <= 2e6,
        `${((rssPer1k(delta) * MiB) / 1e6).toFixed(2)} MB (${rssPer1k(delta).toFixed(2)} MiB)`,
      ),
      bar(
        'every server streamed in both runs',
        full.servers === SERVERS && delta.servers === SERVERS && delta.frames > 0,
        `${full.servers}/${delta.servers} servers`,
      ),
    ];
  } finally {
    await lab.stop();
  }
}
