// Issue 15 in the CLI: `peer edit --quota/--expires/--schedule` (set, clear with none, refuse with the
// rule's words, exit 2 before any connection), the lifecycle fields of `status --json` (times in unix
// seconds) and `peer list --json`, and `peer list` laid out in 80 columns.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeContext } from '../../src/cli/context.ts';
import { displayWidth } from '../../src/cli/fit-table.ts';
import { lifecycleEdit } from '../../src/cli/lifecycle-flags.ts';
import { lifecycleLookup, namesLookup } from '../../src/cli/peer-filter.ts';
import { peerListJson, renderPeerList } from '../../src/cli/peer-list-view.ts';
import { runCli } from '../../src/cli/program.ts';
import { toStatusJson } from '../../src/cli/status-json.ts';
import { Engine } from '../../src/main/core/engine.ts';
import { NULL_RATES, type PeerLive, type PeerUsage, type ServerLive } from '../../src/shared/domain.ts';
import {
  EXPIRES_RULE,
  QUOTA_RULE,
  SCHEDULE_RULE,
  type PeerLifecycle,
} from '../../src/shared/peer-lifecycle.ts';
import type { ConfigPeerView, InterfaceConfigView, PeerNames } from '../../src/shared/peer-ops.ts';

const key = (i: number): string => Buffer.alloc(32, i).toString('base64');
const GIB = 1024 ** 3;
/** 2026-12-05T12:00Z */
const NOW = Date.UTC(2026, 11, 5, 12);
const DEC = { start: Date.UTC(2026, 11, 1), end: Date.UTC(2027, 0, 1) };

describe('peer edit --quota, --expires, --schedule', () => {
  afterEach(() => vi.restoreAllMocks());

  it('sets each from the rule`s spelling', () => {
    expect(
      lifecycleEdit({
        quota: '50GiB/month',
        expires: '2027-01-31',
        schedule: 'mon-fri 08:00-18:00 Europe/Berlin',
      }),
    ).toEqual({
      quota: { bytes: 50 * GIB, period: 'month', direction: 'both', reenable: true },
      expiresAt: Date.UTC(2027, 1, 1), // through the end of 31 January, UTC
      schedule: { days: [1, 2, 3, 4, 5], fromMinute: 480, toMinute: 1080, timeZone: 'Europe/Berlin' },
    });
    expect(lifecycleEdit({ quota: '2GiB/day rx manual', expires: '2027-01-31T18:00+01:00' })).toEqual({
      quota: { bytes: 2 * GIB, period: 'day', direction: 'rx', reenable: false },
      expiresAt: Date.UTC(2027, 0, 31, 17),
    });
  });

  it('clears each with none, and leaves out what is not given', () => {
    expect(lifecycleEdit({ quota: 'none', expires: 'none', schedule: 'none' })).toEqual({
      quota: null,
      expiresAt: null,
      schedule: null,
    });
    expect(lifecycleEdit({})).toEqual({});
    expect(lifecycleEdit({ expires: 'none' })).toEqual({ expiresAt: null });
  });

  it('refuses a bad value with the rule`s words', () => {
    expect(() => lifecycleEdit({ quota: '50 parsecs/month' })).toThrow(QUOTA_RULE);
    expect(() => lifecycleEdit({ quota: '50GiB/week' })).toThrow(/--quota: a quota is SIZE\/day/);
    expect(() => lifecycleEdit({ expires: '2027-02-30' })).toThrow(EXPIRES_RULE);
    expect(() => lifecycleEdit({ expires: '2027-01-31T18:00' })).toThrow(EXPIRES_RULE); // no zone
    expect(() => lifecycleEdit({ schedule: 'weekdays 8-18' })).toThrow(SCHEDULE_RULE);
    expect(() => lifecycleEdit({ schedule: 'mon-fri 08:00-18:00 Mars/Olympus' })).toThrow(
      /got "mon-fri 08:00-18:00 Mars\/Olympus"/,
    );
  });

  it('exits 2 with the rule before connecting to anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-lifecycle-'));
    let output = '';
    const collect = (chunk: string | Uint8Array): boolean => ((output += String(chunk)), true);
    // Usage errors and help go to the process's own streams; the context's are collected too.
    vi.spyOn(process.stderr, 'write').mockImplementation(collect);
    vi.spyOn(process.stdout, 'write').mockImplementation(collect);
    const ctx = makeContext(dataDir, new Engine({ dataDir, userKnownHostsPath: null }), {
      stdout: collect,
      stderr: collect,
    });
    const wgdeck = (...args: string[]) => runCli(args, { context: () => ctx });
    const edit = ['peer', 'edit', '--server', 'edge', '--interface', 'wg0', '--peer', 'alice'];
    expect(await wgdeck(...edit, '--quota', 'lots')).toBe(2);
    expect(output).toContain(`--quota: ${QUOTA_RULE}, or none; got "lots"`);
    output = '';
    expect(await wgdeck(...edit, '--expires', 'tomorrow')).toBe(2);
    expect(output).toContain(EXPIRES_RULE);
    output = '';
    expect(await wgdeck(...edit, '--schedule', 'always')).toBe(2);
    expect(output).toContain(SCHEDULE_RULE);
    output = '';
    expect(await wgdeck('peer', 'edit', '--help')).toBe(0);
    expect(output).toMatch(/--quota Q\|none +SIZE\/day/);
    expect(output).toMatch(/--expires DATE\|none /);
    expect(output).toMatch(/--schedule S\|none /);
    for (const helpLine of output.split('\n')) expect(displayWidth(helpLine)).toBeLessThanOrEqual(80);
  });
});

