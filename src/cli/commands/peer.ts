import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { methodSchemas } from '../../shared/api.ts';
import type { ApplyResult, ChangeRequest, ClientOptions, PeerOperation } from '../../shared/peer-ops.ts';
import type { PeerChangeRequest, PeerEdit } from '../../shared/peers.ts';
import { clientConfigQrTerminal } from '../../main/core/peers/client-config.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';
import { confirm, interactive } from '../prompt.ts';
import { UsageError } from '../usage-error.ts';

export const PEER_HELP = `  peer list    --server S --interface I [--json]
  peer add     --server S --interface I --name N [--allowed-ips auto|CIDR,...]
               [--keepalive N] [--psk] [--public-key KEY] [--client-config FILE]
               [--qr] [--dns A,B] [--mtu N] [--client-allowed-ips CIDR,...]
               [--endpoint HOST]
  peer edit    --server S --interface I --peer KEY_OR_NAME [--name N]
               [--allowed-ips CIDR,...] [--keepalive N|off]
               [--rotate-psk | --remove-psk]
  peer disable|enable|remove --server S --interface I --peer KEY_OR_NAME
  peer restore --server S --interface I --backup ID  (ids: wgdeck peer list)
    all but list: [--confirm-timeout N] [--dry-run] [--restart] [--yes] [--json]
    --dry-run prints the plan and changes nothing; --restart applies by
    restarting the interface (every session drops; asks first); remove and
    --restart ask unless --yes.`;

