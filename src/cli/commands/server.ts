import { STATUS_RULES, statusRuleSchema, type StatusRule } from '../../shared/domain.ts';
import type { AddServerResult } from '../../shared/api.ts';
import type { ServerConfig } from '../../shared/server-config.ts';
import { WgDeckError, errorCode } from '../../main/core/errors.ts';
import { HostKeyError, formatHostPort } from '../../main/core/ssh/host-key-policy.ts';
import { localUser, type CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { confirm, interactive } from '../prompt.ts';
import { UsageError } from '../usage-error.ts';

function toPort(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d{1,5}$/.test(text)) throw new UsageError(`--port must be a number, got "${text}"`);
  return Number(text);
}

function toInterval(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,3}$/.test(text)) throw new UsageError(`--interval must be whole seconds, got "${text}"`);
  return Number(text);
}

function toCount(text: string): number {
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1)
    throw new UsageError(`--max-peers must be a whole number from 1, got "${text}"`);
  return Number(text);
}

function toWeight(text: string): number {
  if (!/^\d{1,4}(\.\d{1,3})?$/.test(text) || Number(text) <= 0)
    throw new UsageError(`--weight must be a number above 0 (e.g. 1, 2, 0.5), got "${text}"`);
  return Number(text);
}

export type AddOptions = {
  host: string;
  port?: string;
  user?: string;
  identity?: string;
  jump?: string;
  sudo?: true;
  group?: string;
  maxPeers?: string;
  weight?: string;
  statusRule?: string;
  interval?: string;
  configPath?: string[];
  acceptNew?: true;
  json?: true;
};

/** The settings `server add` and `server edit` take, in one place. */
type SettingOptions = Omit<AddOptions, 'host' | 'acceptNew' | 'json' | 'sudo'> & {
  host?: string;
  sudo?: boolean;
};

function toStatusRule(text: string): StatusRule {
  const rule = statusRuleSchema.safeParse(text);
  if (!rule.success)
    throw new UsageError(`--status-rule is ${STATUS_RULES.join(', ')} or none, got "${text}"`);
  return rule.data;
}

/** `--jump none`, `--identity none`, `--group none` …: drop the setting (an edit can take one away). */
const NONE = 'none';

/** `server` with the given options applied over it: what add builds from scratch and edit changes. */
function applySettings(server: ServerConfig, values: SettingOptions): ServerConfig {
  const next: ServerConfig = { ...server };
  if (values.host !== undefined) next.host = values.host;
  if (values.port !== undefined) next.port = toPort(values.port, server.port);
  if (values.user !== undefined) next.user = values.user;
  if (values.sudo !== undefined) next.sudo = values.sudo;
  for (const key of ['identity', 'jump', 'group'] as const) {
    const value = values[key];
    if (value === undefined) continue;
    const field = key === 'identity' ? 'identityFile' : key;
    if (value === NONE) delete next[field];
    else next[field] = value;
  }
  if (values.maxPeers === NONE) delete next.maxPeers;
  else if (values.maxPeers !== undefined) next.maxPeers = toCount(values.maxPeers);
  if (values.weight === NONE) delete next.weight;
  else if (values.weight !== undefined) next.weight = toWeight(values.weight);
  if (values.statusRule === NONE) delete next.statusRule;
  else if (values.statusRule !== undefined) next.statusRule = toStatusRule(values.statusRule);
  const interval = toInterval(values.interval);
  if (interval !== undefined) next.intervalSeconds = interval;
  for (const entry of values.configPath ?? []) {
    const at = entry.indexOf('=');
    if (at < 1) throw new UsageError(`--config-path is IFACE=/path/IFACE.conf, got "${entry}"`);
    next.configPaths = { ...next.configPaths, [entry.slice(0, at)]: entry.slice(at + 1) };
  }
  return next;
}

/**
 * `server:add`, trusting on first use interactively: an unknown host key is shown and, if the admin
 * agrees, exactly that key is pinned. null when the admin said no (the server was not added).
 */
export async function addTrusting(
  ctx: CliContext,
  server: ServerConfig,
  acceptNew: boolean,
): Promise<AddServerResult | null> {
  const attempt = (acceptFingerprint?: string) =>
    ctx.engine.handlers['server:add']({ server, acceptNew, acceptFingerprint });
  // Behind a jump chain each new key (every jump host's, then the server's) is its own question, in
  // the order they are met; the keys agreed to before stay pinned by the gate.
  for (let accepted: string | undefined; ;) {
    try {
      return await attempt(accepted);
    } catch (error) {
      if (
        !(error instanceof HostKeyError) ||
        errorCode(error) !== 'HOST_KEY_UNKNOWN' ||
        error.fingerprint === accepted ||
        !interactive()
      )
        throw error;
      ctx.err(error.message);
      const where = formatHostPort(error.host, error.port);
      if (!(await confirm(`Trust ${error.keyType} key ${error.fingerprint} for ${where}?`))) {
        ctx.err(
          accepted === undefined
            ? 'Not trusted; nothing was saved.'
            : 'Not trusted; the server was not added (the keys trusted before it stay pinned).',
        );
        return null;
      }
      accepted = error.fingerprint;
    }
  }
}

