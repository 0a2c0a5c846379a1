import { fleetSeries, type ServerMetricsInput } from '../src/main/core/exporters/fleet-series.ts';
import { ExpositionWriter } from '../src/main/core/exporters/exposition.ts';
import { MetricsPage } from '../src/main/core/exporters/metrics-page.ts';
import { bar, fmt, median, timeRuns, type BarResult } from './stats.ts';
import { syntheticServerStates } from './synthetic-server.ts';

/** 10 servers × 1,000 peers, streaming (the fleet the scrape and push bars are set for). */
export function tenThousandPeers(): ServerMetricsInput[] {
  return Array.from({ length: 10 }, (_, i) => {
    const [, live] = syntheticServerStates({ name: `s${i}`, peers: 1000, polls: 1, every: 20, seed: i + 1 });
    return { live: { ...live!, state: 'connected' as const }, netdev: null, intervalSeconds: 5 };
  });
}

/**
 * `/metrics` at 10,000 peers (prom-client, every family filled at scrape time) and the text one poll
 * pushes to VictoriaMetrics (bytes, and the CPU it takes to make).
 */
export async function benchExporters(): Promise<BarResult[]> {
  const fleet = tenThousandPeers();
  const page = new MetricsPage('mdlayher', () =>
    fleetSeries(fleet, 'mdlayher', (_s, _i, key) => `peer ${key.slice(0, 6)}`),
  );
  const scrape = await timeRuns(20, 5, async () => Buffer.byteLength(await page.render()));
  const text = await page.render();
  const seriesOnly = await timeRuns(20, 5, () => fleetSeries(fleet, 'mdlayher'));
  const writer = new ExpositionWriter('mdlayher');
  const now = Date.now();
  const push = await timeRuns(20, 5, () =>
    Buffer.byteLength(writer.write(fleetSeries(fleet, 'mdlayher'), { timestampMs: () => now })),
  );
  const pushText = writer.write(fleetSeries(fleet, 'mdlayher'), { timestampMs: () => now });
  console.log('\n## Exporters, 10 servers × 1,000 peers');
  console.log(
    `  /metrics scrape      : median ${fmt(median(scrape))}  (${(text.length / 1024).toFixed(0)} KiB, ${text.split('\n').length} lines)`,
  );
  console.log(`  series only          : median ${fmt(median(seriesOnly))}`);
  console.log(
    `  push text per poll   : median ${fmt(median(push))}  (${(pushText.length / 1024).toFixed(0)} KiB)`,
  );
  return [bar('/metrics at 10,000 peers < 100 ms (median)', median(scrape) < 100, fmt(median(scrape)))];
}