// --- status --json ----------------------------------------------------------------------------

function live(i: number, usage?: PeerUsage): PeerLive {
  return {
    publicKey: key(i),
    presharedKey: false,
    endpoint: `198.18.0.${i}:51820`,
    allowedIps: [`198.18.128.${i}/32`],
    latestHandshake: 1_764_936_000,
    rxBytes: 100,
    txBytes: 200,
    persistentKeepalive: null,
    status: 'online',
    rxRate: null,
    txRate: null,
    resets: 0,
    checkAddress: null,
    ping: null,
    ...(usage ? { usage } : {}),
  };
}

const RULES: PeerLifecycle = {
  quota: { bytes: 50 * GIB, period: 'month', direction: 'both', reenable: true },
  expiresAt: Date.UTC(2027, 1, 1),
  schedule: { days: [1, 2, 3, 4, 5], fromMinute: 480, toMinute: 1080, timeZone: 'Europe/Berlin' },
  disabledBy: null,
};

describe('status --json lifecycle fields', () => {
  const usage: PeerUsage = {
    bytes: 6 * GIB,
    limit: 50 * GIB,
    periodStart: DEC.start,
    resetsAt: DEC.end,
    periodKey: '2026-12',
  };
  const fleet: ServerLive[] = [
    {
      name: 'edge',
      host: '198.18.7.1',
      state: 'connected',
      droppedFrames: 0,
      interfaces: [
        {
          name: 'wg0',
          publicKey: key(0),
          listenPort: 51820,
          fwmark: null,
          counters: null,
          rates: { ...NULL_RATES },
          peers: [live(1, usage), live(2), live(3)],
        },
      ],
    } as unknown as ServerLive,
  ];
  const known: PeerNames[] = [
    {
      server: 'edge',
      iface: 'wg0',
      names: { [key(1)]: 'alice' },
      lifecycle: { [key(1)]: RULES, [key(2)]: { ...RULES, schedule: null, expiresAt: null } },
    },
  ];

  it('has quota, usage, expiry, schedule and why, times in unix seconds', () => {
    const json = toStatusJson(fleet, namesLookup(known), lifecycleLookup(known));
    const [alice, second, none] = json.servers[0]!.interfaces[0]!.peers;
    expect(alice).toMatchObject({
      name: 'alice',
      rxBytes: 100,
      quota: { bytes: 50 * GIB, period: 'month', direction: 'both', reenable: true, text: '50GiB/month' },
      usage: {
        bytes: 6 * GIB,
        limit: 50 * GIB,
        percent: 12,
        periodKey: '2026-12',
        periodStart: DEC.start / 1000,
        resetsAt: DEC.end / 1000,
      },
      expiresAt: Date.UTC(2027, 1, 1) / 1000,
      schedule: {
        days: [1, 2, 3, 4, 5],
        timeZone: 'Europe/Berlin',
        text: 'mon-fri 08:00-18:00 Europe/Berlin',
      },
      disabledBy: null,
    });
    // A quota but no usage in this process (a one-shot CLI records no history): null, not 0.
    expect(second).toMatchObject({
      quota: { text: '50GiB/month' },
      usage: null,
      expiresAt: null,
      schedule: null,
    });
    // No rules at all: every lifecycle field null, the others as before.
    expect(none).toMatchObject({ name: null, quota: null, usage: null, expiresAt: null, schedule: null });
    expect(Object.keys(none!)).toEqual([
      'publicKey',
      'name',
      'presharedKey',
      'endpoint',
      'allowedIps',
      'latestHandshake',
      'rxBytes',
      'txBytes',
      'persistentKeepalive',
      'status',
      'checkAddress',
      'ping',
      'quota',
      'usage',
      'expiresAt',
      'schedule',
      'disabledBy',
    ]);
  });

  it('without lifecycle rules known (an older caller) every lifecycle field is null', () => {
    const json = toStatusJson(fleet, namesLookup(known));
    expect(json.servers[0]!.interfaces[0]!.peers[0]).toMatchObject({ quota: null, usage: null });
  });
});

