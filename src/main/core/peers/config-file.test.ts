import { describe, expect, it } from 'vitest';
import type { ConfigFile, NewPeer } from './config-file.ts';
import {
  addPeer,
  configInterface,
  configPeers,
  configProblems,
  disablePeer,
  disableSaveConfig,
  enablePeer,
  findPeer,
  parseConfig,
  removePeer,
  resolvePeer,
  serializeConfig,
  updatePeer,
} from './config-file.ts';
import {
  ALICE,
  BIG_TEST_TIMEOUT_MS,
  bigConf,
  BOB,
  CAROL,
  DAVE,
  ERIN,
  OTHER_TOOLS_CONF,
  PIVPN_CONF,
  PSK_BOB,
  SERVER_CONF,
  SERVER_PRIVATE,
  testKey,
} from './fixtures.testkit.ts';
import { PeerInputError } from './validate.ts';
import { assertWgAccepts } from './wg-tools.testkit.ts';

const crlf = (text: string): string => text.replace(/\n/g, '\r\n');
const text = (file: ConfigFile): string => serializeConfig(file);
const NEW = testKey('new-peer');

function newPeer(fields: Partial<NewPeer> = {}): NewPeer {
  return {
    publicKey: NEW,
    name: 'frank',
    presharedKey: null,
    allowedIps: ['198.18.8.9/32'],
    persistentKeepalive: null,
    ...fields,
  };
}

function problemsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof PeerInputError) return error.problems.map((p) => `${p.field}: ${p.message}`);
    throw error;
  }
  throw new Error('expected a PeerInputError');
}

describe('round trip is byte-exact', () => {
  const fixtures: [string, string][] = [
    ['server', SERVER_CONF],
    ['PiVPN', PIVPN_CONF],
    ['other tools', OTHER_TOOLS_CONF],
    ['server, CRLF', crlf(SERVER_CONF)],
    ['server, no final newline', SERVER_CONF.trimEnd()],
    ['server, mixed line endings', SERVER_CONF.replace('\n', '\r\n').replace('[Peer]\n', '[Peer]\r\n')],
    ['empty', ''],
    ['one newline', '\n'],
    ['only comments', '# nothing here\n#\n'],
    ['a lone CR', 'a\rb\n\r'],
    ['a BOM', `\uFEFF${SERVER_CONF}`],
    [
      'tabs and odd spacing',
      '[ Interface ]\n\tAddress\t=\t10.0.0.1/24\t\n  [peer]  \n PublicKey=' + ALICE + '  \n',
    ],
    ['garbage', 'hello\n= = =\n[\n]\n[[Peer]]\n#!\n#! wgdeck disabled\n#! wgdeck disabled\n#!x\n'],
    [
      'a marker in the middle of a section',
      `[Peer]\nPublicKey = ${ALICE}\n#! wgdeck disabled\n#! [Peer]\n#! PublicKey = ${BOB}\nAllowedIPs = 198.18.0.2/32\n`,
    ],
    ['unicode', '# ünïcødé 🚀\n[Interface]\n# Name = 名前\n'],
  ];
  it.each(fixtures)('%s', (_label, source) => {
    expect(serializeConfig(parseConfig(source))).toBe(source);
  });

  it('random line soups (hostile structure)', () => {
    const vocabulary = [
      '',
      '[Interface]',
      '[Peer]',
      '[Foo]',
      '  [ peer ]  ',
      `PublicKey = ${ALICE}`,
      `PublicKey=${BOB}`,
      'AllowedIPs = 198.18.0.2/32',
      'allowedips=2001:2:0:1000::2/128 # c',
      '# Name = x',
      '# plain comment',
      '#! wgdeck disabled',
      '#! [Peer]',
      `#! PublicKey = ${CAROL}`,
      '#!',
      '### begin y ###',
      '### end y ###',
      'garbage',
      '=',
      '\t',
      ' # indented',
      'a\rb',
    ];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 500; round++) {
      const lines: string[] = [];
      const count = random(30);
      for (let i = 0; i < count; i++) {
        lines.push(vocabulary[random(vocabulary.length)]!, ['\n', '\r\n', '\n'][random(3)]!);
      }
      if (random(2) === 0) lines.pop();
      const source = lines.join('');
      const file = parseConfig(source);
      expect(serializeConfig(file)).toBe(source);
      for (const peer of configPeers(file)) {
        if (peer.publicKey === null) continue;
        // Every edit on a soup still serializes losslessly elsewhere and re-parses to the same text.
        const edited = text(updatePeer(file, peer.publicKey, { persistentKeepalive: 7 }));
        expect(serializeConfig(parseConfig(edited))).toBe(edited);
      }
    }
  });
});

