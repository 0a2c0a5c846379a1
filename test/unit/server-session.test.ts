import type { ServerChannel } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type ServerLive } from '../../src/shared/domain.ts';
import type { ServerConfig } from '../../src/shared/server-config.ts';
import { ServerSession } from '../../src/main/core/fleet/server-session.ts';
import {
  collectorFrame,
  startFakeServer,
  type ExecHandler,
  type FakeServer,
} from '../support/fake-ssh-server.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function config(server: FakeServer, name = 'fake'): ServerConfig {
  return {
    name,
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
    identityFile: server.identityFile,
    sudo: false,
  };
}

async function fake(onExec: ExecHandler, refuseAuth = false): Promise<FakeServer> {
  const server = await startFakeServer({ onExec, refuseAuth });
  cleanups.push(() => server.close());
  return server;
}

function session(
  server: FakeServer,
  overrides: { name?: string; port?: number; gate?: FakeServer['gate'] } = {},
) {
  const s = new ServerSession({
    server: { ...config(server, overrides.name), port: overrides.port ?? server.port },
    gate: overrides.gate ?? server.gate,
    credentials: () => Promise.resolve({}),
    intervalSeconds: 1,
    thresholds: DEFAULT_THRESHOLDS,
    timing: { backoffBaseMs: 50, backoffCapMs: 200, stallMs: 1500, readyTimeoutMs: 3000 },
  });
  cleanups.push(() => s.stop());
  return s;
}

function until(
  s: ServerSession,
  predicate: (live: ServerLive) => boolean,
  timeoutMs = 8000,
): Promise<ServerLive> {
  return new Promise((resolve, reject) => {
    if (predicate(s.live)) return resolve(s.live);
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(`timed out; last state ${JSON.stringify({ state: s.live.state, error: s.live.error })}`),
      );
    }, timeoutMs);
    const off = s.onChange((live) => {
      if (predicate(live)) {
        clearTimeout(timer);
        off();
        resolve(live);
      }
    });
  });
}

