import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InterfaceDump } from '../../../shared/domain.ts';
import { buildClientConfig } from './client-config.ts';
import { toShellCommand } from './commands.ts';
import { configPeers, findPeer, parseConfig, serializeConfig, updatePeer } from './config-file.ts';
import {
  ALICE,
  BIG_TEST_TIMEOUT_MS,
  bigConf,
  BOB,
  CAROL,
  DAVE,
  ERIN,
  liveInterface,
  livePeer,
  PSK_BOB,
  SERVER_CONF,
  SERVER_PRIVATE,
  serverLive,
  testKey,
} from './fixtures.testkit.ts';
import { publicKeyOf } from './keys.ts';
import type { PeerChange, PeerPlan, PlanInput } from './plan.ts';
import { planPeerChanges, SAVE_CONFIG_WARNING } from './plan.ts';
import { prepareChanges } from './prepare.ts';
import { PeerInputError } from './validate.ts';
import { assertWgAccepts } from './wg-tools.testkit.ts';

const SERVER_PUBLIC = publicKeyOf(SERVER_PRIVATE);
const FRANK = testKey('frank');
const PSK_FRANK = testKey('psk-frank');

function plan(changes: PeerChange[], fields: Partial<PlanInput> = {}): PeerPlan {
  const result = planPeerChanges({
    iface: 'wg0',
    fileText: SERVER_CONF,
    live: serverLive(SERVER_PUBLIC),
    changes,
    ...fields,
  });
  checkInvariants(result, fields.fileText ?? SERVER_CONF);
  return result;
}

/** What every plan must satisfy. */
function checkInvariants(result: PeerPlan, fileText: string): void {
  const publicKeys = new Set(
    configPeers(parseConfig(`${fileText}\n${result.newText}`)).map((peer) => peer.publicKey),
  );
  publicKeys.add(SERVER_PUBLIC);
  for (const command of result.commands) {
    // No secret on a command line: the only keys there are public ones.
    for (const arg of command.argv) {
      for (const token of arg.match(/[A-Za-z0-9+/]{43}=/g) ?? [])
        expect(publicKeys.has(token), `secret on a command line: ${arg}`).toBe(true);
    }
  }
  for (const line of [result.preview.summary, result.preview.diff, ...result.preview.commands]) {
    for (const secret of [SERVER_PRIVATE, PSK_BOB, PSK_FRANK]) expect(line).not.toContain(secret);
  }
  expect(result.baseSha256).toBe(createHash('sha256').update(fileText).digest('hex'));
  if (result.newText !== fileText) assertWgAccepts(result.newText, 'wg0');
}