// --- peer list ----------------------------------------------------------------------------------

function filePeer(i: number, fields: Partial<ConfigPeerView>): ConfigPeerView {
  return {
    publicKey: key(i),
    name: null,
    allowedIps: [`198.18.128.${i}/32`],
    persistentKeepalive: null,
    endpoint: null,
    checkAddress: null,
    statusRule: null,
    statusThresholds: null,
    hasPresharedKey: false,
    disabled: false,
    quota: null,
    expiresAt: null,
    schedule: null,
    disabledBy: null,
    ...fields,
  };
}

const view = (peers: ConfigPeerView[]): InterfaceConfigView => ({
  server: 'edge',
  iface: 'wg0',
  configPath: '/etc/wireguard/wg0.conf',
  sha256: '0'.repeat(64),
  live: true,
  addresses: ['198.18.128.1/24'],
  publicKey: key(0),
  listenPort: 51820,
  saveConfig: false,
  peers,
  problems: [],
  drift: null,
  backups: [
    { id: 'wg0.conf.20261205T101502Z', takenAt: 0, bytes: 1 },
    { id: 'wg0.conf.20261204T101502Z', takenAt: 0, bytes: 1 },
    { id: 'wg0.conf.20261203T101502Z', takenAt: 0, bytes: 1 },
  ],
  pendingRollback: false,
  rollbackFailed: null,
});

const PEERS = [
  filePeer(1, {
    name: 'alice laptop',
    quota: RULES.quota,
    expiresAt: RULES.expiresAt,
    schedule: RULES.schedule,
    persistentKeepalive: 25,
    hasPresharedKey: true,
  }),
  filePeer(2, {
    name: 'bob phone',
    disabled: true,
    quota: { bytes: 2 * GIB, period: 'day', direction: 'rx', reenable: false },
    disabledBy: { reason: 'quota', period: '2026-12-05' },
  }),
  filePeer(3, {
    name: 'carol',
    expiresAt: Date.UTC(2026, 11, 1),
    disabled: true,
    disabledBy: { reason: 'expiry' },
  }),
  filePeer(4, { name: 'dave', disabled: true }),
  filePeer(5, {
    name: 'mallory \u001b[31mred and a name far longer than any column',
    allowedIps: ['198.18.128.5/32', '2001:2:0:1000::5/128'],
  }),
];

