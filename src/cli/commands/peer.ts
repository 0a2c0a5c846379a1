import type { StatusRule } from '../../shared/domain.ts';
import {
  parseStatusRule,
  parseThresholdsText,
  THRESHOLDS_RULE,
  type PeerThresholds,
} from '../../shared/peer-options.ts';
import { writeFile } from 'node:fs/promises';
import { methodSchemas } from '../../shared/api.ts';
import type { ApplyResult, ChangeRequest, ClientOptions, PeerOperation } from '../../shared/peer-ops.ts';
import type { PeerChangeRequest, PeerEdit } from '../../shared/peers.ts';
import { clientConfigQrTerminal } from '../../main/core/peers/client-config.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { confirm, interactive } from '../prompt.ts';
import { lifecycleEdit } from '../lifecycle-flags.ts';
import { peerListJson, renderPeerList } from '../peer-list-view.ts';
import { UsageError } from '../usage-error.ts';
import { WgDeckError } from '../../main/core/errors.ts';

/** Flags any peer command may have (each declares only its own; the rest stay undefined). */
export type Values = {
  server: string;
  interface: string;
  json?: true;
  confirmTimeout?: string;
  dryRun?: true;
  restart?: true;
  yes?: true;
  peer?: string;
  name?: string;
  allowedIps?: string;
  keepalive?: string;
  checkAddress?: string;
  statusRule?: string;
  thresholds?: string;
  quota?: string;
  expires?: string;
  schedule?: string;
  psk?: true;
  publicKey?: string;
  clientConfig?: string;
  qr?: true;
  dns?: string;
  mtu?: string;
  clientAllowedIps?: string;
  endpoint?: string;
  rotatePsk?: true;
  removePsk?: true;
  backup?: string;
  group?: string;
};

/** `peer add --server auto`: the server placement ranks first. */
const AUTO = 'auto';

export type Change = 'add' | 'edit' | 'disable' | 'enable' | 'remove' | 'restore';

const list = (text: string | undefined): string[] | undefined =>
  text === undefined
    ? undefined
    : text
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter((s) => s !== '');

function integer(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,6}$/.test(text)) throw new UsageError(`${flag} must be a whole number, got "${text}"`);
  return Number(text);
}

function statusRule(text: string): StatusRule {
  const rule = parseStatusRule(text);
  if (rule === null) throw new UsageError(`--status-rule is handshake, ping, either or none, got "${text}"`);
  return rule;
}

function thresholds(text: string): PeerThresholds {
  const parsed = parseThresholdsText(text);
  if (parsed === null) throw new UsageError(`--thresholds: ${THRESHOLDS_RULE}, or none; got "${text}"`);
  return parsed;
}

function keepalive(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'off' || text === '0') return null;
  return integer(text, '--keepalive');
}

function operationFor(sub: Change, v: Values): PeerOperation {
  // Commander has checked the flags each of them requires (--name, --peer, --backup).
  const peer = (): string => v.peer!;
  let change: PeerChangeRequest;
  switch (sub) {
    case 'add': {
      const ips = v.allowedIps;
      change = {
        action: 'add',
        draft: {
          name: v.name!,
          allowedIps: ips === undefined || ips === 'auto' ? 'auto' : (list(ips) ?? []),
          persistentKeepalive: keepalive(v.keepalive) ?? null,
          presharedKey: v.psk === true,
          ...(v.publicKey !== undefined ? { publicKey: v.publicKey } : {}),
        },
      };
      break;
    }
    case 'edit': {
      if (v.rotatePsk && v.removePsk) throw new UsageError('use either --rotate-psk or --remove-psk');
      const edit: PeerEdit = {};
      if (v.name !== undefined) edit.name = v.name;
      if (v.allowedIps !== undefined) edit.allowedIps = list(v.allowedIps);
      const k = keepalive(v.keepalive);
      if (k !== undefined) edit.persistentKeepalive = k;
      if (v.rotatePsk) edit.presharedKey = 'rotate';
      if (v.removePsk) edit.presharedKey = 'remove';
      if (v.checkAddress !== undefined) edit.checkAddress = v.checkAddress === 'none' ? null : v.checkAddress;
      if (v.statusRule !== undefined)
        edit.statusRule = v.statusRule === 'none' ? null : statusRule(v.statusRule);
      if (v.thresholds !== undefined)
        edit.statusThresholds = v.thresholds === 'none' ? null : thresholds(v.thresholds);
      Object.assign(edit, lifecycleEdit(v));
      if (Object.keys(edit).length === 0)
        throw new UsageError(
          'nothing to edit: give --name, --allowed-ips, --keepalive, --check-address, --status-rule, ' +
            '--thresholds, --quota, --expires, --schedule, --rotate-psk or --remove-psk',
        );
      change = { action: 'edit', peer: peer(), edit };
      break;
    }
    case 'disable':
    case 'enable':
    case 'remove':
      change = { action: sub, peer: peer() };
      break;
    case 'restore':
      return { kind: 'restore', backup: v.backup! };
  }
  return { kind: 'changes', changes: [change] };
}

function clientOptions(v: Values): ClientOptions | undefined {
  if (
    v.dns === undefined &&
    v.mtu === undefined &&
    v.clientAllowedIps === undefined &&
    v.endpoint === undefined
  ) {
    return undefined;
  }
  return {
    dns: list(v.dns) ?? [],
    mtu: integer(v.mtu, '--mtu') ?? null,
    allowedIps: list(v.clientAllowedIps) ?? ['0.0.0.0/0', '::/0'],
    ...(v.endpoint !== undefined ? { endpointHost: v.endpoint } : {}),
  };
}