function problems(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof PeerInputError) return error.problems.map((p) => `${p.field}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a PeerInputError');
}

const add = (fields: Partial<Extract<PeerChange, { action: 'add' }>> = {}): PeerChange => ({
  action: 'add',
  publicKey: FRANK,
  name: 'frank',
  presharedKey: null,
  allowedIps: 'auto',
  persistentKeepalive: null,
  ...fields,
});

describe('tier 1: one wg set, nobody else touched', () => {
  it('adds a peer with allocated addresses, the preshared key on stdin', () => {
    const result = plan([add({ presharedKey: PSK_FRANK, persistentKeepalive: 25 })]);
    expect(result.preview.tier).toBe(1);
    expect(result.added).toEqual([
      {
        publicKey: FRANK,
        name: 'frank',
        allowedIps: ['198.18.8.6/32', '2001:2:0:1042::4/128'],
        presharedKey: PSK_FRANK,
        persistentKeepalive: 25,
      },
    ]);
    expect(result.newText).toBe(
      `${SERVER_CONF}\n[Peer]\n# Name = frank\nPublicKey = ${FRANK}\nPresharedKey = ${PSK_FRANK}\n` +
        'AllowedIPs = 198.18.8.6/32, 2001:2:0:1042::4/128\nPersistentKeepalive = 25\n',
    );
    expect(result.preview.touched).toEqual([
      { publicKey: FRANK, name: 'frank', effect: 'added', reason: 'new peer', intended: true },
    ]);
    expect(result.commands.map((command) => command.argv.slice(0, 2))).toEqual([
      ['sh', '-c'],
      ['sh', '-c'],
    ]);
    expect(result.commands[1]!.argv.slice(3)).toEqual([
      'wgdeck-set',
      'wg0',
      'peer',
      FRANK,
      'preshared-key',
      '/dev/stdin',
      'allowed-ips',
      '198.18.8.6/32,2001:2:0:1042::4/128',
      'persistent-keepalive',
      '25',
    ]);
    expect(result.commands[1]!.stdin).toBe(`${PSK_FRANK}\n`);
    expect(result.preview.diff).toContain('+PresharedKey = (hidden)\n');
    expect(result.preview.changes).toEqual([
      {
        action: 'add',
        publicKey: FRANK,
        name: 'frank',
        details: [
          'allowed IPs: 198.18.8.6/32, 2001:2:0:1042::4/128',
          'keepalive: 25 s',
          'preshared key: yes',
        ],
      },
    ]);
  });

  it('edits allowed IPs with the whole peer state, its existing preshared key on stdin', () => {
    const result = plan([{ action: 'edit', publicKey: BOB, allowedIps: ['198.18.8.30/32'] }]);
    expect(result.preview.tier).toBe(1);
    expect(result.preview.touched).toEqual([
      {
        publicKey: BOB,
        name: "bob's phone",
        effect: 'updated',
        reason: 'allowed IPs updated',
        intended: true,
      },
    ]);
    expect(result.commands[1]!.argv.slice(4)).toEqual([
      'wg0',
      'peer',
      BOB,
      'preshared-key',
      '/dev/stdin',
      'allowed-ips',
      '198.18.8.30/32',
      'persistent-keepalive',
      '25',
    ]);
    expect(result.commands[1]!.stdin).toBe(`${PSK_BOB}\n`);
    expect(result.preview.changes[0]!.details).toEqual([
      'allowed IPs: 198.18.8.3/32, 2001:2:0:1042::3/128 → 198.18.8.30/32',
    ]);
  });

  it('keeps a pinned endpoint and clears a removed preshared key with /dev/null', () => {
    const result = plan([{ action: 'edit', publicKey: DAVE, persistentKeepalive: 15 }]);
    expect(result.commands[1]!.argv).toEqual([
      'wg',
      'set',
      'wg0',
      'peer',
      DAVE,
      'preshared-key',
      '/dev/null',
      'allowed-ips',
      '198.18.8.5/32,198.18.50.0/24',
      'persistent-keepalive',
      '15',
      'endpoint',
      '198.18.7.9:51820',
    ]);
    const removed = plan([{ action: 'edit', publicKey: BOB, presharedKey: null }]);
    expect(removed.commands[1]!.argv).toContain('/dev/null');
    expect(removed.preview.changes[0]!.details).toEqual(['preshared key: removed']);
  });

  it('rotates a preshared key', () => {
    const result = plan([{ action: 'edit', publicKey: BOB, presharedKey: PSK_FRANK }]);
    expect(result.preview.tier).toBe(1);
    expect(result.commands[1]!.stdin).toBe(`${PSK_FRANK}\n`);
    expect(result.preview.changes[0]!.details).toEqual([
      'preshared key: rotated (the client needs the new key)',
    ]);
    expect(result.preview.touched[0]!.reason).toBe('preshared key updated');
  });

  it("lists a rotation in a batch, and leaves a disabled peer's rotation to the file", () => {
    const batch = plan([add(), { action: 'edit', publicKey: BOB, presharedKey: PSK_FRANK }]);
    expect(batch.preview.tier).toBe(2);
    expect(batch.preview.touched.map((peer) => [peer.name, peer.reason])).toEqual([
      ["bob's phone", 'preshared key updated'],
      ['frank', 'new peer'],
    ]);
    expect(plan([{ action: 'edit', publicKey: CAROL, presharedKey: PSK_FRANK }]).preview.tier).toBe(0);
  });

  it.each<[string, PeerChange, string[]]>([
    ['disable', { action: 'disable', publicKey: ALICE }, ['wg', 'set', 'wg0', 'peer', ALICE, 'remove']],
    ['remove', { action: 'remove', publicKey: DAVE }, ['wg', 'set', 'wg0', 'peer', DAVE, 'remove']],
    [
      'enable',
      { action: 'enable', publicKey: CAROL },
      [
        'wg',
        'set',
        'wg0',
        'peer',
        CAROL,
        'preshared-key',
        '/dev/null',
        'allowed-ips',
        '198.18.8.4/32',
        'persistent-keepalive',
        '15',
      ],
    ],
  ])('%s', (action, change, argv) => {
    const result = plan([change]);
    expect(result.preview.tier).toBe(1);
    expect(result.commands[1]!.argv).toEqual(argv);
    expect(result.preview.touched).toEqual([
      expect.objectContaining({
        publicKey: change.publicKey,
        intended: true,
        effect: action === 'enable' ? 'added' : 'removed',
      }),
    ]);
  });

  it('touches only the changed peer when others have drifted, and says so', () => {
    const live = serverLive(SERVER_PUBLIC);
    live.peers.push(livePeer(ERIN, { allowedIps: ['198.18.8.99/32'] }));
    live.peers[0]!.persistentKeepalive = 99;
    const result = plan([add()], { live });
    expect(result.preview.tier).toBe(1);
    expect(result.preview.touched.map((peer) => peer.publicKey)).toEqual([FRANK]);
    expect(result.preview.warnings).toEqual([
      '2 peer(s) differ between the config file and the live interface (drift); this change leaves them alone.',
    ]);
    expect(result.added[0]!.allowedIps).toEqual(['198.18.8.6/32', '2001:2:0:1042::4/128']);
  });

  it('recreates a peer missing live when it is edited', () => {
    const live = serverLive(SERVER_PUBLIC);
    live.peers.splice(0, 1);
    const result = plan([{ action: 'edit', publicKey: ALICE, persistentKeepalive: 5 }], { live });
    expect(result.preview.touched).toEqual([
      {
        publicKey: ALICE,
        name: 'alice',
        effect: 'added',
        reason: "missing live (drift): created with the file's settings",
        intended: true,
      },
    ]);
  });
});

