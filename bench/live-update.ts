import type { ServerLive } from '../src/shared/domain.ts';
import { DeltaEncoder } from '../src/shared/live-delta.ts';
import { bar, fmt, median, timeRuns, type BarResult } from './stats.ts';
import { syntheticServerStates } from './synthetic-server.ts';

/** One server of 1,000 peers as the engine holds it, and the next poll with 5 % of them moving. */
function serverStates(): [ServerLive, ServerLive] {
  const [, steady, moved] = syntheticServerStates({ name: 's', peers: 1000, polls: 2, every: 20, seed: 3 });
  // The busy 5 % move at every poll: poll 1 → poll 2 is a steady-state update.
  return [steady!, moved!];
}

/**
 * What crosses the process / network boundary per server per poll: the delta (changed peers only)
 * against the full state, with 5 % of 1,000 peers moving.
 */
export async function benchLiveUpdate(): Promise<BarResult[]> {
  const [steady, moved] = serverStates();
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
