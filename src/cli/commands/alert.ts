import {
  ALERT_KIND_LABEL,
  SNOOZE_UNTIL_CLEARED,
  alertRuleSchema,
  newAlertRuleSchema,
  type AlertKind,
  type AlertRule,
} from '../../shared/alerts.ts';
import { formatBytes, shortKey } from '../../shared/format.ts';
import { formatDateTime } from '../../shared/time-format.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError } from '../usage-error.ts';

export type AlertOptions = {
  server?: string;
  interface?: string;
  peer?: string;
  counters?: 'errors' | 'drops' | 'either';
  perMinute?: string;
  minutes?: string;
  bytesPerDay?: string;
  disabled?: true;
  enable?: true;
  disable?: true;
  json?: true;
};

export type SnoozeOptions = { for?: string; untilCleared?: true; off?: true; json?: true };

function number(flag: string, text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`${flag} must be a number, got "${text}"`);
  return Number(text);
}

const BYTE_UNIT: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `50GiB`, `500M`, `1000000`: binary units, as the app shows bytes. */
export function parseBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`--bytes-per-day is a size like 50GiB or 500MiB, got "${text}"`);
  return Math.round(Number(match[1]) * BYTE_UNIT[match[2]!.toLowerCase()]!);
}

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400 };

function parseFor(text: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`--for is a time like 30m, 1h or 7d, got "${text}"`);
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

/** A peer given by key, or by a name the data dir knows (it must name one peer). */
async function peerKey(ctx: CliContext, text: string, server?: string, iface?: string): Promise<string> {
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return text;
  const matches = (await ctx.engine.handlers['peers:names']())
    .filter(
      (n) => (server === undefined || n.server === server) && (iface === undefined || n.iface === iface),
    )
    .flatMap((n) =>
      Object.entries(n.names)
        .filter(([, name]) => name === text)
        .map(([key]) => key),
    );
  if (matches.length === 1) return matches[0]!;
  throw new UsageError(
    matches.length === 0
      ? `No peer named "${text}" is known; give its public key`
      : `Several peers are named "${text}"; give --server and --interface, or its public key`,
  );
}

/** The rule with the flags over it; `''` drops a scope (`--server ''`). */
async function applyFlags(
  ctx: CliContext,
  rule: Record<string, unknown>,
  values: AlertOptions,
): Promise<void> {
  const scope = { server: values.server, iface: values.interface } as const;
  for (const [key, value] of Object.entries(scope)) {
    if (value === undefined) continue;
    if (value === '') delete rule[key];
    else rule[key] = value;
  }
  if (values.peer !== undefined) {
    if (values.peer === '') delete rule['publicKey'];
    else
      rule['publicKey'] = await peerKey(ctx, values.peer, rule['server'] as string, rule['iface'] as string);
  }
  if (values.counters !== undefined) rule['counters'] = values.counters;
  if (values.perMinute !== undefined) rule['perMinute'] = number('--per-minute', values.perMinute);
  if (values.minutes !== undefined) rule['minutes'] = number('--minutes', values.minutes);
  if (values.bytesPerDay !== undefined) rule['bytesPerDay'] = parseBytes(values.bytesPerDay);
}

/** Defaults a new rule of each kind gets for the thresholds not given. */
const DEFAULTS: Record<AlertKind, Record<string, unknown>> = {
  'interface-problems': { counters: 'either' },
  'peer-offline': {},
  'server-unreachable': { minutes: 5 },
  'ping-loss': { minutes: 0 },
  'peer-traffic': {},
};

export async function add(ctx: CliContext, values: AlertOptions, kind: string): Promise<number> {
  const rule: Record<string, unknown> = { kind, ...DEFAULTS[kind as AlertKind] };
  if (values.disabled) rule['enabled'] = false;
  await applyFlags(ctx, rule, values);
  const checked = newAlertRuleSchema.safeParse(rule);
  if (!checked.success) throw new UsageError(`${kind}: ${problem(checked.error.issues)}`);
  const saved = await ctx.engine.handlers['alert:add'](checked.data);
  if (values.json) ctx.out(JSON.stringify(saved, null, 2));
  else ctx.out(`Added alert rule ${saved.id}: ${describe(saved)}`);
  return EXIT.ok;
}