describe('tier 0: the file only', () => {
  it.each<[string, PeerChange[]]>([
    ['a rename', [{ action: 'edit', publicKey: ALICE, name: 'alice smith' }]],
    ['an edit of a disabled peer', [{ action: 'edit', publicKey: CAROL, allowedIps: ['198.18.8.40/32'] }]],
    ['removing a disabled peer', [{ action: 'remove', publicKey: CAROL }]],
  ])('%s', (_label, changes) => {
    const result = plan(changes);
    expect(result.preview.tier).toBe(0);
    expect(result.preview.touched).toEqual([]);
    expect(result.commands).toHaveLength(1);
    expect(result.commands[0]!.display).toMatch(/^write \/etc\/wireguard\/wg0.conf atomically/);
  });

  it('an edit that changes nothing writes nothing', () => {
    const result = plan([{ action: 'edit', publicKey: ALICE, name: 'alice', persistentKeepalive: null }]);
    expect(result.newText).toBe(SERVER_CONF);
    expect(result.commands).toEqual([]);
    expect(result.preview.changes[0]!.details).toEqual(['no field changes value']);
    expect(result.preview.diff).toBe('');
  });

  it('when the interface is down', () => {
    const result = plan([add()], { live: null });
    expect(result.preview.tier).toBe(0);
    expect(result.preview.tierReason).toMatch(/not up/);
    expect(result.preview.warnings).toEqual(['wg0 is not up: only the config file changes.']);
    expect(result.commands).toHaveLength(1);
  });
});

describe('tier 2: wg syncconf for a batch', () => {
  it('lists every peer it touches, drifted ones included and flagged', () => {
    const live = serverLive(SERVER_PUBLIC);
    live.peers.push(livePeer(ERIN, { allowedIps: ['198.18.8.99/32'] }));
    live.peers[0]!.persistentKeepalive = 99; // alice drifted
    const result = plan(
      [
        add({ allowedIps: ['198.18.8.50/32'] }),
        { action: 'disable', publicKey: DAVE },
        { action: 'edit', publicKey: BOB, name: 'bob' },
      ],
      { live },
    );
    expect(result.preview.tier).toBe(2);
    expect(result.commands[1]!.argv.slice(3)).toEqual(['wgdeck-syncconf', '/etc/wireguard/wg0.conf', 'wg0']);
    expect(result.preview.touched).toEqual([
      {
        publicKey: ALICE,
        name: 'alice',
        effect: 'updated',
        reason: 'keepalive differ from the config file (drift): syncconf resets them',
        intended: false,
      },
      { publicKey: DAVE, name: "dave's router", effect: 'removed', reason: 'disabled', intended: true },
      { publicKey: FRANK, name: 'frank', effect: 'added', reason: 'new peer', intended: true },
      {
        publicKey: ERIN,
        name: null,
        effect: 'removed',
        reason: 'live but not in the config file (drift): syncconf removes it',
        intended: false,
      },
    ]);
    expect(result.preview.warnings[0]).toMatch(
      /^wg syncconf removes 1 live peer\(s\) that the config file does not enable/,
    );
    expect(result.preview.tierReason).toBe(
      '"wg syncconf" from the new file: 4 peers change live, 2 of them only because they had drifted from the file.',
    );
    expect(result.preview.summary).toContain('[NOT part of this change]');
    expect(result.preview.blockers).toEqual([]);
  });

  it('is blocked when syncconf would change the interface key or port', () => {
    const live = serverLive(testKey('another-server'));
    live.listenPort = 51000;
    const result = plan([add(), { action: 'remove', publicKey: ALICE }], { live });
    expect(result.preview.blockers).toHaveLength(2);
    expect(result.preview.blockers[0]).toMatch(
      /PrivateKey does not match the live interface.*drop every session/,
    );
    expect(result.preview.blockers[1]).toMatch(/ListenPort \(51820\) differs from the live port \(51000\)/);
    // Tier 1 never touches the interface, so it is not blocked.
    expect(plan([add()], { live }).preview.blockers).toEqual([]);
  });
});