describe('reading', () => {
  const file = parseConfig(SERVER_CONF);

  it('reads the interface', () => {
    expect(configInterface(file)).toEqual({
      present: true,
      addresses: ['198.18.8.1/24', '2001:2:0:1042::1/64'],
      listenPort: 51820,
      privateKey: SERVER_PRIVATE,
      fwmark: null,
      dns: ['198.18.53.53', 'example.internal'],
      mtu: 1420,
      table: null,
      preUp: [],
      postUp: ['iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE'],
      preDown: [],
      postDown: ['iptables -D FORWARD -i %i -j ACCEPT; iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE'],
      saveConfig: false,
    });
  });

  it('reads peers, enabled and disabled, with names and line numbers', () => {
    expect(configPeers(file)).toEqual([
      {
        publicKey: ALICE,
        name: 'alice',
        checkAddress: null,
        statusRule: null,
        statusThresholds: null,
        quota: null,
        expiresAt: null,
        schedule: null,
        disabledBy: null,
        presharedKey: null,
        allowedIps: ['198.18.8.2/32', '2001:2:0:1042::2/128'],
        endpoint: null,
        persistentKeepalive: null,
        disabled: false,
        line: 14,
      },
      {
        publicKey: BOB,
        name: "bob's phone",
        checkAddress: null,
        statusRule: null,
        statusThresholds: null,
        quota: null,
        expiresAt: null,
        schedule: null,
        disabledBy: null,
        presharedKey: PSK_BOB,
        allowedIps: ['198.18.8.3/32', '2001:2:0:1042::3/128'],
        endpoint: null,
        persistentKeepalive: 25,
        disabled: false,
        line: 20,
      },
      {
        publicKey: CAROL,
        name: 'carol',
        checkAddress: null,
        statusRule: null,
        statusThresholds: null,
        quota: null,
        expiresAt: null,
        schedule: null,
        disabledBy: null,
        presharedKey: null,
        allowedIps: ['198.18.8.4/32'],
        endpoint: null,
        persistentKeepalive: 15,
        disabled: true,
        line: 27,
      },
      {
        publicKey: DAVE,
        name: "dave's router",
        checkAddress: null,
        statusRule: null,
        statusThresholds: null,
        quota: null,
        expiresAt: null,
        schedule: null,
        disabledBy: null,
        presharedKey: null,
        allowedIps: ['198.18.8.5/32', '198.18.50.0/24'],
        endpoint: '198.18.7.9:51820',
        persistentKeepalive: null,
        disabled: false,
        line: 34,
      },
    ]);
    expect(configProblems(file)).toEqual([]);
  });

  it('reads the same from CRLF', () => {
    expect(configPeers(parseConfig(crlf(SERVER_CONF)))).toEqual(configPeers(file));
    expect(configInterface(parseConfig(crlf(SERVER_CONF)))).toEqual(configInterface(file));
  });

  it("reads other tools' names", () => {
    const names = (source: string): (string | null)[] =>
      configPeers(parseConfig(source)).map((peer) => peer.name);
    expect(names(PIVPN_CONF)).toEqual(['alice', 'bob']);
    expect(names(OTHER_TOOLS_CONF)).toEqual(['alice', 'bob', 'carol', 'dave', "erin's tablet"]);
  });

  it.each([
    [
      'our line wins over a comment above',
      `# laptop\n[Peer]\n# Name = alice\nPublicKey = ${ALICE}\n`,
      'alice',
    ],
    ['name with colon', `[Peer]\n#Name: alice\nPublicKey = ${ALICE}\n`, 'alice'],
    ['plain comment below the header', `[Peer]\n# alice laptop\nPublicKey = ${ALICE}\n`, 'alice laptop'],
    ['a blank line cuts the comment above off', `# alice\n\n[Peer]\nPublicKey = ${ALICE}\n`, null],
    ['a commented-out setting is no name', `# PublicKey = old\n[Peer]\nPublicKey = ${ALICE}\n`, null],
    ['inline comments are no name', `[Peer]\nPublicKey = ${ALICE} # alice\n`, null],
    ['empty Name falls through', `[Peer]\n# Name =\nPublicKey = ${ALICE}\n`, null],
    [
      'shell metacharacters are just text',
      `[Peer]\n# Name = $(rm -rf /); \`x\` | y > z\nPublicKey = ${ALICE}\n`,
      '$(rm -rf /); `x` | y > z',
    ],
    // Names go to terminals and pages: what another tool or a hostile server wrote is cleaned.
    [
      'an escape sequence and a bidi override are removed',
      `[Peer]\n# Name = \u001b]0;owned\u0007al\u202eice\u009b2J\nPublicKey = ${ALICE}\n`,
      ']0;ownedalice2J',
    ],
    ['a zero-width-only name is none', `[Peer]\n# Name = \u200b\u200d\nPublicKey = ${ALICE}\n`, null],
    [
      'a long name is cut to 64 characters',
      `[Peer]\n# Name = ${'n'.repeat(500)}\nPublicKey = ${ALICE}\n`,
      `${'n'.repeat(63)}…`,
    ],
  ])('name: %s', (_label, source, name) => {
    expect(configPeers(parseConfig(source))[0]!.name).toBe(name);
  });

  it('keeps a hostile name line byte for byte in the file while showing it cleaned', () => {
    const source = `[Peer]\n# Name = a\u001b[2Jb\nPublicKey = ${ALICE}\n`;
    expect(serializeConfig(parseConfig(source))).toBe(source);
  });

  it('accepts endpoints as wg does: host names, IPv6 in brackets, zone ids', () => {
    for (const endpoint of [
      'vpn.example.com:51820',
      '[2001:2:0:1002::1]:51820',
      '[2001:2:0:1002::1%eth0]:51820',
      '198.18.0.1:1',
    ]) {
      const source = `[Peer]\nPublicKey = ${ALICE}\nEndpoint = ${endpoint}\n`;
      expect(configProblems(parseConfig(source))).toEqual([]);
      expect(configPeers(parseConfig(source))[0]!.endpoint).toBe(endpoint);
    }
    for (const endpoint of [
      '198.18.0.1',
      '2001:2:0:1002::1:51820',
      '[2001:2:0:1002::1]',
      'host:0',
      'host:65536',
    ]) {
      expect(
        configProblems(parseConfig(`[Peer]\nPublicKey = ${ALICE}\nEndpoint = ${endpoint}\n`)),
      ).toHaveLength(1);
    }
  });

  it.each([
    ['SaveConfig = true', true],
    ['saveconfig=True', true],
    ['SaveConfig = false', false],
    ['# SaveConfig = true', false],
  ])('detects %s', (line, expected) => {
    expect(configInterface(parseConfig(`[Interface]\n${line}\n`)).saveConfig).toBe(expected);
  });

  it('resolves a peer by key or unique name', () => {
    expect(resolvePeer(file, ALICE).name).toBe('alice');
    expect(resolvePeer(file, 'carol').publicKey).toBe(CAROL);
    expect(problemsOf(() => resolvePeer(file, 'zed'))).toEqual([
      'peer: no peer in the config file has this public key or name',
    ]);
    const twice = addPeer(file, newPeer({ name: 'alice' }));
    expect(problemsOf(() => resolvePeer(twice, 'alice'))[0]).toMatch(/2 peers have this name/);
    expect(findPeer(file, ERIN)).toBeNull();
  });
});