/** The first problem zod found, in the flag's words. */
function problem(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  const FLAG: Record<string, string> = {
    server: '--server',
    iface: '--interface',
    publicKey: '--peer',
    perMinute: '--per-minute',
    minutes: '--minutes',
    bytesPerDay: '--bytes-per-day',
    counters: '--counters',
  };
  const issue = issues[0]!;
  const field = String(issue.path[0] ?? '');
  return FLAG[field] ? `${FLAG[field]}: ${issue.message}` : issue.message;
}

async function find(ctx: CliContext, id: string): Promise<AlertRule> {
  const rule = (await ctx.engine.handlers['alert:list']()).find((r) => r.id === id);
  if (!rule) throw new UsageError(`No alert rule with id "${id}". wgdeck alert list shows the ids`);
  return rule;
}

export async function edit(ctx: CliContext, values: AlertOptions, id: string): Promise<number> {
  if (values.enable && values.disable) throw new UsageError('--enable and --disable exclude each other');
  const rule: Record<string, unknown> = { ...(await find(ctx, id)) };
  await applyFlags(ctx, rule, values);
  if (values.enable) rule['enabled'] = true;
  if (values.disable) rule['enabled'] = false;
  const checked = alertRuleSchema.safeParse(rule);
  if (!checked.success) throw new UsageError(problem(checked.error.issues));
  const saved = await ctx.engine.handlers['alert:update'](checked.data);
  if (values.json) ctx.out(JSON.stringify(saved, null, 2));
  else ctx.out(`Updated alert rule ${id}: ${describe(saved)}`);
  return EXIT.ok;
}

/** A rule in one line: kind, scope, threshold, state. */
export function describe(rule: AlertRule, nowMs = Date.now()): string {
  const scope = [
    rule.server ?? 'every server',
    'iface' in rule ? rule.iface : undefined,
    'publicKey' in rule && rule.publicKey ? shortKey(rule.publicKey) : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const threshold =
    rule.kind === 'interface-problems'
      ? `${rule.counters === 'either' ? 'errors or drops' : rule.counters} > ${rule.perMinute}/min`
      : rule.kind === 'peer-traffic'
        ? `> ${formatBytes(rule.bytesPerDay)}/day`
        : rule.minutes === 0
          ? 'at once'
          : `for ${rule.minutes} min`;
  const state = !rule.enabled
    ? ', disabled'
    : rule.snoozedUntil === null || rule.snoozedUntil * 1000 <= nowMs
      ? ''
      : rule.snoozedUntil >= SNOOZE_UNTIL_CLEARED
        ? ', snoozed until cleared'
        : `, snoozed until ${formatDateTime(rule.snoozedUntil * 1000)}`;
  return `${ALERT_KIND_LABEL[rule.kind]} (${scope}) ${threshold}${state}`;
}

export async function list(ctx: CliContext, values: { json?: true }): Promise<number> {
  const rules = await ctx.engine.handlers['alert:list']();
  if (values.json) ctx.out(JSON.stringify({ rules }, null, 2));
  else if (rules.length === 0) ctx.out('No alert rules yet. Add one: wgdeck alert add server-unreachable');
  else for (const rule of rules) ctx.out(`${rule.id}\t${describe(rule)}`);
  return EXIT.ok;
}

export async function remove(ctx: CliContext, id: string): Promise<number> {
  await ctx.engine.handlers['alert:remove'](id);
  ctx.out(`Removed alert rule ${id}.`);
  return EXIT.ok;
}

export async function snooze(ctx: CliContext, values: SnoozeOptions, id: string): Promise<number> {
  const given = [values.for !== undefined, values.untilCleared, values.off].filter(Boolean).length;
  if (given !== 1) throw new UsageError('give one of --for AGE, --until-cleared or --off');
  const how = values.off ? null : values.untilCleared ? 'until-cleared' : parseFor(values.for!);
  if (typeof how === 'number' && how < 60) throw new UsageError('--for is at least 1m');
  const saved = await ctx.engine.handlers['alert:snooze'](id, how);
  if (values.json) ctx.out(JSON.stringify(saved, null, 2));
  else ctx.out(`${how === null ? 'Unsnoozed' : 'Snoozed'} alert rule ${id}: ${describe(saved)}`);
  return EXIT.ok;
}