/** Shared by `peer` and `drift --reconcile`: preview (dry run) or apply, with progress on stderr. */
export async function runOperation(
  ctx: CliContext,
  target: { server: string; iface: string },
  operation: PeerOperation,
  v: { confirmTimeout?: string; dryRun?: boolean; restart?: boolean; yes?: boolean; json?: boolean },
  client?: ClientOptions,
  askFirst = false,
): Promise<ApplyResult | null> {
  const timeout = integer(v.confirmTimeout, '--confirm-timeout');
  const request: ChangeRequest = {
    server: target.server,
    iface: target.iface,
    operation,
    ...(client ? { client } : {}),
    ...(timeout !== undefined ? { confirmTimeoutSeconds: timeout } : {}),
    ...(v.restart ? { restart: true } : {}),
  };
  const [checked] = methodSchemas['peers:change'].parse([request]);
  const handlers = ctx.engine.handlers;
  if (v.dryRun) {
    const {
      client: _client,
      confirmTimeoutSeconds: _t,
      restart: _r,
      keepPrivateKeys: _k,
      ...preview
    } = checked;
    const result = await handlers['peers:preview'](preview);
    await handlers['peers:discard'](result.planId);
    if (v.json) ctx.out(JSON.stringify(result.preview, null, 2));
    else ctx.out(result.preview.summary.trimEnd());
    return null;
  }
  if ((askFirst || v.restart) && !v.yes) {
    if (!interactive())
      throw new UsageError('this change needs confirmation: add --yes (or run it in a terminal)');
    const question = v.restart
      ? `Restart ${target.iface} on ${target.server}? Every session on it drops while it restarts.`
      : `Apply this change to ${target.iface} on ${target.server}?`;
    if (!(await confirm(question))) {
      ctx.err('Nothing changed.');
      return null;
    }
  }
  const off = ctx.engine.subscribe('peers:tx', (event) => {
    if (v.json) return;
    const left =
      event.rollbackAt === null
        ? ''
        : ` (rollback in ${Math.max(0, Math.round((event.rollbackAt - Date.now()) / 1000))} s unless confirmed)`;
    ctx.err(`${event.phase}: ${event.message}${event.phase === 'confirmed' ? '' : left}`);
  });
  try {
    return await handlers['peers:change'](checked);
  } finally {
    off();
  }
}

export async function listPeers(
  ctx: CliContext,
  v: Values,
  target: { server: string; iface: string },
): Promise<number> {
  const view = await ctx.engine.handlers['peers:read'](target.server, target.iface);
  if (v.json) {
    ctx.out(JSON.stringify(peerListJson(view), null, 2));
    return EXIT.ok;
  }
  for (const text of renderPeerList(view, { width: ctx.columns(), now: Date.now() })) ctx.out(text);
  return EXIT.ok;
}

/** The server `--server auto --group G` means: placement's choice, said on stderr with its score. */
async function placeNew(ctx: CliContext, v: Values): Promise<string> {
  if (v.group === undefined) throw new UsageError('--server auto needs --group G (see wgdeck placement)');
  const ranking = await ctx.engine.handlers['placement:rank'](v.group);
  const best = ranking.servers[0];
  if (ranking.chosen === null || !best) {
    const why = ranking.servers.map((s) => `${s.name}: ${s.reason ?? 'not eligible'}`).join('; ');
    throw new WgDeckError(
      'NO_PLACEMENT',
      `No server in group ${v.group} can take a new peer${why ? ` (${why})` : ': it has no servers'}.`,
    );
  }
  ctx.err(
    `Placement chose ${best.name} in group ${v.group}: score ${best.score} ` +
      `(base ${best.base} + CPU ${best.cpuPenalty} + memory ${best.memoryPenalty}).`,
  );
  return best.name;
}

export async function change(ctx: CliContext, sub: Change, v: Values): Promise<number> {
  if (v.group !== undefined && v.server !== AUTO) throw new UsageError('--group goes with --server auto');
  const server = sub === 'add' && v.server === AUTO ? await placeNew(ctx, v) : v.server;
  const target = { server, iface: v.interface };
  const client = sub === 'add' ? clientOptions(v) : undefined;
  const result = await runOperation(ctx, target, operationFor(sub, v), v, client, sub === 'remove');
  if (result === null) return EXIT.ok;
  if (v.json) {
    ctx.out(JSON.stringify({ ...result, clients: result.clients.map(({ qrSvg: _q, ...c }) => c) }, null, 2));
  } else {
    ctx.out(result.preview.summary.trimEnd());
    ctx.out(
      result.outcome === 'confirmed'
        ? `Applied (tier ${result.tier}) and verified in ${result.verifiedAfterMs} ms; backup ${result.backup}.`
        : `Config file written (no live change)${result.backup ? `; backup ${result.backup}` : ''}.`,
    );
  }
  for (const rotated of result.rotatedKeys) {
    if (v.json) break;
    ctx.err(`New preshared key for ${rotated.name ?? rotated.publicKey} (shown once; the client needs it):`);
    ctx.out(rotated.presharedKey);
  }
  for (const peer of result.clients) {
    if (peer.text === null) continue;
    if (v.clientConfig !== undefined) {
      // 0600 and never over an existing file: it holds the client's private key.
      await writeFile(v.clientConfig, peer.text, { mode: 0o600, flag: 'wx' });
      ctx.err(
        `Client config written to ${v.clientConfig} (0600). Its private key is not kept anywhere else.`,
      );
    } else if (!v.json) {
      ctx.err('Client config (shown once: the private key is not kept anywhere else):');
      ctx.out(peer.text.trimEnd());
    }
    if (v.qr) ctx.outVerbatim(await clientConfigQrTerminal(peer.text)); // our own colour codes
  }
  return EXIT.ok;
}