describe('warnings and blockers from the file', () => {
  it('explains SaveConfig = true', () => {
    const fileText = SERVER_CONF.replace('SaveConfig = false', 'SaveConfig = true');
    expect(plan([add()], { fileText }).preview.warnings).toContain(SAVE_CONFIG_WARNING);
  });

  it('blocks on a file wg would refuse, naming the lines', () => {
    const fileText = SERVER_CONF.replace('MTU = 1420', 'MTU = 1420\nFooBar = 1');
    const result = planPeerChanges({
      iface: 'wg0',
      fileText,
      live: serverLive(SERVER_PUBLIC),
      changes: [add()],
    });
    expect(result.preview.blockers).toEqual([
      'The config file has errors that wg or wg-quick would refuse; fix them first: line 9: unknown key "FooBar" in [Interface].',
    ]);
  });
});

describe('refusals before anything else', () => {
  it.each<[string, PeerChange[], Partial<PlanInput>, string[]]>([
    [
      'a bad key',
      [add({ publicKey: 'not-a-key' })],
      {},
      ['changes[0].publicKey: is not a WireGuard key (base64 of 32 bytes, 44 characters)'],
    ],
    [
      'a name with a newline',
      [add({ name: 'frank\n[Peer]' })],
      {},
      ['changes[0].name: must not contain line breaks or control characters'],
    ],
    [
      'a malformed CIDR',
      [add({ allowedIps: ['198.18.8.300/32'] })],
      {},
      ['changes[0].allowedIps[0]: "198.18.8.300/32" is not an IPv4 or IPv6 address/prefix'],
    ],
    [
      'a CIDR with a shell payload',
      [add({ allowedIps: ['198.18.8.7/32;reboot'] })],
      {},
      ['changes[0].allowedIps[0]: "198.18.8.7/32;reboot" is not an IPv4 or IPv6 address/prefix'],
    ],
    [
      'an overlapping CIDR',
      [add({ allowedIps: ['198.18.8.0/29'] })],
      {},
      [
        "changes[0].allowedIps[0]: 198.18.8.0/29 contains 198.18.8.1/32, the interface's own address (Address = 198.18.8.1/24)",
        `changes[0].allowedIps[0]: 198.18.8.0/29 contains 198.18.8.2/32, "alice" (${ALICE.slice(0, 8)}…)`,
        `changes[0].allowedIps[0]: 198.18.8.0/29 contains 198.18.8.3/32, "bob's phone" (${BOB.slice(0, 8)}…)`,
        `changes[0].allowedIps[0]: 198.18.8.0/29 contains 198.18.8.4/32, "carol" (${CAROL.slice(0, 8)}…)`,
        `changes[0].allowedIps[0]: 198.18.8.0/29 contains 198.18.8.5/32, "dave's router" (${DAVE.slice(0, 8)}…)`,
      ],
    ],
    [
      "a disabled peer's address",
      [add({ allowedIps: ['198.18.8.4/32'] })],
      {},
      [`changes[0].allowedIps[0]: 198.18.8.4/32 is already routed to "carol" (${CAROL.slice(0, 8)}…)`],
    ],
    [
      'a live-only address',
      [add({ allowedIps: ['198.18.8.99/32'] })],
      {
        live: liveInterface([livePeer(ERIN, { allowedIps: ['198.18.8.99/32'] })], {
          publicKey: SERVER_PUBLIC,
        }),
      },
      [`changes[0].allowedIps[0]: 198.18.8.99/32 is already routed to ${ERIN.slice(0, 8)}…`],
    ],
    [
      'two adds of the same address in one batch',
      [
        add({ allowedIps: ['198.18.8.50/32'] }),
        add({ publicKey: ERIN, name: 'erin', allowedIps: ['198.18.8.50/32'] }),
      ],
      {},
      [`changes[1].allowedIps[0]: 198.18.8.50/32 is already routed to "frank" (${FRANK.slice(0, 8)}…)`],
    ],
    [
      'keepalive out of range',
      [add({ persistentKeepalive: 65536 })],
      {},
      ['changes[0].persistentKeepalive: must be an integer from 0 (off) to 65535 seconds'],
    ],
    [
      'an existing key',
      [add({ publicKey: CAROL })],
      {},
      ['changes[0].publicKey: a peer with this key is already in the config file (disabled)'],
    ],
    [
      "the interface's own key",
      [add({ publicKey: SERVER_PUBLIC })],
      {},
      ["changes[0].publicKey: is the interface's own public key"],
    ],
    [
      'a key live but not in the file',
      [add({ publicKey: ERIN })],
      { live: liveInterface([livePeer(ERIN)], { publicKey: SERVER_PUBLIC }) },
      [
        'changes[0].publicKey: a peer with this key is live but not in the config file: reconcile the drift first',
      ],
    ],
    [
      'a taken name',
      [add({ name: 'carol' })],
      {},
      [`changes[0].name: "carol" (${CAROL.slice(0, 8)}…) already has this name`],
    ],
    [
      'an unknown peer',
      [{ action: 'remove', publicKey: ERIN }],
      {},
      ['changes[0].publicKey: no peer in the config file has this key'],
    ],
    [
      'enabling an enabled peer',
      [{ action: 'enable', publicKey: ALICE }],
      {},
      ['changes[0].publicKey: this peer is not disabled'],
    ],
    [
      'disabling a disabled peer',
      [{ action: 'disable', publicKey: CAROL }],
      {},
      ['changes[0].publicKey: this peer is already disabled'],
    ],
    [
      'an empty edit',
      [{ action: 'edit', publicKey: ALICE }],
      {},
      ['changes[0]: an edit must change at least one field'],
    ],
    [
      'one peer twice',
      [
        { action: 'disable', publicKey: ALICE },
        { action: 'remove', publicKey: ALICE },
      ],
      {},
      ['changes[1].publicKey: this batch already changes this peer: one change per peer'],
    ],
    ['no change', [], {}, ['changes: no change given']],
    [
      'a bad interface name',
      [add()],
      { iface: 'wg0; reboot' },
      [
        'iface: an interface name is 1–15 letters, digits, "_", "=", "+", "." or "-"',
        'configPath: must be an absolute path to IF.conf (the name wg-quick needs), without "." or ".." segments',
      ],
    ],
    [
      'a relative path',
      [add()],
      { configPath: 'wg0.conf' },
      [
        'configPath: must be an absolute path to IF.conf (the name wg-quick needs), without "." or ".." segments',
      ],
    ],
    [
      'a path with ..',
      [add()],
      { configPath: '/etc/wireguard/../shadow/wg0.conf' },
      [
        'configPath: must be an absolute path to IF.conf (the name wg-quick needs), without "." or ".." segments',
      ],
    ],
    [
      'a path with a newline',
      [add()],
      { configPath: '/etc/wireguard/wg0.conf\nx' },
      [
        'configPath: must be an absolute path to IF.conf (the name wg-quick needs), without "." or ".." segments',
      ],
    ],
    [
      'a path not named IF.conf',
      [add()],
      { configPath: '/etc/wireguard/my-very-long-interface.conf' },
      [
        'configPath: must be an absolute path to IF.conf (the name wg-quick needs), without "." or ".." segments',
      ],
    ],
  ])('%s', (_label, changes, fields, expected) => {
    expect(
      problems(() =>
        planPeerChanges({
          iface: 'wg0',
          fileText: SERVER_CONF,
          live: serverLive(SERVER_PUBLIC),
          changes,
          ...fields,
        }),
      ),
    ).toEqual(expected);
  });

  it('refuses re-enabling a peer whose address went to someone else', () => {
    const fileText = serializeConfig(
      updatePeer(parseConfig(SERVER_CONF), ALICE, { allowedIps: ['198.18.8.2/32', '198.18.8.4/32'] }),
    );
    expect(problems(() => plan([{ action: 'enable', publicKey: CAROL }], { fileText }))).toEqual([
      `changes[0].allowedIps[0]: 198.18.8.4/32 is already routed to "alice" (${ALICE.slice(0, 8)}…)`,
    ]);
  });

  it('checks syntax before even reading the file, and reports all problems at once', () => {
    const found = problems(() =>
      planPeerChanges({
        iface: 'wg0',
        fileText: '\u0000 not a config',
        live: null,
        changes: [
          add({ name: '', publicKey: 'x' }),
          { action: 'edit', publicKey: ALICE, persistentKeepalive: 1.5 },
        ],
      }),
    );
    expect(found).toEqual([
      'changes[0].publicKey: is not a WireGuard key (base64 of 32 bytes, 44 characters)',
      'changes[0].name: must not be empty',
      'changes[1].persistentKeepalive: must be an integer from 0 (off) to 65535 seconds',
    ]);
  });
});