export async function add(ctx: CliContext, values: AddOptions, name: string): Promise<number> {
  const server = applySettings(
    { name, host: values.host, port: 22, user: localUser(), sudo: false },
    { ...values, sudo: values.sudo === true },
  );

  const result = await addTrusting(ctx, server, values.acceptNew === true);
  if (!result) return EXIT.hostKeyUnknown;
  if (values.json) ctx.out(JSON.stringify(result, null, 2));
  else printAdded(ctx, result);
  return EXIT.ok;
}

/** What `server add` says about a server it added. */
export function printAdded(ctx: CliContext, result: AddServerResult): void {
  ctx.out(`Added ${result.server.name} (${result.server.user}@${result.server.host}:${result.server.port}).`);
  ctx.out(`Host key: ${result.hostKey.keyType} ${result.hostKey.fingerprint}`);
  ctx.out(`WireGuard interfaces: ${result.interfaces.join(', ')}`);
}

export type EditOptions = SettingOptions & { json?: true };

/** Change a server's settings; the ones not given stay. A running app reconnects it with them. */
export async function edit(ctx: CliContext, values: EditOptions, name: string): Promise<number> {
  const servers = await ctx.engine.handlers['server:list']();
  const current = servers.find((s) => s.name === name);
  if (!current) throw new WgDeckError('NO_SUCH_SERVER', `No server named "${name}".`);
  const next = applySettings(current, values);
  const changed = (Object.keys({ ...current, ...next }) as (keyof ServerConfig)[]).filter(
    (key) => JSON.stringify(current[key]) !== JSON.stringify(next[key]),
  );
  if (changed.length === 0) {
    ctx.err(`Nothing to change: give a setting to change (see wgdeck server edit --help).`);
    return EXIT.usage;
  }
  const saved = await ctx.engine.handlers['server:update'](next);
  if (values.json) ctx.out(JSON.stringify(saved, null, 2));
  else {
    ctx.out(`Updated ${name}: ${changed.join(', ')}.`);
    if (changed.includes('host') || changed.includes('port') || changed.includes('jump'))
      ctx.out('A new address asks for its host key again on the next connection (wgdeck server trust).');
  }
  return EXIT.ok;
}

export async function list(ctx: CliContext, values: { json?: true }): Promise<number> {
  const servers = await ctx.engine.handlers['server:list']();
  if (values.json) {
    ctx.out(JSON.stringify({ servers }, null, 2));
    return EXIT.ok;
  }
  if (servers.length === 0) {
    ctx.out('No servers yet. Add one: wgdeck server add NAME --host HOST');
    return EXIT.ok;
  }
  for (const s of servers) {
    const extras = [s.sudo ? 'sudo' : '', s.jump ? `via ${s.jump}` : '', s.group ? `group ${s.group}` : '']
      .filter(Boolean)
      .join(', ');
    ctx.out(`${s.name}\t${s.user}@${s.host}:${s.port}${extras ? `\t(${extras})` : ''}`);
  }
  return EXIT.ok;
}

export async function remove(ctx: CliContext, name: string): Promise<number> {
  await ctx.engine.handlers['server:remove'](name);
  ctx.out(`Removed ${name}.`);
  return EXIT.ok;
}

/** Deliberately re-trust a server whose host key changed, after comparing fingerprints out of band. */
export async function trust(
  ctx: CliContext,
  values: { fingerprint?: string },
  name: string,
): Promise<number> {
  let fingerprint = values.fingerprint;
  if (!fingerprint) {
    const probe = await ctx.engine.handlers['server:probeHostKey'](name);
    if (probe.verdict === 'trusted') {
      ctx.out(`${name}'s host key ${probe.key?.fingerprint ?? ''} is already trusted.`);
      return EXIT.ok;
    }
    if (!probe.key) throw new WgDeckError('UNREACHABLE', probe.message ?? `Could not reach ${name}.`);
    ctx.err(probe.message ?? '');
    if (!interactive()) {
      ctx.err(
        `After checking it out of band, run: wgdeck server trust ${name} --replace --fingerprint ${probe.key.fingerprint}`,
      );
      return EXIT.hostKeyChanged;
    }
    if (!(await confirm(`Replace the pinned key of ${name} with ${probe.key.fingerprint}?`)))
      return EXIT.hostKeyChanged;
    fingerprint = probe.key.fingerprint;
  }
  const key = await ctx.engine.handlers['server:retrust'](name, fingerprint);
  ctx.out(`Now trusting ${key.keyType} ${key.fingerprint} for ${name}.`);
  return EXIT.ok;
}
