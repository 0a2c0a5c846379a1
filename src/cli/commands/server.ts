import type { ServerConfig } from '../../shared/server-config.ts';
import { WgDeckError, errorCode } from '../../main/core/errors.ts';
import { HostKeyError } from '../../main/core/ssh/host-key-policy.ts';
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

export type AddOptions = {
  host: string;
  port?: string;
  user?: string;
  identity?: string;
  jump?: string;
  sudo?: true;
  group?: string;
  interval?: string;
  configPath?: string[];
  acceptNew?: true;
  json?: true;
};

export async function add(ctx: CliContext, values: AddOptions, name: string): Promise<number> {
  const server: ServerConfig = {
    name,
    host: values.host,
    port: toPort(values.port, 22),
    user: values.user ?? localUser(),
    sudo: values.sudo === true,
  };
  if (values.identity) server.identityFile = values.identity;
  if (values.jump) server.jump = values.jump;
  if (values.group) server.group = values.group;
  const interval = toInterval(values.interval);
  if (interval !== undefined) server.intervalSeconds = interval;
  for (const entry of values.configPath ?? []) {
    const at = entry.indexOf('=');
    if (at < 1) throw new UsageError(`--config-path is IFACE=/path/IFACE.conf, got "${entry}"`);
    server.configPaths = { ...server.configPaths, [entry.slice(0, at)]: entry.slice(at + 1) };
  }

  const attempt = (acceptFingerprint?: string) =>
    ctx.engine.handlers['server:add']({ server, acceptNew: values.acceptNew === true, acceptFingerprint });
  let result;
  try {
    result = await attempt();
  } catch (error) {
    // Trust on first use, interactively: show the fingerprint, pin exactly that key if the admin agrees.
    if (!(error instanceof HostKeyError) || errorCode(error) !== 'HOST_KEY_UNKNOWN' || !interactive())
      throw error;
    ctx.err(error.message);
    if (
      !(await confirm(`Trust ${error.keyType} key ${error.fingerprint} for ${server.host}:${server.port}?`))
    ) {
      ctx.err('Not trusted; nothing was saved.');
      return EXIT.hostKeyUnknown;
    }
    result = await attempt(error.fingerprint);
  }
  if (values.json) {
    ctx.out(JSON.stringify(result, null, 2));
  } else {
    ctx.out(
      `Added ${result.server.name} (${result.server.user}@${result.server.host}:${result.server.port}).`,
    );
    ctx.out(`Host key: ${result.hostKey.keyType} ${result.hostKey.fingerprint}`);
    ctx.out(`WireGuard interfaces: ${result.interfaces.join(', ')}`);
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
