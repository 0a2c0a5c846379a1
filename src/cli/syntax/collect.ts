import { Command, Option } from 'commander';
import type { CollectOptions } from '../commands/collect.ts';
import { LOG_FORMATS } from '../collector/log-line.ts';
import { withStreamFlags } from './stream-flags.ts';
import { action, type CliRun } from '../run.ts';
import { withMetricsFlags, withVictoriaFlags } from './exporter-flags.ts';

export function collectCommands(run: CliRun): Command {
  const command = new Command('collect')
    .summary('always-on collector: history, events, alerts, metrics, push')
    .description(
      'No UI, until SIGTERM: keeps every server streaming, records history and events, evaluates alerts, ' +
        'serves /metrics and pushes to VictoriaMetrics; logs one line per fact to stdout. ' +
        'See docs/collector.md for a systemd unit.',
    );
  withMetricsFlags(command);
  withVictoriaFlags(command);
  withStreamFlags(command);
  command
    .addOption(
      new Option('--log-format <FORMAT>', 'json: one object per line').choices(LOG_FORMATS).default('json'),
    )
    .option('--log-polls', 'also log every poll (debug)');
  return action(command, run, async (ctx, options: CollectOptions) =>
    (await import('../commands/collect.ts')).collect(ctx, options),
  );
}
