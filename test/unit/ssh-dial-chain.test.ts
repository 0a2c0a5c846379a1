// ProxyJump chains (`a,b`) against in-process ssh2 servers acting as jump hosts: the edge cases a real
// lab cannot stage on demand (a hop refusing to forward, a hop with an unknown key, a hop dropping).
// What must hold with OpenSSH is in test/lab/engine.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { dialOptionsFor } from '../../src/main/core/fleet/server-session.ts';
import type { WgDeckError } from '../../src/main/core/errors.ts';
import { planAuth } from '../../src/main/core/ssh/auth.ts';
import { dial, type DialOptions, type HostKeyGate, type Hop } from '../../src/main/core/ssh/dial.ts';
import { HostKeyError } from '../../src/main/core/ssh/host-key-policy.ts';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../support/fake-ssh-server.ts';
import { until } from '../support/until.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One client key every fake accepts, as one identity file serves every hop of a real chain. */
const shared = (() => {
  const pair = ssh2.utils.generateKeyPairSync('ed25519');
  const identityFile = join(mkdtempSync(join(tmpdir(), 'wgdeck-chain-')), 'id_ed25519');
  writeFileSync(identityFile, pair.private, { mode: 0o600 });
  return { identityFile, publicKey: pair.public };
})();

async function fake(options: Partial<FakeServerOptions> = {}): Promise<FakeServer> {
  const server = await startFakeServer({
    onExec: (_command, channel) => {
      channel.write('hello from the target\n');
      channel.exit(0);
      channel.end();
    },
    extraKeys: [shared.publicKey],
    ...options,
  });
  cleanups.push(() => server.close());
  return server;
}

/** The fakes' gates as one, recording which port was checked when; `unknown` ports are refused. */
function gateFor(servers: FakeServer[], unknown: number[] = []): HostKeyGate & { checked: number[] } {
  const checked: number[] = [];
  return {
    checked,
    check: (host, port, blob) => {
      checked.push(port);
      const server = servers.find((s) => s.port === port);
      if (!server || unknown.includes(port)) {
        return Promise.reject(
          new HostKeyError('HOST_KEY_UNKNOWN', `unknown key for ${host}:${port}`, {
            host,
            port,
            keyType: 'ssh-ed25519',
            fingerprint: 'SHA256:fake',
          }),
        );
      }
      return server.gate.check(host, port, blob);
    },
    algorithms: () => Promise.resolve(undefined),
  };
}

async function hop(server: FakeServer, user = 'operator'): Promise<Hop> {
  return {
    endpoint: { host: '127.0.0.1', port: server.port, user },
    auth: await planAuth({ user, identityFile: shared.identityFile, agentSocket: '' }),
  };
}

async function options(jumps: FakeServer[], target: FakeServer, gate: HostKeyGate): Promise<DialOptions> {
  return {
    target: await hop(target),
    jumps: await Promise.all(jumps.map((j) => hop(j))),
    gate,
    readyTimeoutMs: 5000,
  };
}

function failure(promise: Promise<unknown>): Promise<WgDeckError> {
  return promise.then(
    () => {
      throw new Error('dial succeeded');
    },
    (error: unknown) => error as WgDeckError,
  );
}

function run(client: ssh2.Client, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      let out = '';
      channel.on('data', (chunk: Buffer) => (out += chunk.toString()));
      channel.on('close', () => resolve(out));
    });
  });
}

const allClosed = (servers: FakeServer[], what: string) =>
  until(() => servers.every((s) => s.liveConnections() === 0), what, 5000);

