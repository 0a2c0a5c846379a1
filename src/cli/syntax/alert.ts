import { Argument, Command, Option } from 'commander';
import { ALERT_KINDS } from '../../shared/alerts.ts';
import type { AlertOptions, SnoozeOptions } from '../commands/alert.ts';
import { jsonFlag } from '../flags.ts';
import { action, type CliRun } from '../run.ts';

const load = () => import('../commands/alert.ts');

const ID = "the rule's id (wgdeck alert list shows it)";

/** Scope and thresholds: the same flags for add and edit (each kind takes the ones it needs). */
function ruleFlags(command: Command): Command {
  return command
    .option('--server <S>', 'only this server (default: every server)')
    .option('--interface <I>', 'only this interface, e.g. wg0')
    .option('--peer <KEY>', 'only this peer (its public key, or its name)')
    .addOption(
      new Option('--counters <C>', 'interface-problems: which counters').choices([
        'errors',
        'drops',
        'either',
      ]),
    )
    .option('--per-minute <X>', 'interface-problems: fires above X per minute')
    .option('--minutes <N>', 'offline, unreachable or ping failing for N minutes')
    .option('--bytes-per-day <X>', 'peer-traffic: rx+tx above X a day, e.g. 50GiB');
}

export function alertCommands(run: CliRun): Command {
  const add = ruleFlags(
    new Command('add')
      .summary('add an alert rule')
      .description(
        'Add an alert rule. Kinds: interface-problems (--per-minute), peer-offline ' +
          '(--server --interface --peer --minutes), server-unreachable (--minutes), ' +
          'ping-loss (--minutes, 0: at once), peer-traffic (--bytes-per-day).',
      )
      .addArgument(new Argument('<KIND>', 'what to watch').choices(ALERT_KINDS)),
  )
    .option('--disabled', 'add it switched off')
    .addOption(jsonFlag());
  const edit = ruleFlags(
    new Command('edit')
      .summary("change a rule's scope or thresholds, or switch it on or off")
      .description("Change a rule; flags not given stay. --server '' (and the like) drops a scope.")
      .argument('<ID>', ID),
  )
    .option('--enable', 'switch it on')
    .option('--disable', 'switch it off (its alerts resolve)')
    .addOption(jsonFlag());
  const list = new Command('list')
    .summary('the alert rules')
    .description('The alert rules, with their ids, scopes, thresholds and snoozes.')
    .addOption(jsonFlag());
  const remove = new Command('remove')
    .summary('remove an alert rule')
    .description('Remove an alert rule (its alerts resolve).')
    .argument('<ID>', ID);
  const snooze = new Command('snooze')
    .summary('snooze a rule: it still evaluates, nobody is notified')
    .description('Snooze a rule for a while (--for 1h) or until cleared; --off lifts it.')
    .argument('<ID>', ID)
    .option('--for <AGE>', 'for this long: 30m, 1h, 7d')
    .option('--until-cleared', 'until lifted with --off')
    .option('--off', 'lift the snooze')
    .addOption(jsonFlag());
  return new Command('alert')
    .summary('add, edit, list, snooze and remove alert rules')
    .description(
      'Alert rules: interface errors or drops, peers offline, servers unreachable, ping ' +
        'failing, peer traffic per day. The app and wgdeck serve evaluate them and notify.',
    )
    .addCommand(
      action(add, run, async (ctx, options: AlertOptions, [kind]) => (await load()).add(ctx, options, kind!)),
    )
    .addCommand(
      action(edit, run, async (ctx, options: AlertOptions, [id]) => (await load()).edit(ctx, options, id!)),
    )
    .addCommand(action(list, run, async (ctx, options: { json?: true }) => (await load()).list(ctx, options)))
    .addCommand(action(remove, run, async (ctx, _options, [id]) => (await load()).remove(ctx, id!)))
    .addCommand(
      action(snooze, run, async (ctx, options: SnoozeOptions, [id]) =>
        (await load()).snooze(ctx, options, id!),
      ),
    );
}
