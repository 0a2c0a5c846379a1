// The renderer's fleet-wide views at 10,000 peers, on the inputs selectors.test.ts checks for
// correctness (test-fixtures.ts): totals over 10 servers × 1,000 peers on a fleet never summarised
// before (summaries are cached per live object), and sorting 10,000 peers. The bars are the limits
// the tests used to assert; each ratio compares against the least work that reads the same data.
import { fleetTotals, sortPeers } from '../src/renderer/src/store/selectors.ts';
import { bigFleet, scatteredPeers } from '../src/renderer/src/store/test-fixtures.ts';
import type { Fleet } from '../src/renderer/src/store/fleet-state.ts';
import { bar, fmt, median, timeRuns, timeRunsAfter, type BarResult } from './stats.ts';

const RUNS = 30;
const WARMUP = 5;

/** One pass over every peer, reading what the totals read: the floor for fleetTotals. */
function touchEveryPeer(fleet: Fleet): number {
  let online = 0;
  for (const held of Object.values(fleet))
    for (const iface of held.live.interfaces)
      for (const peer of iface.peers) if (peer.status === 'online') online += 1;
  return online;
}

function line(label: string, ms: number): void {
  console.log(`  ${label.padEnd(40)} median ${fmt(ms)}`);
}

export async function benchSelectors(): Promise<BarResult[]> {
  console.log('\n## Renderer selectors at 10,000 peers');
  const fresh = () => bigFleet(10, 1000);
  if (fleetTotals(fresh(), []).peers !== 10_000) throw new Error('selectors bench: totals miss peers');
  const totals = median(await timeRunsAfter(RUNS, WARMUP, fresh, (fleet) => fleetTotals(fleet, [])));
  const floor = median(await timeRunsAfter(RUNS, WARMUP, fresh, touchEveryPeer));
  line('fleet totals, 10 × 1,000 peers', totals);
  line('baseline: one pass over every peer', floor);
  console.log(`  ratio totals / one pass: ${(totals / floor).toFixed(1)}×`);

  const peers = scatteredPeers(10_000);
  const rates = peers.map((p) => p.rxRate!);
  const sorting = median(
    await timeRuns(RUNS, WARMUP, () => sortPeers(peers, { key: 'rxRate', dir: 'desc' })),
  );
  const numbers = median(await timeRuns(RUNS, WARMUP, () => Float64Array.from(rates).sort()));
  line('sort 10,000 peers by receive rate', sorting);
  line('baseline: sort the 10,000 rates alone', numbers);
  console.log(`  ratio peers / numbers: ${(sorting / numbers).toFixed(1)}×`);
  return [
    // Measured far under the tests' 200 ms and 300 ms, even on a loaded machine: the bars are tighter.
    bar('selectors: fleet totals of 10 × 1,000 peers < 20 ms median', totals < 20, fmt(totals)),
    bar('selectors: sort of 10,000 peers < 100 ms median', sorting < 100, fmt(sorting)),
  ];
}