describe('problems', () => {
  it.each([
    ['unknown interface key', '[Interface]\nFoo = bar\n', 2, /unknown key "Foo" in \[Interface\]/, true],
    [
      'unknown peer key',
      `[Peer]\nPublicKey = ${ALICE}\nAddress = 198.18.0.2/32\n`,
      3,
      /unknown key "Address"/,
      true,
    ],
    ['peer without key', '[Peer]\nAllowedIPs = 198.18.0.2/32\n', 1, /no PublicKey/, true],
    ['bad key', '[Peer]\nPublicKey = abc\n', 2, /PublicKey is not a WireGuard key/, true],
    [
      'bad CIDR',
      `[Peer]\nPublicKey = ${ALICE}\nAllowedIPs = 198.18.0.256/32\n`,
      3,
      /not an address\/prefix/,
      true,
    ],
    [
      'bad keepalive',
      `[Peer]\nPublicKey = ${ALICE}\nPersistentKeepalive = 70000\n`,
      3,
      /neither off nor/,
      true,
    ],
    ['garbage line', '[Interface]\nhello\n', 2, /not a "Key = value" line/, true],
    ['unknown section', '[Foo]\nbar = 1\n', 1, /unknown section/, true],
    [
      'entry before any section',
      'ListenPort = 1\n[Interface]\n',
      1,
      /outside \[Interface\] and \[Peer\]/,
      true,
    ],
    ['SaveConfig not a boolean', '[Interface]\nSaveConfig = yes\n', 2, /neither true nor false/, true],
    ['host bits', `[Peer]\nPublicKey = ${ALICE}\nAllowedIPs = 198.18.0.5/24\n`, 1, /host bits/, false],
    [
      'duplicate peer',
      `[Peer]\nPublicKey = ${ALICE}\n[Peer]\nPublicKey = ${ALICE}\n`,
      3,
      /same PublicKey as the peer at line 1/,
      false,
    ],
    [
      'marker inside a section',
      `[Peer]\nPublicKey = ${ALICE}\n#! wgdeck disabled\n#! [Peer]\n#! PublicKey = ${BOB}\nAllowedIPs = 198.18.0.2/32\n`,
      3,
      /left as comments/,
      false,
    ],
    ['marker without a peer', '#! wgdeck disabled\n#! hello\n', 1, /left as comments/, false],
  ])('%s', (_label, source, line, message, fatal) => {
    const problems = configProblems(parseConfig(source));
    expect(problems).toContainEqual({ line, message: expect.stringMatching(message) as string, fatal });
  });

  it('a marker that cannot stand is not a disabled peer', () => {
    const source = `[Peer]\nPublicKey = ${ALICE}\n#! wgdeck disabled\n#! [Peer]\n#! PublicKey = ${BOB}\nAllowedIPs = 198.18.0.2/32\n`;
    const peers = configPeers(parseConfig(source));
    expect(peers.map((peer) => peer.publicKey)).toEqual([ALICE]);
    expect(peers[0]!.allowedIps).toEqual(['198.18.0.2/32']);
  });

  it("reports a disabled peer's problems at its real line, never fatal", () => {
    const source = '[Interface]\n\n#! wgdeck disabled\n#! [Peer]\n#! PublicKey = nope\n';
    expect(configProblems(parseConfig(source))).toEqual([
      { line: 5, message: 'disabled peer: PublicKey is not a WireGuard key', fatal: false },
    ]);
  });
});