/** Every peer command. */
const TARGET = {
  server: { type: 'string' },
  interface: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

/** Every command that changes something. */
const CHANGE = {
  'confirm-timeout': { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  restart: { type: 'boolean', default: false },
  yes: { type: 'boolean', default: false },
} as const;

const PEER = { peer: { type: 'string' } } as const;

/** Each subcommand's own flags: `peer list --qr` is refused, not silently ignored. */
const SUB_OPTIONS = {
  list: {},
  add: {
    name: { type: 'string' },
    'allowed-ips': { type: 'string' },
    keepalive: { type: 'string' },
    psk: { type: 'boolean', default: false },
    'public-key': { type: 'string' },
    'client-config': { type: 'string' },
    qr: { type: 'boolean', default: false },
    dns: { type: 'string' },
    mtu: { type: 'string' },
    'client-allowed-ips': { type: 'string' },
    endpoint: { type: 'string' },
  },
  edit: {
    ...PEER,
    name: { type: 'string' },
    'allowed-ips': { type: 'string' },
    keepalive: { type: 'string' },
    'rotate-psk': { type: 'boolean', default: false },
    'remove-psk': { type: 'boolean', default: false },
  },
  disable: PEER,
  enable: PEER,
  remove: PEER,
  restore: { backup: { type: 'string' } },
} as const;

type Sub = keyof typeof SUB_OPTIONS;
type AllOptions = typeof TARGET &
  typeof CHANGE &
  (typeof SUB_OPTIONS)['add'] &
  (typeof SUB_OPTIONS)['edit'] &
  (typeof SUB_OPTIONS)['restore'];
/** What any subcommand may have set (each parses only its own flags; the rest stay undefined). */
type Values = Partial<ReturnType<typeof parseArgs<{ args: string[]; options: AllOptions }>>['values']>;

function isSub(sub: string): sub is Sub {
  return Object.hasOwn(SUB_OPTIONS, sub);
}

function parse(sub: Sub, args: string[]): Values {
  const options = sub === 'list' ? TARGET : { ...TARGET, ...CHANGE, ...SUB_OPTIONS[sub] };
  return parseArgs({ args, allowPositionals: false, options }).values;
}

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

function keepalive(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'off' || text === '0') return null;
  return integer(text, '--keepalive');
}

function need(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required: ${usage}`);
  return value;
}

function operationFor(sub: string, v: Values): PeerOperation {
  const peer = (): string =>
    need(v.peer, '--peer', `wgdeck peer ${sub} --server S --interface I --peer KEY_OR_NAME`);
  let change: PeerChangeRequest;
  switch (sub) {
    case 'add': {
      const ips = v['allowed-ips'];
      change = {
        action: 'add',
        draft: {
          name: need(v.name, '--name', 'wgdeck peer add --server S --interface I --name N'),
          allowedIps: ips === undefined || ips === 'auto' ? 'auto' : (list(ips) ?? []),
          persistentKeepalive: keepalive(v.keepalive) ?? null,
          presharedKey: v.psk === true,
          ...(v['public-key'] !== undefined ? { publicKey: v['public-key'] } : {}),
        },
      };
      break;
    }
    case 'edit': {
      if (v['rotate-psk'] && v['remove-psk']) throw new UsageError('use either --rotate-psk or --remove-psk');
      const edit: PeerEdit = {};
      if (v.name !== undefined) edit.name = v.name;
      if (v['allowed-ips'] !== undefined) edit.allowedIps = list(v['allowed-ips']);
      const k = keepalive(v.keepalive);
      if (k !== undefined) edit.persistentKeepalive = k;
      if (v['rotate-psk']) edit.presharedKey = 'rotate';
      if (v['remove-psk']) edit.presharedKey = 'remove';
      if (Object.keys(edit).length === 0)
        throw new UsageError(
          'nothing to edit: give --name, --allowed-ips, --keepalive, --rotate-psk or --remove-psk',
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
      return {
        kind: 'restore',
        backup: need(v.backup, '--backup', 'wgdeck peer restore --server S --interface I --backup ID'),
      };
    default:
      throw new UsageError(
        `unknown peer command "${sub}" (list, add, edit, disable, enable, remove, restore)`,
      );
  }
  return { kind: 'changes', changes: [change] };
}

function clientOptions(v: Values): ClientOptions | undefined {
  if (
    v.dns === undefined &&
    v.mtu === undefined &&
    v['client-allowed-ips'] === undefined &&
    v.endpoint === undefined
  ) {
    return undefined;
  }
  return {
    dns: list(v.dns) ?? [],
    mtu: integer(v.mtu, '--mtu') ?? null,
    allowedIps: list(v['client-allowed-ips']) ?? ['0.0.0.0/0', '::/0'],
    ...(v.endpoint !== undefined ? { endpointHost: v.endpoint } : {}),
  };
}

/** Shared by `peer` and `drift --reconcile`: preview (dry run) or apply, with progress on stderr. */
export async function runOperation(
  ctx: CliContext,
  target: { server: string; iface: string },
  operation: PeerOperation,
  v: { 'confirm-timeout'?: string; 'dry-run'?: boolean; restart?: boolean; yes?: boolean; json?: boolean },
  client?: ClientOptions,
  askFirst = false,
): Promise<ApplyResult | null> {
  const timeout = integer(v['confirm-timeout'], '--confirm-timeout');
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
  if (v['dry-run']) {
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

async function listPeers(
  ctx: CliContext,
  v: Values,
  target: { server: string; iface: string },
): Promise<number> {
  const view = await ctx.engine.handlers['peers:read'](target.server, target.iface);
  if (v.json) {
    ctx.out(JSON.stringify(view, null, 2));
    return EXIT.ok;
  }
  ctx.out(`${view.configPath}: ${view.peers.length} peers${view.live ? '' : ` (${target.iface} is not up)`}`);
  for (const peer of view.peers) {
    ctx.out(
      `  ${peer.disabled ? 'disabled' : 'enabled '} ${peer.publicKey}  ${(peer.name ?? '-').padEnd(20)} ${peer.allowedIps.join(',')}` +
        `${peer.persistentKeepalive ? `  keepalive ${peer.persistentKeepalive}` : ''}${peer.hasPresharedKey ? '  psk' : ''}`,
    );
  }
  if (view.saveConfig)
    ctx.out('  ! SaveConfig = true: wg-quick down rewrites this file (wgdeck cannot keep names there)');
  if (view.drift && !view.drift.inSync)
    ctx.out(`  ! drift between the file and the live interface: wgdeck drift --server ${target.server}`);
  ctx.out(`Backups (newest first): ${view.backups.map((b) => b.id).join(', ') || 'none'}`);
  return EXIT.ok;
}

export async function peerCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub) throw new UsageError(`usage:\n${PEER_HELP}`);
  if (!isSub(sub)) {
    throw new UsageError(`unknown peer command "${sub}" (list, add, edit, disable, enable, remove, restore)`);
  }
  const v = parse(sub, rest);
  const target = {
    server: need(v.server, '--server', `wgdeck peer ${sub} --server S --interface I ...`),
    iface: need(v.interface, '--interface', `wgdeck peer ${sub} --server S --interface I ...`),
  };
  if (sub === 'list') return listPeers(ctx, v, target);
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
    if (v['client-config'] !== undefined) {
      // 0600 and never over an existing file: it holds the client's private key.
      await writeFile(v['client-config'], peer.text, { mode: 0o600, flag: 'wx' });
      ctx.err(
        `Client config written to ${v['client-config']} (0600). Its private key is not kept anywhere else.`,
      );
    } else if (!v.json) {
      ctx.err('Client config (shown once: the private key is not kept anywhere else):');
      ctx.out(peer.text.trimEnd());
    }
    if (v.qr) ctx.outVerbatim(await clientConfigQrTerminal(peer.text)); // our own colour codes
  }
  return EXIT.ok;
}
