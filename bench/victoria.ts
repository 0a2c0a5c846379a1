import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { DEFAULT_VICTORIA_METRICS } from '../src/shared/exporter-settings.ts';
import type { PollSink } from '../src/main/core/exporters/exporter-service.ts';
import type { ServerMetricsInput } from '../src/main/core/exporters/fleet-series.ts';
import { ExpositionWriter } from '../src/main/core/exporters/exposition.ts';
import { fleetSeries } from '../src/main/core/exporters/fleet-series.ts';
import { victoriaMetricsSink } from '../src/main/core/exporters/victoria/index.ts';
import { startVictoria } from '../test/support/victoria.ts';
import { tenThousandPeers } from './exporters.ts';
import { bar, fmt, median, type BarResult } from './stats.ts';

const INTERVAL_S = 5;
const CAP = 2 * 1024 ** 3;

/** The fleet at poll `i`: every server's clock INTERVAL_S later, each busy peer's counters grown. */
function pollAt(fleet: ServerMetricsInput[], base: number, i: number): ServerMetricsInput[] {
  return fleet.map((input) => ({
    ...input,
    live: {
      ...input.live,
      serverTime: base + INTERVAL_S * i,
      interfaces: input.live.interfaces.map((iface) => ({
        ...iface,
        peers: iface.peers.map((p, n) => (n % 20 === 0 ? { ...p, rxBytes: p.rxBytes + i * 1500 } : p)),
      })),
    },
  }));
}

async function caughtUp(sink: PollSink, timeoutMs = 300_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (sink.status().backlogSamples > 0 || sink.status().state !== 'ok') {
    if (Date.now() > end) throw new Error(`push not caught up: ${JSON.stringify(sink.status())}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The VictoriaMetrics push against a real victoria-metrics on loopback, 10 servers × 1,000 peers:
 * CPU per poll (this process: printing, gzip on zlib's threads, HTTP), bytes sent per poll, the
 * outage buffer's size (→ how long an outage 2 GiB holds at 1,000 peers), and the replay rate.
 */
export async function benchVictoria(): Promise<BarResult[]> {
  const vm = await startVictoria();
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-bench-push-'));
  try {
    const fleet = tenThousandPeers();
    const base = Math.floor(Date.now() / 1000) - 6 * 3600;
    const make = () =>
      victoriaMetricsSink({ ...DEFAULT_VICTORIA_METRICS, url: vm.url }, () => Promise.resolve(undefined), {
        dataDir,
        names: 'mdlayher',
      })!;

    // Steady state: one poll of the whole fleet at a time, until VictoriaMetrics took it.
    const sink = make();
    const cpu: number[] = [];
    const wall: number[] = [];
    const rounds = 12;
    let poll = 0;
    for (let r = 0; r < rounds + 3; r++) {
      const inputs = pollAt(fleet, base, poll++);
      const before = process.cpuUsage();
      const start = performance.now();
      for (const input of inputs) sink.onPoll(input);
      await caughtUp(sink);
      const used = process.cpuUsage(before);
      if (r >= 3) {
        cpu.push((used.user + used.system) / 1000);
        wall.push(performance.now() - start);
      }
    }
    const samplesPerPoll = [...fleetSeries(fleet, 'mdlayher').values()].reduce(
      (sum, list) => sum + list.length,
      0,
    );
    const writer = new ExpositionWriter('mdlayher');
    let sentBytes = 0;
    for (const input of fleet) {
      const text = writer.write(fleetSeries([input], 'mdlayher'), { timestampMs: () => base * 1000 });
      sentBytes += gzipSync(text, { level: constants.Z_BEST_SPEED }).length;
    }

    // An outage: the same polls go to disk; then VictoriaMetrics comes back and they are replayed.
    await vm.stop();
    const outagePolls = 24;
    for (let r = 0; r < outagePolls; r++) for (const input of pollAt(fleet, base, poll++)) sink.onPoll(input);
    const deadline = Date.now() + 120_000;
    while (sink.status().backlogSamples < outagePolls * samplesPerPoll || sink.status().backlogBytes === 0) {
      if (Date.now() > deadline) throw new Error('outage not buffered');
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 500)); // the last spill written
    const backlog = sink.status();
    const diskPerThousandPeerPoll = backlog.backlogBytes / (outagePolls * fleet.length);
    await vm.start();
    const replayStart = performance.now();
    await caughtUp(sink);
    const replaySeconds = (performance.now() - replayStart) / 1000;
    const replayRate = backlog.backlogSamples / replaySeconds;
    await sink.close();

    const pollsPerDay = (24 * 3600) / INTERVAL_S;
    const dayAtThousand = diskPerThousandPeerPoll * pollsPerDay;
    console.log('\n## VictoriaMetrics push, 10 servers × 1,000 peers, real victoria-metrics on loopback');
    console.log(`  samples per poll     : ${samplesPerPoll.toLocaleString('en')}`);
    console.log(
      `  push per poll        : CPU median ${fmt(median(cpu))} (this process), wall ${fmt(median(wall))} until taken`,
    );
    console.log(
      `  bytes sent per poll  : ${(sentBytes / 1024).toFixed(0)} KiB gzip (${((sentBytes / samplesPerPoll) * 1).toFixed(1)} B/sample)`,
    );
    console.log(
      `  outage buffer        : ${(diskPerThousandPeerPoll / 1024).toFixed(1)} KiB per 1,000-peer poll → ${(dayAtThousand / 1024 ** 3).toFixed(2)} GiB per 24 h at 5 s × 1,000 peers (cap 2 GiB)`,
    );
    console.log(
      `  replay               : ${backlog.backlogSamples.toLocaleString('en')} samples in ${replaySeconds.toFixed(1)} s = ${Math.round(replayRate).toLocaleString('en')} samples/s`,
    );
    return [
      bar(
        'push CPU per 10,000-peer poll < 20% of one core at 5 s (median < 1,000 ms)',
        median(cpu) < 1000,
        fmt(median(cpu)),
      ),
      bar(
        '24 h outage at 5 s × 1,000 peers fits the 2 GiB buffer',
        dayAtThousand < CAP,
        `${(dayAtThousand / 1024 ** 3).toFixed(2)} GiB`,
      ),
      bar(
        'replay faster than 10× real time at 10,000 peers',
        replayRate > (10 * samplesPerPoll) / INTERVAL_S,
        `${Math.round(replayRate).toLocaleString('en')} samples/s`,
      ),
    ];
  } finally {
    await vm.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
