import { describe, expect, it } from 'vitest';
import { sshConfigCandidates } from './ssh-config-import.ts';

describe('sshConfigCandidates', () => {
  it('resolves Host blocks as ssh would, skipping wildcard defaults', () => {
    const text = `
Host *
  User fallback
  ServerAliveInterval 30

Host edge-1 edge-1b
  HostName 203.0.113.7
  Port 2222
  IdentityFile ~/.ssh/edge_ed25519
  ProxyJump admin@bastion.example.org:2200

Host db-*
  User dbadmin

Host vpn2
  HostName vpn2.example.org
  User ops

Host weird
  HostName "bad host; rm -rf /"
`;
    const candidates = sshConfigCandidates(text);
    expect(candidates.map((c) => c.alias)).toEqual(['edge-1', 'edge-1b', 'vpn2']);
    expect(candidates[0]).toMatchObject({
      host: '203.0.113.7',
      port: 2222,
      user: 'fallback',
      jump: 'admin@bastion.example.org:2200',
    });
    expect(candidates[0]!.identityFile).toMatch(/\/\.ssh\/edge_ed25519$/);
    // OpenSSH semantics: the first value obtained wins, so the leading `Host *` User applies here too.
    expect(candidates[2]).toEqual({ alias: 'vpn2', host: 'vpn2.example.org', port: 22, user: 'fallback' });
  });

  it('returns nothing for an empty config', () => {
    expect(sshConfigCandidates('')).toEqual([]);
  });
});