describe('prepare → plan → client config, end to end', () => {
  it('generates keys locally, resolves names, and writes a client config wg accepts', () => {
    const file = parseConfig(SERVER_CONF);
    const prepared = prepareChanges(file, [
      {
        action: 'add',
        draft: { name: 'grace', allowedIps: 'auto', persistentKeepalive: 25, presharedKey: true },
      },
      { action: 'edit', peer: "bob's phone", edit: { presharedKey: 'rotate', name: 'bob' } },
      { action: 'disable', peer: ALICE },
    ]);
    const [grace, bob] = prepared.changes;
    expect(grace).toMatchObject({ action: 'add', name: 'grace', allowedIps: 'auto' });
    const privateKey = prepared.privateKeys.get(grace!.publicKey)!;
    expect(publicKeyOf(privateKey)).toBe(grace!.publicKey);
    expect(bob).toMatchObject({
      action: 'edit',
      publicKey: BOB,
      name: 'bob',
      presharedKey: prepared.presharedKeys.get(BOB),
    });

    const live = serverLive(SERVER_PUBLIC);
    const result = planPeerChanges({ iface: 'wg0', fileText: SERVER_CONF, live, changes: prepared.changes });
    expect(result.preview.tier).toBe(2);
    for (const command of result.commands) expect(command.argv.join(' ')).not.toContain(privateKey);
    expect(result.newText).not.toContain(privateKey);

    const planned = result.added[0]!;
    const client = buildClientConfig({
      name: planned.name,
      privateKey,
      addresses: planned.allowedIps,
      serverPublicKey: live.publicKey!,
      presharedKey: planned.presharedKey,
      endpointHost: '198.18.0.1',
      endpointPort: live.listenPort!,
      persistentKeepalive: planned.persistentKeepalive,
    });
    assertWgAccepts(client, 'grace');
    expect(client).toContain(`PresharedKey = ${prepared.presharedKeys.get(grace!.publicKey)}`);
    expect(findPeer(parseConfig(result.newText), grace!.publicKey)!.allowedIps).toEqual(planned.allowedIps);
  });

  it('uses a key the admin brings, and names unknown peers in errors', () => {
    const file = parseConfig(SERVER_CONF);
    const prepared = prepareChanges(file, [
      {
        action: 'add',
        draft: {
          name: 'h',
          allowedIps: ['198.18.8.77/32'],
          persistentKeepalive: null,
          presharedKey: false,
          publicKey: ERIN,
        },
      },
    ]);
    expect(prepared.privateKeys.size).toBe(0);
    expect(prepared.changes[0]).toMatchObject({ publicKey: ERIN, presharedKey: null });
    expect(
      problems(() =>
        prepareChanges(file, [
          { action: 'remove', peer: 'nobody' },
          { action: 'enable', peer: 'zed' },
        ]),
      ),
    ).toEqual([
      'changes[0].peer: no peer in the config file has this public key or name',
      'changes[1].peer: no peer in the config file has this public key or name',
    ]);
  });
});

