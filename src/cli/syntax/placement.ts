import { Command } from 'commander';
import type { PlacementOptions } from '../commands/placement.ts';
import { jsonFlag } from '../flags.ts';
import { action, type CliRun } from '../run.ts';

export function placementCommands(run: CliRun): Command {
  const command = new Command('placement')
    .summary('which server a new peer would go to, and why')
    .description(
      "Rank a group's servers for a new peer (seed 001): (active / max peers) / weight, plus " +
        'CPU and memory penalties; lowest wins. Full, down or stale servers are not eligible.',
    )
    .option('--group <G>', 'rank this group (default: every server)')
    .addOption(jsonFlag());
  return action(command, run, async (ctx, options: PlacementOptions) =>
    (await import('../commands/placement.ts')).placement(ctx, options),
  );
}