describe('editing', () => {
  const file = parseConfig(SERVER_CONF);

  it('adds a canonical block at the end, touching nothing else', () => {
    const added = text(
      addPeer(
        file,
        newPeer({
          presharedKey: PSK_BOB,
          allowedIps: ['198.18.8.9', '2001:2:0:1042:0::A9/128'],
          persistentKeepalive: 25,
        }),
      ),
    );
    expect(added).toBe(
      `${SERVER_CONF}\n[Peer]\n# Name = frank\nPublicKey = ${NEW}\nPresharedKey = ${PSK_BOB}\n` +
        'AllowedIPs = 198.18.8.9/32, 2001:2:0:1042::a9/128\nPersistentKeepalive = 25\n',
    );
    expect(configPeers(parseConfig(added)).at(-1)!.name).toBe('frank');
  });

  it("adds in the file's style: CRLF, no final newline", () => {
    expect(text(addPeer(parseConfig(crlf(SERVER_CONF)), newPeer()))).toBe(
      crlf(`${SERVER_CONF}\n[Peer]\n# Name = frank\nPublicKey = ${NEW}\nAllowedIPs = 198.18.8.9/32\n`),
    );
    expect(text(addPeer(parseConfig('[Interface]\nListenPort = 1'), newPeer({ name: null })))).toBe(
      `[Interface]\nListenPort = 1\n\n[Peer]\nPublicKey = ${NEW}\nAllowedIPs = 198.18.8.9/32`,
    );
    expect(text(addPeer(parseConfig(''), newPeer({ name: null })))).toBe(
      `[Peer]\nPublicKey = ${NEW}\nAllowedIPs = 198.18.8.9/32\n`,
    );
  });

  it('add then remove gives the original bytes back', () => {
    for (const source of [
      SERVER_CONF,
      crlf(SERVER_CONF),
      SERVER_CONF.trimEnd(),
      PIVPN_CONF,
      OTHER_TOOLS_CONF,
    ]) {
      expect(text(removePeer(addPeer(parseConfig(source), newPeer()), NEW))).toBe(source);
    }
  });

  it('edits values in place, keeping key case, spacing and comments', () => {
    const edited = text(updatePeer(file, BOB, { allowedIps: ['198.18.8.30/32'], persistentKeepalive: 10 }));
    expect(edited).toBe(
      SERVER_CONF.replace(
        'allowedips = 198.18.8.3/32   # v4\nAllowedIPs = 2001:2:0:1042::3/128\n',
        'allowedips = 198.18.8.30/32   # v4\n',
      ).replace('persistentkeepalive = 25', 'persistentkeepalive = 10'),
    );
  });

  it('removes a field by removing its line, adds one where we would write it', () => {
    const edited = text(updatePeer(file, BOB, { persistentKeepalive: null, presharedKey: null }));
    expect(edited).toBe(
      SERVER_CONF.replace(`presharedkey = ${PSK_BOB}\n`, '').replace('persistentkeepalive = 25\n', ''),
    );
    const withPsk = text(updatePeer(file, ALICE, { presharedKey: PSK_BOB, persistentKeepalive: 0 }));
    expect(withPsk).toBe(
      SERVER_CONF.replace(`PublicKey = ${ALICE}\n`, `PublicKey = ${ALICE}\nPresharedKey = ${PSK_BOB}\n`),
    );
  });

  it('renames in place: our line, friendly_name, else a new line under [Peer]', () => {
    expect(text(updatePeer(file, ALICE, { name: 'alice2' }))).toBe(
      SERVER_CONF.replace('# Name = alice', '# Name = alice2'),
    );
    expect(text(updatePeer(file, DAVE, { name: 'dave' }))).toBe(
      SERVER_CONF.replace("friendly_name = dave's router", 'friendly_name = dave'),
    );
    const renamed = text(updatePeer(file, BOB, { name: 'robert' }));
    expect(renamed).toBe(
      SERVER_CONF.replace(`[Peer]\npublickey=${BOB}`, `[Peer]\n# Name = robert\npublickey=${BOB}`),
    );
    expect(findPeer(parseConfig(renamed), BOB)!.name).toBe('robert');
    expect(text(updatePeer(file, ALICE, { name: null }))).toBe(SERVER_CONF.replace('# Name = alice\n', ''));
  });

  it("renames next to other tools' markers without breaking them", () => {
    const renamed = text(updatePeer(parseConfig(PIVPN_CONF), ALICE, { name: 'alicia' }));
    expect(renamed).toContain('### begin alice ###\n[Peer]\n# Name = alicia\n');
    expect(findPeer(parseConfig(renamed), ALICE)!.name).toBe('alicia');
  });

  it('disables with the marker, comments above included, and enables back to the same bytes', () => {
    const disabled = text(disablePeer(file, BOB));
    expect(disabled).toContain(
      `#! wgdeck disabled\n#! # bob's phone\n#! [Peer]\n#! publickey=${BOB}\n#! presharedkey = ${PSK_BOB}\n` +
        '#! allowedips = 198.18.8.3/32   # v4\n#! AllowedIPs = 2001:2:0:1042::3/128\n#! persistentkeepalive = 25\n\n#! wgdeck disabled\n',
    );
    const reparsed = parseConfig(disabled);
    expect(findPeer(reparsed, BOB)).toMatchObject({
      disabled: true,
      name: "bob's phone",
      presharedKey: PSK_BOB,
    });
    expect(text(enablePeer(reparsed, BOB))).toBe(SERVER_CONF);
    expect(text(enablePeer(disablePeer(file, BOB), BOB))).toBe(SERVER_CONF);
  });

  it('enables a disabled peer in place', () => {
    const enabled = text(enablePeer(file, CAROL));
    expect(enabled).toContain(
      `\n[Peer]\n# Name = carol\nPublicKey = ${CAROL}\nAllowedIPs = 198.18.8.4/32\nPersistentKeepalive = 15\n\n[Peer]\n# friendly_name`,
    );
    expect(findPeer(parseConfig(enabled), CAROL)!.disabled).toBe(false);
  });

  it('disable / enable round-trips every peer of every fixture, CRLF and no final newline included', () => {
    for (const source of [
      SERVER_CONF,
      crlf(SERVER_CONF),
      SERVER_CONF.trimEnd(),
      PIVPN_CONF,
      OTHER_TOOLS_CONF,
    ]) {
      const parsed = parseConfig(source);
      for (const peer of configPeers(parsed)) {
        const key = peer.publicKey!;
        const toggled = peer.disabled
          ? disablePeer(enablePeer(parsed, key), key)
          : enablePeer(disablePeer(parsed, key), key);
        expect(text(toggled)).toBe(source);
        const viaText = peer.disabled ? enablePeer(parsed, key) : disablePeer(parsed, key);
        const back = peer.disabled
          ? disablePeer(parseConfig(text(viaText)), key)
          : enablePeer(parseConfig(text(viaText)), key);
        expect(text(back)).toBe(source);
      }
    }
  });

  it('edits a disabled peer inside its commented block', () => {
    const edited = text(updatePeer(file, CAROL, { allowedIps: ['198.18.8.40/32'], name: 'caroline' }));
    expect(edited).toContain('#! [Peer]\n#! # Name = caroline\n#! PublicKey');
    expect(edited).toContain('#! AllowedIPs = 198.18.8.40/32\n');
    expect(findPeer(parseConfig(edited), CAROL)).toMatchObject({
      disabled: true,
      allowedIps: ['198.18.8.40/32'],
    });
  });

  it('removes a peer with the comments it owns', () => {
    expect(text(removePeer(file, BOB))).toBe(
      SERVER_CONF.replace(/# bob's phone\n\[Peer\]\npublickey[^]*?persistentkeepalive = 25\n\n/, ''),
    );
    expect(text(removePeer(file, CAROL))).toBe(
      SERVER_CONF.replace(/#! wgdeck disabled\n(#![^\n]*\n)+\n/, ''),
    );
    expect(text(removePeer(file, DAVE))).toBe(SERVER_CONF.replace(/\n\[Peer\]\n# friendly_name[^]*$/, ''));
    const pivpn = text(removePeer(parseConfig(PIVPN_CONF), ALICE));
    expect(pivpn).not.toContain('alice');
    expect(pivpn).toContain('### begin bob ###\n[Peer]');
  });

  it('turns SaveConfig off in place', () => {
    const source = SERVER_CONF.replace('SaveConfig = false', 'SaveConfig = true # careful');
    const fixed = disableSaveConfig(parseConfig(source));
    expect(text(fixed)).toBe(SERVER_CONF.replace('SaveConfig = false', 'SaveConfig = false # careful'));
    expect(configInterface(fixed).saveConfig).toBe(false);
  });

  it('refuses a key that is already there, and unknown or wrong-state peers', () => {
    expect(problemsOf(() => addPeer(file, newPeer({ publicKey: CAROL })))).toEqual([
      'publicKey: a peer with this key is already in the config file',
    ]);
    expect(problemsOf(() => removePeer(file, ERIN))).toEqual([
      'publicKey: no peer in the config file has this key',
    ]);
    expect(problemsOf(() => disablePeer(file, CAROL))).toEqual(['publicKey: this peer is already disabled']);
    expect(problemsOf(() => enablePeer(file, ALICE))).toEqual(['publicKey: this peer is not disabled']);
  });
});

describe('validation on edit (hostile input)', () => {
  const file = parseConfig(SERVER_CONF);
  it.each<[string, Partial<NewPeer>, string[]]>([
    [
      'name with a newline',
      { name: 'eve\n[Peer]\nPublicKey = x' },
      ['name: must not contain line breaks or control characters'],
    ],
    ['name with CR', { name: 'eve\rx' }, ['name: must not contain line breaks or control characters']],
    ['name with NUL', { name: 'eve\u0000' }, ['name: must not contain line breaks or control characters']],
    [
      'name with a line separator',
      { name: 'eve\u2028x' },
      ['name: must not contain line breaks or control characters'],
    ],
    ['name with a tab', { name: 'a\tb' }, ['name: must not contain line breaks or control characters']],
    ['name starting with [', { name: '[Peer]' }, ['name: must not start with "[" or "]"']],
    ['name starting with ]', { name: ']x' }, ['name: must not start with "[" or "]"']],
    ['empty name', { name: '' }, ['name: must not be empty']],
    ['name with outer spaces', { name: ' eve ' }, ['name: must not start or end with spaces']],
    ['name too long', { name: 'x'.repeat(65) }, ['name: at most 64 characters']],
    [
      'bidi override',
      { name: 'eve\u202Egnp.exe' },
      ['name: must not contain invisible or direction-changing characters'],
    ],
    [
      'short key',
      { publicKey: 'abc' },
      ['publicKey: is not a WireGuard key (base64 of 32 bytes, 44 characters)'],
    ],
    [
      'key with newline',
      { publicKey: `${ALICE}\n` },
      ['publicKey: is not a WireGuard key (base64 of 32 bytes, 44 characters)'],
    ],
    [
      'bad preshared key',
      { presharedKey: `${'A'.repeat(42)}B=` },
      ['presharedKey: is not a WireGuard key (base64 of 32 bytes, 44 characters)'],
    ],
    ['no allowed IPs', { allowedIps: [] }, ['allowedIps: at least one address/prefix is needed']],
    [
      'prefix too long',
      { allowedIps: ['198.18.0.1/33'] },
      ['allowedIps[0]: "198.18.0.1/33" is not an IPv4 or IPv6 address/prefix'],
    ],
    [
      'leading zero',
      { allowedIps: ['198.18.0.01/32'] },
      ['allowedIps[0]: "198.18.0.01/32" is not an IPv4 or IPv6 address/prefix'],
    ],
    [
      'injection',
      { allowedIps: ['198.18.0.2/32\n[Peer]'] },
      ['allowedIps[0]: "198.18.0.2/32\\n[Peer]" is not an IPv4 or IPv6 address/prefix'],
    ],
    [
      'spaces',
      { allowedIps: [' 198.18.0.2/32'] },
      ['allowedIps[0]: " 198.18.0.2/32" is not an IPv4 or IPv6 address/prefix'],
    ],
    [
      'comma inside',
      { allowedIps: ['198.18.0.2/32,198.18.0.3/32'] },
      ['allowedIps[0]: "198.18.0.2/32,198.18.0.3/32" is not an IPv4 or IPv6 address/prefix'],
    ],
    [
      'zone',
      { allowedIps: ['2001:2:0:1000::1%eth0/128'] },
      ['allowedIps[0]: "2001:2:0:1000::1%eth0/128" is not an IPv4 or IPv6 address/prefix'],
    ],
    [
      'host bits',
      { allowedIps: ['198.18.0.5/24'] },
      ['allowedIps[0]: "198.18.0.5/24" has host bits set: did you mean 198.18.0.5/32 or 198.18.0.0/24?'],
    ],
    [
      'twice',
      { allowedIps: ['198.18.0.2/32', '198.18.0.2'] },
      ['allowedIps[1]: 198.18.0.2/32 is listed twice'],
    ],
    [
      'nested',
      { allowedIps: ['198.18.0.0/24', '198.18.0.7/32'] },
      ['allowedIps[1]: 198.18.0.7/32 overlaps 198.18.0.0/24 (allowedIps[0])'],
    ],
    [
      'keepalive too big',
      { persistentKeepalive: 65536 },
      ['persistentKeepalive: must be an integer from 0 (off) to 65535 seconds'],
    ],
    [
      'keepalive negative',
      { persistentKeepalive: -1 },
      ['persistentKeepalive: must be an integer from 0 (off) to 65535 seconds'],
    ],
    [
      'keepalive fraction',
      { persistentKeepalive: 2.5 },
      ['persistentKeepalive: must be an integer from 0 (off) to 65535 seconds'],
    ],
    [
      'keepalive NaN',
      { persistentKeepalive: Number.NaN },
      ['persistentKeepalive: must be an integer from 0 (off) to 65535 seconds'],
    ],
    ['endpoint without port', { endpoint: '198.18.0.1' }, ['endpoint: must be host:port or [IPv6]:port']],
    [
      'endpoint IPv6 without brackets',
      { endpoint: '2001:2:0:1000::1:51820' },
      ['endpoint: must be host:port or [IPv6]:port'],
    ],
    [
      'endpoint with a newline',
      { endpoint: 'a.example:1\nb' },
      ['endpoint: must be host:port or [IPv6]:port'],
    ],
  ])('refuses %s', (_label, fields, expected) => {
    expect(problemsOf(() => addPeer(file, newPeer(fields)))).toEqual(expected);
  });

  it('reports every problem at once, never quoting keys', () => {
    const secret = `${SERVER_PRIVATE.slice(0, 43)}`;
    const problems = problemsOf(() =>
      addPeer(file, newPeer({ publicKey: secret, name: 'a\nb', allowedIps: ['x'], persistentKeepalive: -5 })),
    );
    expect(problems).toHaveLength(4);
    expect(problems.join()).not.toContain(secret);
    expect(problemsOf(() => updatePeer(file, ALICE, { presharedKey: 'bad', name: '\n' }))).toEqual([
      'name: must not contain line breaks or control characters',
      'presharedKey: is not a WireGuard key (base64 of 32 bytes, 44 characters)',
    ]);
  });

  it('refuses new names with shell metacharacters, accepts an apostrophe and parentheses', () => {
    for (const name of [
      '$(reboot)',
      'a; rm -rf /',
      'x | tee',
      'a && b',
      '`x`',
      'a > b',
      'a\\b',
      'say "hi"',
    ]) {
      expect(problemsOf(() => addPeer(file, newPeer({ name })))).toEqual([
        'name: must not contain shell metacharacters (` $ \\ ; | & < > ")',
      ]);
    }
    const name = "bob's phone (work) #2";
    const edited = text(addPeer(file, newPeer({ name })));
    expect(findPeer(parseConfig(edited), NEW)!.name).toBe(name);
    assertWgAccepts(edited);
  });
});

describe('wg-quick strip and wg accept what we write', () => {
  it('every fixture and every edit of it', () => {
    const sources = [SERVER_CONF, crlf(SERVER_CONF), SERVER_CONF.trimEnd(), PIVPN_CONF, OTHER_TOOLS_CONF];
    for (const source of sources) {
      const file = parseConfig(source);
      const outputs = [
        text(file),
        text(
          addPeer(
            file,
            newPeer({ presharedKey: PSK_BOB, persistentKeepalive: 25, endpoint: '[2001:2:0:1002::1]:51820' }),
          ),
        ),
        text(disableSaveConfig(file)),
      ];
      for (const peer of configPeers(file)) {
        const key = peer.publicKey!;
        outputs.push(
          text(removePeer(file, key)),
          text(peer.disabled ? enablePeer(file, key) : disablePeer(file, key)),
          text(
            updatePeer(file, key, {
              allowedIps: ['198.18.99.1/32', '2001:2:0:1099::1/128'],
              persistentKeepalive: 5,
              presharedKey: PSK_BOB,
              name: 'x y',
            }),
          ),
          text(
            updatePeer(file, key, {
              persistentKeepalive: null,
              presharedKey: null,
              name: null,
              endpoint: 'localhost:51820',
            }),
          ),
        );
      }
      for (const output of outputs) assertWgAccepts(output);
    }
  });

  it('what wg keeps of a disabled peer is nothing', () => {
    const stripped = assertWgAccepts(text(disablePeer(parseConfig(SERVER_CONF), ALICE)));
    expect(stripped).not.toMatch(new RegExp(`^PublicKey = ${ALICE.replace(/[+/]/g, '\\$&')}`, 'm'));
  });
});

// How fast: `npm run bench -- files`.
describe('10,000 peers', () => {
  const source = bigConf(10_000);

  it('parses and serializes exactly', { timeout: BIG_TEST_TIMEOUT_MS }, () => {
    const file = parseConfig(source);
    const output = serializeConfig(file);
    expect(output).toBe(source);
    expect(configPeers(file)).toHaveLength(10_000);
  });

  it('edits one peer touching only its lines', { timeout: BIG_TEST_TIMEOUT_MS }, () => {
    const file = parseConfig(source);
    const key = testKey('big-5000');
    const edited = text(
      updatePeer(
        disablePeer(addPeer(file, newPeer({ allowedIps: ['198.18.200.1/32'] })), key),
        testKey('big-7'),
        { persistentKeepalive: 9 },
      ),
    );
    const before = source.split('\n');
    const after = edited.split('\n');
    expect(after.length - before.length).toBe(1 + 6); // marker + the new block (blank, header, name, key, IPs)
    assertWgAccepts(edited);
  });
});

describe('the ping check address beside the name', () => {
  it('a status rule and thresholds of its own, beside the name; unreadable ones are warnings', () => {
    const conf = (block: string) =>
      `[Interface]\nPrivateKey = ${SERVER_PRIVATE}\n\n[Peer]\n# Name = site-a\n${block}PublicKey = ${ALICE}\nAllowedIPs = 198.18.8.0/24\n`;
    const before = conf('');
    const set = text(
      updatePeer(parseConfig(before), ALICE, {
        statusRule: 'ping',
        statusThresholds: { onlineSeconds: 60, staleSeconds: 600 },
        checkAddress: '198.18.8.1',
      }),
    );
    expect(set).toBe(conf('# CheckAddress = 198.18.8.1\n# StatusRule = ping\n# StatusThresholds = 60/600\n'));
    expect(findPeer(parseConfig(set), ALICE)).toMatchObject({
      statusRule: 'ping',
      statusThresholds: { onlineSeconds: 60, staleSeconds: 600 },
      checkAddress: '198.18.8.1',
    });
    assertWgAccepts(set);
    expect(
      text(
        updatePeer(parseConfig(set), ALICE, { statusRule: null, statusThresholds: null, checkAddress: null }),
      ),
    ).toBe(before);
    const bad = parseConfig(conf('# StatusRule = sometimes\n# StatusThresholds = 600/60\n'));
    expect(findPeer(bad, ALICE)).toMatchObject({ statusRule: null, statusThresholds: null });
    expect(
      configProblems(bad)
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/StatusRule .*\n.*StatusThresholds/);
    expect(
      problemsOf(() =>
        updatePeer(parseConfig(before), ALICE, { statusThresholds: { onlineSeconds: 5, staleSeconds: 10 } }),
      ),
    ).toEqual([expect.stringMatching(/^statusThresholds: thresholds are ONLINE\/STALE/)]);
  });

  const conf = (block: string) =>
    `[Interface]\nPrivateKey = ${SERVER_PRIVATE}\nListenPort = 51820\n\n[Peer]\n${block}PublicKey = ${ALICE}\nAllowedIPs = 198.18.8.0/24\n`;

  it('is read from `# CheckAddress = …` in the block; a bad one is a warning, not a name', () => {
    expect(
      findPeer(parseConfig(conf('# Name = site-a\n# CheckAddress = 198.18.8.1\n')), ALICE),
    ).toMatchObject({
      name: 'site-a',
      checkAddress: '198.18.8.1',
    });
    const bad = parseConfig(conf('# CheckAddress = router.example.net\n'));
    expect(findPeer(bad, ALICE)).toMatchObject({ name: null, checkAddress: null });
    expect(
      configProblems(bad)
        .map((p) => p.message)
        .join('\n'),
    ).toMatch(/CheckAddress .* is not an address/);
  });

  it('is added under the name, rewritten in place, removed — nothing else moves, wg still reads the file', () => {
    const before = conf('# Name = site-a\n');
    const added = text(updatePeer(parseConfig(before), ALICE, { checkAddress: '198.18.8.1' }));
    expect(added).toBe(before.replace('# Name = site-a\n', '# Name = site-a\n# CheckAddress = 198.18.8.1\n'));
    const moved = text(updatePeer(parseConfig(added), ALICE, { checkAddress: '2001:2:0:1018::1' }));
    expect(moved).toBe(added.replace('198.18.8.1', '2001:2:0:1018::1'));
    expect(text(updatePeer(parseConfig(moved), ALICE, { checkAddress: null }))).toBe(before);
    assertWgAccepts(moved);
    const unnamed = conf('');
    expect(text(updatePeer(parseConfig(unnamed), ALICE, { checkAddress: '198.18.8.1' }))).toBe(
      unnamed.replace('[Peer]\n', '[Peer]\n# CheckAddress = 198.18.8.1\n'),
    );
    expect(
      problemsOf(() => updatePeer(parseConfig(before), ALICE, { checkAddress: '198.18.8.0/24' })),
    ).toEqual(['checkAddress: must be one IPv4 or IPv6 address, without a prefix']);
  });
});

describe('lifecycle rules beside the name (peer-lifecycle.ts)', () => {
  const conf = (block: string) =>
    `[Interface]\nPrivateKey = ${SERVER_PRIVATE}\n\n[Peer]\n# Name = site-a\n${block}PublicKey = ${ALICE}\nAllowedIPs = 198.18.8.0/24\n`;
  const quota = {
    bytes: 50 * 1024 ** 3,
    period: 'month' as const,
    direction: 'both' as const,
    reenable: true,
  };
  const schedule = { days: [1, 2, 3, 4, 5], fromMinute: 480, toMinute: 1080, timeZone: 'Europe/Berlin' };
  const expiresAt = Date.UTC(2027, 1, 1); // through 2027-01-31

  it('are written beside the name, read back, and removed to the same bytes', () => {
    const before = conf('');
    const set = text(updatePeer(parseConfig(before), ALICE, { quota, expiresAt, schedule }));
    expect(set).toBe(
      conf('# Quota = 50GiB/month\n# Expires = 2027-01-31\n# Schedule = mon-fri 08:00-18:00 Europe/Berlin\n'),
    );
    expect(findPeer(parseConfig(set), ALICE)).toMatchObject({ quota, expiresAt, schedule, disabledBy: null });
    assertWgAccepts(set);
    expect(text(updatePeer(parseConfig(set), ALICE, { quota: null, expiresAt: null, schedule: null }))).toBe(
      before,
    );
  });

  it('disable writes why the enforcer did it, a plain disable drops it, enable removes it', () => {
    const before = conf('# Quota = 1GiB/day\n');
    const disabled = text(disablePeer(parseConfig(before), ALICE, { reason: 'quota', period: '2026-12-04' }));
    expect(disabled).toContain('#! # Quota = 1GiB/day\n#! # DisabledBy = quota 2026-12-04\n');
    const peer = findPeer(parseConfig(disabled), ALICE)!;
    expect(peer).toMatchObject({ disabled: true, disabledBy: { reason: 'quota', period: '2026-12-04' } });
    expect(peer.quota?.period).toBe('day');
    expect(text(enablePeer(parseConfig(disabled), ALICE))).toBe(before);
    const stale = conf('# DisabledBy = expiry\n');
    expect(findPeer(parseConfig(text(disablePeer(parseConfig(stale), ALICE))), ALICE)?.disabledBy).toBeNull();
  });

  it('go below a plain comment under [Peer] that is the name, so the peer keeps its name', () => {
    const plain = `[Interface]\nPrivateKey = ${SERVER_PRIVATE}\n\n[Peer]\n# lab client 0\nPublicKey = ${ALICE}\nAllowedIPs = 198.18.8.0/24\n`;
    expect(findPeer(parseConfig(plain), ALICE)?.name).toBe('lab client 0');
    const set = text(updatePeer(parseConfig(plain), ALICE, { quota, checkAddress: '198.18.8.1' }));
    expect(set).toBe(
      plain.replace(
        '# lab client 0\n',
        '# lab client 0\n# CheckAddress = 198.18.8.1\n# Quota = 50GiB/month\n',
      ),
    );
    expect(findPeer(parseConfig(set), ALICE)).toMatchObject({ name: 'lab client 0', quota });
    expect(text(updatePeer(parseConfig(set), ALICE, { quota: null, checkAddress: null }))).toBe(plain);
  });

  it("edits a disabled peer's rules inside its commented block", () => {
    const disabled = text(disablePeer(parseConfig(conf('')), ALICE, { reason: 'expiry' }));
    const edited = text(updatePeer(parseConfig(disabled), ALICE, { expiresAt: Date.UTC(2027, 5, 1, 18) }));
    expect(edited).toContain('#! # Expires = 2027-06-01T18:00Z\n');
    expect(findPeer(parseConfig(edited), ALICE)).toMatchObject({
      disabled: true,
      expiresAt: Date.UTC(2027, 5, 1, 18),
      disabledBy: { reason: 'expiry' },
    });
  });

  it('unreadable values are warnings naming the rule, kept in the file, never guessed', () => {
    const bad = conf('# Quota = lots\n# Expires = soon\n# Schedule = weekdays 9-5\n# DisabledBy = boredom\n');
    const file = parseConfig(bad);
    expect(findPeer(file, ALICE)).toMatchObject({
      quota: null,
      expiresAt: null,
      schedule: null,
      disabledBy: null,
    });
    const messages = configProblems(file).map((p) => p.message);
    expect(messages).toEqual([
      expect.stringMatching(/^Quota "lots": a quota is SIZE\/day/),
      expect.stringMatching(/^Expires "soon": an expiry is a date/),
      expect.stringMatching(/^Schedule "weekdays 9-5": a schedule is DAYS/),
      expect.stringMatching(/^DisabledBy "boredom": why the enforcer/),
    ]);
    expect(configProblems(file).every((p) => !p.fatal)).toBe(true);
    expect(text(file)).toBe(bad);
    const disabled = parseConfig(text(disablePeer(parseConfig(bad), ALICE)));
    expect(configProblems(disabled).map((p) => p.message)[0]).toMatch(/^disabled peer: Quota "lots"/);
    // Setting a value rewrites the unreadable line in place.
    expect(text(updatePeer(file, ALICE, { quota }))).toContain('# Quota = 50GiB/month\n# Expires = soon');
  });

  it('refuses values the file could not read back the same', () => {
    expect(
      problemsOf(() =>
        updatePeer(parseConfig(conf('')), ALICE, {
          quota: { ...quota, bytes: 0 },
          expiresAt: expiresAt + 1,
          schedule: { ...schedule, timeZone: 'Mars/Olympus' },
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^quota: a quota is/),
      expect.stringMatching(/^expiresAt: an expiry is/),
      expect.stringMatching(/^schedule: a schedule is/),
    ]);
  });
});
