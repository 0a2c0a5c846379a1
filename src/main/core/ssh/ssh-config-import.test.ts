import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSshConfig, sshConfigCandidates } from './ssh-config-import.ts';
import type { LocalContext } from './ssh-config/destination.ts';
import { loadConfigText } from './ssh-config/include.ts';

const home = mkdtempSync(join(tmpdir(), 'wgdeck-sshcfg-'));
const local: LocalContext = { home, localUser: 'me', uid: 1000, localHost: 'desk.example.net' };
const candidates = async (text: string) =>
  sshConfigCandidates(await loadConfigText('config', text, home), local);

describe('sshConfigCandidates', () => {
  it('resolves Host blocks as ssh would, skipping wildcard defaults and hosts ssh would refuse', async () => {
    const found = await candidates(`
Host *
  User fallback
  ServerAliveInterval 30

Host edge-1 edge-1b
  HostName 198.18.0.7
  Port 2222
  IdentityFile ~/.ssh/edge_ed25519
  ProxyJump admin@bastion.example.net:2200

Host db-*
  User dbadmin

Host vpn2
  HostName vpn2.example.net
  User ops

Host weird
  HostName "bad host; rm -rf /"

Host badtoken
  HostName %r.example.net
`);
    expect(found.map((c) => c.alias)).toEqual(['edge-1', 'vpn2']);
    expect(found[0]).toEqual({
      alias: 'edge-1',
      aliases: ['edge-1b'],
      host: '198.18.0.7',
      port: 2222,
      user: 'fallback',
      identityFile: join(home, '.ssh/edge_ed25519'),
      jump: ['admin@bastion.example.net:2200'],
      unsupported: [],
    });
    // OpenSSH semantics: the first value obtained wins, so the leading `Host *` User applies here too.
    expect(found[1]).toEqual({
      alias: 'vpn2',
      host: 'vpn2.example.net',
      port: 22,
      user: 'fallback',
      identityFile: null,
      jump: [],
      unsupported: [],
    });
  });

  it('follows ProxyJump aliases, chains and a first hop’s own ProxyJump; reports loops', async () => {
    const found = await candidates(`
Host bastion
  HostName 198.18.0.1
  User jump
Host inner
  HostName inner.example.net
  Port 2200
  ProxyJump bastion
Host later
  HostName 198.18.0.3
  ProxyJump nowhere
Host target
  HostName 198.18.0.10
  ProxyJump inner,ops@later:2022
Host loop-a
  ProxyJump loop-b
Host loop-b
  ProxyJump loop-a
`);
    const target = found.find((c) => c.alias === 'target')!;
    expect(target.jump).toEqual(['jump@198.18.0.1:22', 'me@inner.example.net:2200', 'ops@198.18.0.3:2022']);
    expect(found.find((c) => c.alias === 'loop-a')!.unsupported).toEqual(['ProxyJump']);
  });

  it('reports ProxyCommand, Match options and harmless extras; ProxyJump none means direct', async () => {
    const found = await candidates(`
Host pc
  ProxyCommand nc %h %p
Host pcnone
  HostName 198.18.0.4
  ProxyCommand none
  ProxyJump bastion
Host pj
  HostName 198.18.0.5
  ProxyJump none
Host rc
  HostName 198.18.0.6
  RemoteCommand tmux attach
Host * !bastion
  ProxyJump bastion
Match host pc
  User other
`);
    const by = (alias: string) => found.find((c) => c.alias === alias)!;
    expect(by('pc').unsupported).toEqual(['Match', 'ProxyCommand']);
    expect(by('pcnone').jump).toEqual([]);
    expect(by('pj').jump).toEqual([]);
    expect(by('rc')).toMatchObject({ jump: ['me@bastion:22'], unsupported: ['Match', 'RemoteCommand'] });
  });

  it('expands tokens in HostName and IdentityFile, and brackets an IPv6 hop', async () => {
    const found = await candidates(`
Host web
  HostName %h.example.net
  User admin
  Port 2201
  IdentityFile ~/.ssh/%r@%h:%p-%u-%%
Host v6
  HostName 2001:2:0:1000::5
  ProxyJump ops@[2001:2:0:1000::1]:2222
Host odd
  HostName 198.18.0.8
  IdentityFile ~/.ssh/%C
`);
    expect(found[0]).toMatchObject({
      host: 'web.example.net',
      identityFile: join(home, '.ssh/admin@web.example.net:2201-me-%'),
    });
    expect(found[1]!.jump).toEqual(['ops@[2001:2:0:1000::1]:2222']);
    expect(found[2]).toMatchObject({ identityFile: null, unsupported: ['IdentityFile'] });
  });

  it('reads Include files relative to ~/.ssh, globs sorted', async () => {
    mkdirSync(join(home, '.ssh', 'conf.d'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'conf.d', 'b.conf'), 'Host b\n  HostName 198.18.0.12\n');
    writeFileSync(join(home, '.ssh', 'conf.d', 'a.conf'), 'Host a\n  HostName 198.18.0.11\n');
    writeFileSync(join(home, '.ssh', 'ports'), 'Port 2299\n');
    writeFileSync(join(home, 'config'), 'Include conf.d/*.conf\nHost a b\n  Include ports\n');
    const found = await importSshConfig(join(home, 'config'), local);
    expect(found.map((c) => [c.alias, c.host, c.port])).toEqual([
      ['a', '198.18.0.11', 2299],
      ['b', '198.18.0.12', 2299],
    ]);
  });

  it('returns nothing for an empty or missing config', async () => {
    expect(await candidates('')).toEqual([]);
    expect(await importSshConfig(join(home, 'missing'), local)).toEqual([]);
  });
});