/** A collector that streams one good frame every 200 ms. */
function streaming(channel: ServerChannel, from = 1): () => void {
  let seq = from;
  channel.write(collectorFrame(seq++));
  const timer = setInterval(() => channel.write(collectorFrame(seq++)), 200);
  channel.on('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

describe('ServerSession against an in-process SSH server', () => {
  it('streams frames into live state with rates over server time', async () => {
    const server = await fake((_command, channel) => streaming(channel));
    const s = session(server);
    s.start();
    const live = await until(s, (l) => l.interfaces[0]?.peers[0]?.rxRate != null);
    expect(live.state).toBe('connected');
    expect(live.interfaces[0]!.peers[0]!.rxRate).toBe(200); // 1000 bytes per 5 s of server time
    expect(live.interfaces[0]!.peers[0]!.status).toBe('online');
    expect(live.interfaces[0]!.counters?.rxBytes).toBeGreaterThan(0);
    expect(server.stats.connections).toBe(1);
  });

  it('drops garbled and malformed frames and keeps going', async () => {
    const server = await fake((_command, channel) => {
      channel.write('motd noise\n\x00\xff garbage\n');
      channel.write('@wgdeck frame 1\n@wgdeck time notanumber 5\n@wgdeck end 1\n');
      channel.write(
        '@wgdeck frame 2\n@wgdeck time 1700000010 1010\n@wgdeck wg 0\nwg0\tbroken\n@wgdeck end 2\n',
      );
      streaming(channel, 3);
    });
    const s = session(server);
    s.start();
    const live = await until(s, (l) => l.state === 'connected');
    expect(live.interfaces).toHaveLength(1);
    expect(server.stats.connections).toBe(1);
  });

  it('detects a silent server, reconnects on its own, and recovers', async () => {
    const server = await fake((_command, channel, connection) => {
      if (connection > 0) streaming(channel); // the first collector hangs without a byte
    });
    const s = session(server);
    s.start();
    await until(s, (l) => l.errorCode === 'STALLED');
    const live = await until(s, (l) => l.state === 'connected');
    expect(live.interfaces).toHaveLength(1);
    expect(server.stats.connections).toBeGreaterThanOrEqual(2);
  });

  it('reconnects after the server drops the connection', async () => {
    const server = await fake((_command, channel) => streaming(channel));
    const s = session(server);
    s.start();
    await until(s, (l) => l.state === 'connected');
    server.dropAll();
    await until(s, (l) => l.state === 'reconnecting');
    await until(s, (l) => l.state === 'connected');
    expect(server.stats.connections).toBe(2);
  });

  it('refuses a host key before sending any credential, and does not retry', async () => {
    const server = await fake((_command, channel) => streaming(channel));
    const s = session(server, {
      gate: {
        check: () =>
          Promise.reject(
            Object.assign(new Error('key changed'), {
              code: 'HOST_KEY_CHANGED',
              keyType: 'ssh-ed25519',
              fingerprint: `SHA256:${'N'.repeat(43)}`,
              expectedFingerprints: [`SHA256:${'O'.repeat(43)}`],
            }),
          ),
        algorithms: () => Promise.resolve(undefined),
      },
    });
    s.start();
    const live = await until(s, (l) => l.state === 'error');
    expect(live.errorCode).toBe('HOST_KEY_CHANGED');
    // What the UI needs to offer a deliberate re-trust, without parsing the message.
    expect(live.errorDetails).toEqual({
      keyType: 'ssh-ed25519',
      fingerprint: `SHA256:${'N'.repeat(43)}`,
      expectedFingerprints: [`SHA256:${'O'.repeat(43)}`],
    });
    expect(server.stats.authAttempts).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(server.stats.connections).toBe(1);
  });

  it('reports refused authentication as AUTH_FAILED', async () => {
    const server = await fake(() => undefined, true);
    const s = session(server);
    s.start();
    const live = await until(s, (l) => l.errorCode === 'AUTH_FAILED');
    expect(live.state).toBe('reconnecting');
    expect(live.error).toContain(server.identityFile);
  });

  it('keeps streaming while wg fails (sudo) and turns green when it is fixed', async () => {
    const server = await fake((_command, channel) => {
      channel.write(collectorFrame(1, { wgError: 'sudo: a password is required' }));
      setTimeout(() => streaming(channel, 2), 300);
    });
    const s = session(server);
    s.start();
    const failing = await until(s, (l) => l.state === 'error');
    expect(failing.errorCode).toBe('SUDO_PASSWORD_REQUIRED');
    expect(failing.error).toContain('root ALL=(root) NOPASSWD: /usr/bin/wg');
    expect(failing.errorDetails?.sudoersLine).toBe('root ALL=(root) NOPASSWD: /usr/bin/wg');
    await until(s, (l) => l.state === 'connected');
    expect(server.stats.connections).toBe(1);
  });

  it('names the missing wireguard-tools and keeps retrying slowly', async () => {
    const server = await fake((_command, channel) => {
      channel.write(
        "@wgdeck fatal no-wg the 'wg' command (wireguard-tools) is not installed on this server\n",
      );
      channel.exit(127);
      channel.end();
    });
    const s = session(server);
    s.start();
    const live = await until(s, (l) => l.errorCode === 'WG_MISSING');
    expect(live.state).toBe('reconnecting');
    expect(live.error).toContain('wireguard-tools');
  });

  it('a dead server does not hold up a live one', async () => {
    const good = await fake((_command, channel) => streaming(channel));
    const dead = await fake(() => undefined);
    const deadPort = dead.port;
    await dead.close();
    const live = session(good, { name: 'good' });
    const gone = session(good, { name: 'gone', port: deadPort });
    gone.start();
    live.start();
    await until(live, (l) => l.state === 'connected', 3000);
    const failed = await until(gone, (l) => l.errorCode === 'UNREACHABLE');
    expect(failed.error).toContain('connection refused');
  });

  it('runs at most two commands at once beside the collector', async () => {
    const server = await fake((command, channel) => {
      if (command.includes('wgdeck')) {
        streaming(channel);
        return;
      }
      setTimeout(() => {
        channel.write('ok\n');
        channel.exit(0);
        channel.end();
      }, 100);
    });
    const s = session(server);
    s.start();
    await until(s, (l) => l.state === 'connected');
    const results = await Promise.all(Array.from({ length: 6 }, () => s.exec('echo ok')));
    expect(results.every((r) => r.stdout === 'ok\n' && r.code === 0)).toBe(true);
    expect(server.stats.peakExecs).toBe(3);
  });
});
