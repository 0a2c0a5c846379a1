import { describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { sameSessionConfig } from './session-config.ts';

const server: ServerConfig = { name: 'edge', host: '198.18.7.1', port: 22, user: 'root', sudo: false };

describe('sameSessionConfig', () => {
  it('ignores where the server is shown and how placement weighs it', () => {
    expect(sameSessionConfig(server, { ...server, group: 'eu', maxPeers: 100, weight: 2 })).toBe(true);
  });

  it.each<Partial<ServerConfig>>([
    { host: '198.18.7.2' },
    { port: 2222 },
    { user: 'ops' },
    { sudo: true },
    { jump: 'bastion' },
    { identityFile: '/k' },
    { intervalSeconds: 10 },
    { configPaths: { wg0: '/srv/wg0.conf' } },
  ])('a change of %j is a new session', (change) => {
    expect(sameSessionConfig(server, { ...server, ...change })).toBe(false);
  });
});