describe('peer list', () => {
  const usageOf = (k: string): PeerUsage | null =>
    k === key(1)
      ? { bytes: 6 * GIB, limit: 50 * GIB, periodStart: DEC.start, resetsAt: DEC.end, periodKey: '2026-12' }
      : null;

  it('fits 80 columns: quota and its use, expiry, why a peer is off', () => {
    const lines = renderPeerList(view(PEERS), { width: 80, now: NOW, usageOf });
    console.log(lines.join('\n'));
    for (const text of lines) expect(displayWidth(text), text).toBeLessThanOrEqual(80);
    expect(lines[0]).toBe('/etc/wireguard/wg0.conf: 5 peers');
    expect(lines[1]).toMatch(/^ {2}STATE +NAME +KEY +ALLOWED IPS +QUOTA +EXPIRES/);
    const rowOf = (name: string) => lines.find((l) => l.includes(name))!;
    expect(rowOf('alice')).toMatch(/^ {2}on +alice laptop .*12%·50GiB\/mo +2027-01-31/);
    expect(rowOf('bob')).toMatch(/^ {2}off: quota +bob phone .*—·2GiB\/d rx/);
    expect(rowOf('carol')).toMatch(/^ {2}off: expiry +carol .* expired/);
    expect(rowOf('dave')).toMatch(/^ {2}off +dave/);
    // Server text stays escaped, and is cut rather than pushing the row past 80 columns.
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(rowOf('mallory')).toContain('mallory \\u001B');
    expect(lines.at(-2)).toMatch(/^Backups \(newest first\): wg0\.conf\.20261205T101502Z, wg0/);
  });

  it('keeps every backup id whole, wrapped', () => {
    const lines = renderPeerList(view(PEERS), { width: 60, now: NOW });
    const text = lines.slice(lines.findIndex((l) => l.startsWith('Backups'))).join(' ');
    for (const id of ['wg0.conf.20261205T101502Z', 'wg0.conf.20261204T101502Z', 'wg0.conf.20261203T101502Z'])
      expect(text).toContain(id);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(60);
  });

  it('leaves out lifecycle columns no peer uses, and shows full keys when there is room', () => {
    const plain = [filePeer(1, { name: 'alice' }), filePeer(2, { name: 'bob' })];
    const lines = renderPeerList(view(plain), { width: 120, now: NOW });
    expect(lines[1]).not.toMatch(/QUOTA|EXPIRES|NOTES/);
    expect(lines[2]).toContain(key(1));
  });

  it('shows the first allowed IP whole and how many more; the notes go before the names are cut', () => {
    // As a lab interface has them: IPv4 and IPv6 each, keepalive and psk notes, one peer with rules.
    const lab = [1, 2, 3].map((i) =>
      filePeer(i, {
        name: i === 3 ? 'zero-one-renamed' : `random peer ${i}`,
        allowedIps: [`198.18.128.${i}/32`, `2001:2:0:1000::${i}/128`],
        persistentKeepalive: 15,
        hasPresharedKey: true,
        ...(i === 3
          ? { quota: { ...RULES.quota!, direction: 'rx' as const }, expiresAt: RULES.expiresAt }
          : {}),
      }),
    );
    const lines = renderPeerList(view(lab), { width: 80, now: NOW });
    console.log(lines.join('\n'));
    for (const text of lines) expect(displayWidth(text), text).toBeLessThanOrEqual(80);
    expect(lines[3]).toMatch(/^ {2}on +random peer 2 +AgICAgIC… 198\.18\.128\.2\/32 \+1 *$/);
    expect(lines[4]).toMatch(/zero-one-renamed .* 198\.18\.128\.3\/32 \+1 +—·50GiB\/mo rx 2027-01-31$/);
    const wide = renderPeerList(view(lab), { width: 160, now: NOW });
    expect(wide[4]).toMatch(/ka 15 psk$/);
  });

  it('--json has the full fields, usage null where it is not known', () => {
    const json = peerListJson(view(PEERS), usageOf);
    expect(json.peers[0]).toMatchObject({
      quota: RULES.quota,
      expiresAt: RULES.expiresAt,
      schedule: RULES.schedule,
      disabledBy: null,
      usage: { bytes: 6 * GIB, limit: 50 * GIB, periodKey: '2026-12' },
    });
    expect(json.peers[1]).toMatchObject({
      usage: null,
      disabledBy: { reason: 'quota', period: '2026-12-05' },
    });
    expect(json.peers[3]!.usage).toBeNull();
    expect(json.backups).toHaveLength(3);
  });
});
