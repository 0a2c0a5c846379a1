import { Command } from 'commander';
import type { DriftOptions } from '../commands/drift.ts';
import {
  confirmTimeoutFlag,
  dryRunFlag,
  interfaceFlag,
  jsonFlag,
  required,
  serverFlag,
  yesFlag,
} from '../flags.ts';
import { action, type CliRun } from '../run.ts';

export function driftCommands(run: CliRun): Command {
  const command = new Command('drift')
    .summary('config files vs live interfaces')
    .description(
      'Compare the config files with the live interfaces (exit 1 when they differ), or make ' +
        "one interface's file and live peers match (--reconcile).",
    )
    .addOption(required(serverFlag()))
    .addOption(interfaceFlag())
    .option(
      '--reconcile <DIRECTION>',
      'file-to-live (apply the file) or live-to-file (write the live peers into it); needs --interface',
    )
    .addOption(confirmTimeoutFlag())
    .addOption(dryRunFlag())
    .addOption(yesFlag())
    .addOption(jsonFlag());
  return action(command, run, async (ctx, options: DriftOptions) =>
    (await import('../commands/drift.ts')).drift(ctx, options),
  );
}
