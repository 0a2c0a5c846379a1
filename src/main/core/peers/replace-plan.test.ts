import { describe, expect, it } from 'vitest';
import { disableSaveConfig, parseConfig, serializeConfig } from './config-file.ts';
import { publicKeyOf } from './keys.ts';
import { fileFromLive } from './live-to-file.ts';
import { planFileReplacement } from './replace-plan.ts';
import {
  ALICE,
  BOB,
  CAROL,
  DAVE,
  ERIN,
  PSK_BOB,
  SERVER_CONF,
  SERVER_PRIVATE,
  livePeer,
  serverLive,
} from './fixtures.testkit.ts';
import { assertWgAccepts } from './wg-tools.testkit.ts';

const SERVER_PUBLIC = publicKeyOf(SERVER_PRIVATE);

describe('planFileReplacement', () => {
  it('is tier 0 with only the write when the live state already matches the new file', () => {
    const newText = SERVER_CONF.replace('# Name = alice', '# Name = alice2');
    const plan = planFileReplacement({
      iface: 'wg0',
      fileText: SERVER_CONF,
      newText,
      live: serverLive(SERVER_PUBLIC),
      title: 'Restore x',
    });
    expect(plan.preview.tier).toBe(0);
    expect(plan.commands.map((c) => c.argv[3])).toEqual(['wgdeck-write']);
    expect(plan.preview.changes).toEqual([
      { action: 'edit', publicKey: ALICE, name: 'alice2', details: ['name: "alice" → "alice2"'] },
    ]);
  });

  it('restoring an older file is tier 2 and lists exactly the peers that change live', () => {
    // The backup lacks dave and has carol enabled; the live state is the current file.
    const backup = SERVER_CONF.replace(/#! /g, '')
      .replace('wgdeck disabled\n', '')
      .replace(/\[Peer\]\n# friendly_name[\s\S]*$/, '');
    assertWgAccepts(backup);
    const plan = planFileReplacement({
      iface: 'wg0',
      fileText: SERVER_CONF,
      newText: backup,
      live: serverLive(SERVER_PUBLIC),
      title: 'Restore',
    });
    expect(plan.preview.tier).toBe(2);
    expect(plan.commands.map((c) => c.argv[3])).toEqual(['wgdeck-write', 'wgdeck-syncconf']);
    const touched = Object.fromEntries(plan.preview.touched.map((t) => [t.publicKey, t.effect]));
    expect(touched).toEqual({ [CAROL]: 'added', [DAVE]: 'removed' });
    expect(plan.preview.touched.every((t) => t.intended)).toBe(true);
    expect(plan.preview.diff).not.toContain(PSK_BOB);
    expect(plan.preview.blockers).toEqual([]);
  });

  it('file → live (same text) is syncconf only, touching only the drifted peers', () => {
    const live = serverLive(SERVER_PUBLIC);
    live.peers.push(livePeer(ERIN, { allowedIps: ['198.18.8.9/32'] }));
    live.peers[0]!.allowedIps = ['198.18.8.2/32'];
    const plan = planFileReplacement({
      iface: 'wg0',
      fileText: SERVER_CONF,
      newText: SERVER_CONF,
      live,
      title: 'File → live',
    });
    expect(plan.commands.map((c) => c.argv[3])).toEqual(['wgdeck-syncconf']);
    expect(plan.preview.touched.map((t) => [t.publicKey, t.effect])).toEqual([
      [ERIN, 'removed'],
      [ALICE, 'updated'],
    ]);
  });

  it('blocks a live apply that would change the interface key or port', () => {
    const live = serverLive(SERVER_PUBLIC);
    const moved = SERVER_CONF.replace('ListenPort    =51820', 'ListenPort = 51999');
    const plan = planFileReplacement({
      iface: 'wg0',
      fileText: SERVER_CONF,
      newText: moved,
      live,
      title: 'Restore',
    });
    expect(plan.preview.tier).toBe(2);
    expect(plan.preview.blockers.join(' ')).toMatch(/ListenPort.*restart/);
  });

  it('turning SaveConfig off is a file-only change', () => {
    const on = SERVER_CONF.replace('SaveConfig = false', 'SaveConfig = true');
    const off = serializeConfig(disableSaveConfig(parseConfig(on)));
    const plan = planFileReplacement({
      iface: 'wg0',
      fileText: on,
      newText: off,
      live: serverLive(SERVER_PUBLIC),
      title: 'SaveConfig',
    });
    expect(plan.preview.tier).toBe(0);
    expect(plan.preview.diff).toContain('-SaveConfig = true');
    expect(plan.preview.diff).toContain('+SaveConfig = false');
    expect(plan.preview.warnings.join(' ')).not.toMatch(/SaveConfig = true/);
  });

  it('refuses a bad target before anything else', () => {
    expect(() =>
      planFileReplacement({
        iface: 'wg0;rm',
        fileText: SERVER_CONF,
        newText: SERVER_CONF,
        live: null,
        title: 'x',
      }),
    ).toThrow(/iface/);
  });
});

describe('fileFromLive', () => {
  it('writes the live state into the file, keeping names, comments and disabled peers', () => {
    const live = serverLive(SERVER_PUBLIC);
    live.peers = live.peers.filter((p) => p.publicKey !== DAVE);
    live.peers[0]!.allowedIps = ['198.18.8.2/32'];
    live.peers[0]!.persistentKeepalive = 30;
    live.peers.push(livePeer(ERIN, { allowedIps: ['198.18.8.9/32'] }));
    const showconf = `[Interface]\nListenPort = 51820\nPrivateKey = ${SERVER_PRIVATE}\n\n[Peer]\nPublicKey = ${ALICE}\nAllowedIPs = 198.18.8.2/32\nPersistentKeepalive = 30\n\n[Peer]\nPublicKey = ${BOB}\nPresharedKey = ${PSK_BOB}\nAllowedIPs = 198.18.8.3/32, 2001:2:0:1042::3/128\nEndpoint = 198.18.3.3:40000\nPersistentKeepalive = 25\n\n[Peer]\nPublicKey = ${ERIN}\nAllowedIPs = 198.18.8.9/32\nEndpoint = 198.18.3.4:40000\n`;
    const { text, notes } = fileFromLive(SERVER_CONF, showconf, live);
    assertWgAccepts(text);
    expect(text).toContain('# Name = alice');
    expect(text).toMatch(
      /# Name = alice\nPublicKey = [^\n]+\nAllowedIPs = 198\.18\.8\.2\/32\nPersistentKeepalive = 30/,
    );
    expect(text).toContain('# friendly_name = dave');
    expect(text).toMatch(/#! wgdeck disabled\n#! \[Peer\]\n#! # friendly_name = dave's router/);
    expect(text).toContain(`PublicKey = ${ERIN}\nAllowedIPs = 198.18.8.9/32\n`);
    expect(text).not.toContain('198.18.3.4');
    expect(text).toContain('#! # Name = carol'); // still disabled: it is not live
    expect(notes.join(' ')).toMatch(/without a name/);
    expect(notes.join(' ')).toMatch(/kept in the file as disabled/);
  });
});
