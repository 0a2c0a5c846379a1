import { Command } from 'commander';
import type { GroupOptions } from '../commands/group.ts';
import { jsonFlag } from '../flags.ts';
import { action, type CliRun } from '../run.ts';

const load = () => import('../commands/group.ts');

const NAME = "the group's name (what server --group names)";

function groupSettings(command: Command): Command {
  return command
    .option('--region <R>', 'where its servers are, e.g. eu-west')
    .option('--description <TEXT>', 'what it is for')
    .option('--priority <N>', 'wins placement ties against other groups (higher first; default 0)');
}

export function groupCommands(run: CliRun): Command {
  const add = groupSettings(
    new Command('add')
      .summary('define a group')
      .description('Define a group of servers: placement picks a server within one.')
      .argument('<NAME>', NAME),
  ).addOption(jsonFlag());
  const edit = groupSettings(
    new Command('edit')
      .summary("change a group's region, description or priority")
      .description("Change a group's region, description or priority; the ones not given stay.")
      .argument('<NAME>', NAME),
  ).addOption(jsonFlag());
  const list = new Command('list')
    .summary('the groups and their servers')
    .description('The groups (also those only named by a server) and their servers.')
    .addOption(jsonFlag());
  const remove = new Command('remove')
    .summary('remove a group no server is in')
    .description('Remove a group. Move its servers first: wgdeck server edit NAME --group G|none.')
    .argument('<NAME>', NAME);
  return new Command('group')
    .summary('add, edit, list and remove server groups')
    .description('Groups of servers (by region, environment or tier), for the overview and placement.')
    .addCommand(
      action(add, run, async (ctx, options: GroupOptions, [name]) => (await load()).add(ctx, options, name!)),
    )
    .addCommand(
      action(edit, run, async (ctx, options: GroupOptions, [name]) =>
        (await load()).edit(ctx, options, name!),
      ),
    )
    .addCommand(action(list, run, async (ctx, options: { json?: true }) => (await load()).list(ctx, options)))
    .addCommand(action(remove, run, async (ctx, _options, [name]) => (await load()).remove(ctx, name!)));
}
