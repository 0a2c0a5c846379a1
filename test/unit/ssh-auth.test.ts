import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectOnce } from '../../src/main/core/fleet/collect-once.ts';
import { DEFAULT_THRESHOLDS } from '../../src/shared/domain.ts';
import type { ServerConfig } from '../../src/shared/server-config.ts';
import { collectorFrame, startFakeServer, type FakeServer } from '../support/fake-ssh-server.ts';

const servers: FakeServer[] = [];
const agents: (() => void)[] = [];
afterAll(async () => {
  for (const stop of agents) stop();
  for (const server of servers) await server.close();
});

async function fake(options: { password?: string; extraKeys?: string[] } = {}): Promise<FakeServer> {
  const server = await startFakeServer({
    ...options,
    onExec: (_command, channel) => {
      channel.write(collectorFrame(1));
      channel.exit(0);
      channel.end();
    },
  });
  servers.push(server);
  return server;
}

function config(server: FakeServer, extra: Partial<ServerConfig> = {}): ServerConfig {
  return { name: 'fake', host: '127.0.0.1', port: server.port, user: 'ops', sudo: false, ...extra };
}

/** A real OpenSSH ssh-agent holding one fresh key; returns its socket and the public key line. */
function startAgent(): { socket: string; publicKey: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-agent-'));
  const socket = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  agents.push(() => agent.kill());
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
  for (let i = 0; i < 50; i++) {
    try {
      execFileSync('ssh-add', [join(dir, 'key')], {
        env: { ...process.env, SSH_AUTH_SOCK: socket },
        stdio: 'ignore',
      });
      break;
    } catch {
      execFileSync('sleep', ['0.1']);
    }
  }
  return { socket, publicKey: readFileSync(join(dir, 'key.pub'), 'utf8') };
}

describe('SSH authentication methods (real ssh-agent and ssh-keygen, in-process server)', () => {
  it('authenticates with a key held by ssh-agent', async () => {
    const agent = startAgent();
    const server = await fake({ extraKeys: [agent.publicKey] });
    const previous = process.env['SSH_AUTH_SOCK'];
    process.env['SSH_AUTH_SOCK'] = agent.socket;
    try {
      const live = await collectOnce({
        server: config(server),
        gate: server.gate,
        credentials: {},
        thresholds: DEFAULT_THRESHOLDS,
      });
      expect(live.state).toBe('connected');
    } finally {
      if (previous === undefined) delete process.env['SSH_AUTH_SOCK'];
      else process.env['SSH_AUTH_SOCK'] = previous;
    }
  });

  it('authenticates with a password, and reports a wrong one as AUTH_FAILED', async () => {
    const server = await fake({ password: 'correct horse' });
    const previous = process.env['SSH_AUTH_SOCK'];
    delete process.env['SSH_AUTH_SOCK'];
    try {
      const ok = await collectOnce({
        server: config(server),
        gate: server.gate,
        credentials: { password: 'correct horse' },
        thresholds: DEFAULT_THRESHOLDS,
      });
      expect(ok.state).toBe('connected');
      await expect(
        collectOnce({
          server: config(server),
          gate: server.gate,
          credentials: { password: 'wrong' },
          thresholds: DEFAULT_THRESHOLDS,
        }),
      ).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    } finally {
      if (previous !== undefined) process.env['SSH_AUTH_SOCK'] = previous;
    }
  });

  it('needs the passphrase of an encrypted key file, and uses it when given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wgdeck-enc-'));
    const keyFile = join(dir, 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'open sesame', '-f', keyFile]);
    const server = await fake({ extraKeys: [readFileSync(`${keyFile}.pub`, 'utf8')] });
    const target = config(server, { identityFile: keyFile });
    await expect(
      collectOnce({ server: target, gate: server.gate, credentials: {}, thresholds: DEFAULT_THRESHOLDS }),
    ).rejects.toMatchObject({ code: 'PASSPHRASE_REQUIRED' });
    const live = await collectOnce({
      server: target,
      gate: server.gate,
      credentials: { passphrase: 'open sesame' },
      thresholds: DEFAULT_THRESHOLDS,
    });
    expect(live.state).toBe('connected');
  });

  it('says which identity file is missing', async () => {
    const server = await fake();
    await expect(
      collectOnce({
        server: config(server, { identityFile: '/nonexistent/id' }),
        gate: server.gate,
        credentials: {},
        thresholds: DEFAULT_THRESHOLDS,
      }),
    ).rejects.toThrow(/Key file \/nonexistent\/id does not exist/);
  });
});
