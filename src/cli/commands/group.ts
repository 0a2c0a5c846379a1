import type { GroupSummary } from '../../shared/groups.ts';
import type { Group } from '../../shared/server-config.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError } from '../usage-error.ts';

export type GroupOptions = { region?: string; description?: string; priority?: string; json?: true };

function toPriority(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d{1,4}$/.test(text)) throw new UsageError(`--priority must be a whole number, got "${text}"`);
  return Number(text);
}

/** `group` with the given options over it; `--region ''` / `--description ''` drop the setting. */
function applyGroupSettings(group: Group, values: GroupOptions): Group {
  const next: Group = { ...group };
  for (const key of ['region', 'description'] as const) {
    const value = values[key];
    if (value === undefined) continue;
    if (value === '') delete next[key];
    else next[key] = value;
  }
  const priority = toPriority(values.priority);
  if (priority !== undefined) next.priority = priority;
  return next;
}

export async function add(ctx: CliContext, values: GroupOptions, name: string): Promise<number> {
  const group = await ctx.engine.handlers['group:add'](applyGroupSettings({ name, priority: 0 }, values));
  if (values.json) ctx.out(JSON.stringify(group, null, 2));
  else ctx.out(`Added group ${name}. Put servers in it: wgdeck server edit NAME --group ${name}`);
  return EXIT.ok;
}

export async function edit(ctx: CliContext, values: GroupOptions, name: string): Promise<number> {
  const known = (await ctx.engine.handlers['group:list']()).find((g) => g.name === name);
  if (!known) throw new UsageError(`No group named "${name}". Define it: wgdeck group add ${name}`);
  const { defined: _defined, servers: _servers, ...group } = known;
  const saved = await ctx.engine.handlers['group:update'](applyGroupSettings(group, values));
  if (values.json) ctx.out(JSON.stringify(saved, null, 2));
  else ctx.out(`Updated group ${name}.`);
  return EXIT.ok;
}

function describe(group: GroupSummary): string {
  const facts = [
    `priority ${group.priority}`,
    group.region ? `region ${group.region}` : '',
    group.defined ? '' : 'not defined (named by a server)',
  ].filter(Boolean);
  const servers = group.servers.length > 0 ? group.servers.join(', ') : 'no servers';
  return `${group.name}\t${facts.join(', ')}\t${servers}${group.description ? `\n\t${group.description}` : ''}`;
}

export async function list(ctx: CliContext, values: { json?: true }): Promise<number> {
  const groups = await ctx.engine.handlers['group:list']();
  if (values.json) ctx.out(JSON.stringify({ groups }, null, 2));
  else if (groups.length === 0) ctx.out('No groups yet. Add one: wgdeck group add NAME --region R');
  else for (const group of groups) ctx.out(describe(group));
  return EXIT.ok;
}

export async function remove(ctx: CliContext, name: string): Promise<number> {
  await ctx.engine.handlers['group:remove'](name);
  ctx.out(`Removed group ${name}.`);
  return EXIT.ok;
}