describe('the commands really run (write for real, wg against a missing interface)', () => {
  it('tier 1: the file is replaced and wg parses the command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgdeck-plan-'));
    try {
      const configPath = join(dir, 'wgdeckchk0.conf');
      writeFileSync(configPath, SERVER_CONF, { mode: 0o600 });
      const result = planPeerChanges({
        iface: 'wgdeckchk0',
        configPath,
        fileText: SERVER_CONF,
        live: { ...serverLive(SERVER_PUBLIC), name: 'wgdeckchk0' },
        changes: [add({ presharedKey: PSK_FRANK, persistentKeepalive: 25 })],
      });
      const [write, set] = result.commands;
      const ran = (command: NonNullable<typeof write>) =>
        spawnSync('sh', ['-c', toShellCommand(command)], { input: command.stdin ?? '', encoding: 'utf8' });
      expect(ran(write!).status).toBe(0);
      expect(readFileSync(configPath, 'utf8')).toBe(result.newText);
      expect(ran(write!).status).toBe(3); // the same plan again: the file is no longer the one it was made from
      expect(ran(set!).stderr).toContain('Unable to modify interface');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('10,000 peers', () => {
  // How fast: `npm run bench -- files`.
  it('plans an auto-allocated add as one wg set and a short diff', { timeout: BIG_TEST_TIMEOUT_MS }, () => {
    const fileText = bigConf(10_000);
    const file = parseConfig(fileText);
    const peers: InterfaceDump['peers'] = configPeers(file).map((peer) =>
      livePeer(peer.publicKey!, {
        allowedIps: peer.allowedIps,
        persistentKeepalive: peer.persistentKeepalive,
      }),
    );
    const live = liveInterface(peers, { publicKey: SERVER_PUBLIC });
    const result = planPeerChanges({ iface: 'wg0', fileText, live, changes: [add()] });
    expect(result.preview.tier).toBe(1);
    expect(result.added[0]!.allowedIps).toEqual(['198.18.39.18/32', '2001:2:0:1000::2712/128']);
    expect(result.preview.diff.split('\n').length).toBeLessThan(20);
  });
});

describe('lifecycle rules (issue 15)', () => {
  const quota = {
    bytes: 50 * 1024 ** 3,
    period: 'month' as const,
    direction: 'both' as const,
    reenable: true,
  };

  it('an edit of quota, expiry and schedule is the file only, said in words', () => {
    const result = plan([
      {
        action: 'edit',
        publicKey: ALICE,
        quota,
        expiresAt: Date.UTC(2027, 1, 1),
        schedule: { days: [1, 2, 3, 4, 5], fromMinute: 480, toMinute: 1080, timeZone: 'UTC' },
      },
    ]);
    expect(result.preview.tier).toBe(0);
    expect(result.preview.touched).toEqual([]);
    expect(result.preview.changes[0]!.details).toEqual([
      'quota: none → 50GiB/month',
      'expires: never → 2027-01-31',
      'schedule: always → mon-fri 08:00-18:00',
    ]);
    const cleared = plan([{ action: 'edit', publicKey: ALICE, quota: null }], { fileText: result.newText });
    expect(cleared.preview.changes[0]!.details).toEqual(['quota: 50GiB/month → none']);
  });

  it('disable writes why; enable with a reason applies only while the file says it', () => {
    const disabled = plan([
      { action: 'disable', publicKey: ALICE, disabledBy: { reason: 'quota', period: '2026-12' } },
    ]);
    expect(disabled.newText).toContain('#! # DisabledBy = quota 2026-12\n');
    expect(disabled.preview.changes[0]!.details).toContain('disabled by: quota 2026-12');
    const live = serverLive(SERVER_PUBLIC);
    const enable = (disabledBy: { reason: 'expiry' } | { reason: 'quota'; period: string }) =>
      plan([{ action: 'enable', publicKey: ALICE, disabledBy }], { fileText: disabled.newText, live });
    expect(problems(() => enable({ reason: 'expiry' }))).toEqual([
      expect.stringMatching(/disabledBy: this peer is disabled by quota 2026-12, not by expiry/),
    ]);
    expect(enable({ reason: 'quota', period: '2026-12' }).newText).not.toContain('DisabledBy');
  });

  it('refuses unreadable rules before anything else', () => {
    expect(problems(() => plan([{ action: 'edit', publicKey: ALICE, expiresAt: 1.5 }]))).toEqual([
      expect.stringMatching(/changes\[0\]\.expiresAt: an expiry is/),
    ]);
  });
});