describe('dial through a jump chain', () => {
  it('connects hop by hop, each through the one before, checking every host key in order', async () => {
    const [a, b] = [await fake({ forwarding: 'allow' }), await fake({ forwarding: 'allow' })];
    const target = await fake();
    const gate = gateFor([a, b, target]);
    const ssh = await dial(await options([a, b], target, gate));
    expect(await run(ssh.client, 'hello')).toBe('hello from the target\n');
    expect(gate.checked).toEqual([a.port, b.port, target.port]);
    // Only a talked to us directly: b was asked for by a, the target by b.
    expect(a.stats.forwards).toEqual([`127.0.0.1:${b.port}`]);
    expect(b.stats.forwards).toEqual([`127.0.0.1:${target.port}`]);
    expect([a, b, target].map((s) => s.stats.connections)).toEqual([1, 1, 1]);
    ssh.close();
    await ssh.closed;
    await allClosed([a, b, target], 'every hop closed with the target');
  });

  it('reads the chain from a server config: hop users from the spec, else the server user', async () => {
    const [a, b] = [await fake({ forwarding: 'allow' }), await fake({ forwarding: 'allow' })];
    const target = await fake();
    const dialOptions = await dialOptionsFor(
      {
        name: 'behind-two',
        host: '127.0.0.1',
        port: target.port,
        user: 'operator',
        identityFile: shared.identityFile,
        sudo: false,
        jump: `hopper@127.0.0.1:${a.port},127.0.0.1:${b.port}`,
      },
      gateFor([a, b, target]),
      {},
    );
    expect(dialOptions.jumps?.map((j) => j.endpoint)).toEqual([
      { host: '127.0.0.1', port: a.port, user: 'hopper' },
      { host: '127.0.0.1', port: b.port, user: 'operator' },
    ]);
    const ssh = await dial(dialOptions);
    expect(await run(ssh.client, 'hello')).toBe('hello from the target\n');
    ssh.close();
    await allClosed([a, b, target], 'every hop closed');
  });

  it('a hop with an unknown host key: no credential to it, nothing to later hops, earlier hops closed', async () => {
    const [a, b] = [await fake({ forwarding: 'allow' }), await fake({ forwarding: 'allow' })];
    const target = await fake();
    const error = await failure(dial(await options([a, b], target, gateFor([a, b, target], [b.port]))));
    expect(error).toBeInstanceOf(HostKeyError); // the CLI's trust prompt still recognises it
    expect(error.code).toBe('HOST_KEY_UNKNOWN');
    expect(error.message).toBe(
      `jump 2 of 2 (operator@127.0.0.1:${b.port}): unknown key for 127.0.0.1:${b.port}`,
    );
    expect(b.stats.authAttempts).toBe(0);
    expect(target.stats.connections).toBe(0);
    expect(b.stats.forwards).toEqual([]);
    await allClosed([a, b], 'the first hop closed');
  });

  it('a hop refusing to forward: the next hop is named, never reached, and the chain is closed', async () => {
    const [a, b, c] = [
      await fake({ forwarding: 'allow' }),
      await fake({ forwarding: 'refuse' }),
      await fake({ forwarding: 'allow' }),
    ];
    const target = await fake();
    const error = await failure(dial(await options([a, b, c], target, gateFor([a, b, c, target]))));
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toMatch(
      new RegExp(
        `^jump 3 of 3 \\(operator@127\\.0\\.0\\.1:${c.port}\\): Cannot reach 127\\.0\\.0\\.1:${c.port}: ` +
          `jump 2 \\(operator@127\\.0\\.0\\.1:${b.port}\\) could not open a tunnel: `,
      ),
    );
    expect(b.stats.forwards).toEqual([`127.0.0.1:${c.port}`]);
    expect(c.stats.connections).toBe(0);
    expect(target.stats.connections).toBe(0);
    await allClosed([a, b], 'both opened hops closed');
  });

  it('the last hop refusing to forward: a target error, naming the hop that refused', async () => {
    const [a, b] = [await fake({ forwarding: 'allow' }), await fake({ forwarding: 'refuse' })];
    const target = await fake();
    const error = await failure(dial(await options([a, b], target, gateFor([a, b, target]))));
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toMatch(
      new RegExp(
        `^Cannot reach 127\\.0\\.0\\.1:${target.port}: jump 2 \\(operator@127\\.0\\.0\\.1:${b.port}\\) ` +
          'could not open a tunnel',
      ),
    );
    expect(target.stats.connections).toBe(0);
    await allClosed([a, b], 'both hops closed');
  });

  it('a hop refusing authentication: named, later hops untouched, earlier ones closed', async () => {
    const [a, b] = [
      await fake({ forwarding: 'allow' }),
      await fake({ forwarding: 'allow', refuseAuth: true }),
    ];
    const target = await fake();
    const error = await failure(dial(await options([a, b], target, gateFor([a, b, target]))));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toMatch(
      new RegExp(`^jump 2 of 2 \\(operator@127\\.0\\.0\\.1:${b.port}\\): Authentication as operator on `),
    );
    expect(target.stats.connections).toBe(0);
    await allClosed([a, b], 'the hops closed');
  });

  it('the first hop dropping ends the target and every hop after it', async () => {
    const [a, b] = [await fake({ forwarding: 'allow' }), await fake({ forwarding: 'allow' })];
    const target = await fake();
    const ssh = await dial(await options([a, b], target, gateFor([a, b, target])));
    a.dropAll();
    await ssh.closed;
    await allClosed([a, b, target], 'the whole chain closed');
  });

  it('the target dropping ends every hop', async () => {
    const [a, b] = [await fake({ forwarding: 'allow' }), await fake({ forwarding: 'allow' })];
    const target = await fake();
    const ssh = await dial(await options([a, b], target, gateFor([a, b, target])));
    target.dropAll();
    await ssh.closed;
    await allClosed([a, b, target], 'the whole chain closed');
  });
});
