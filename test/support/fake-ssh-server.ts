import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { Connection, ServerChannel } from 'ssh2';
import type { HostKeyGate } from '../../src/main/core/ssh/dial.ts';
import { WgDeckError } from '../../src/main/core/errors.ts';
import { TrustStore } from '../../src/main/core/ssh/trust-store.ts';
import { ServerStore } from '../../src/main/core/store/server-store.ts';
import type { ServerConfig } from '../../src/shared/server-config.ts';

const { Server, utils } = ssh2;

/**
 * An in-process ssh2 Server for protocol edge cases the real lab cannot stage on demand: garbled or
 * silent collectors, dropped channels, refused auth. Everything that must hold on a real server is
 * tested against OpenSSH + wireguard-go in the lab instead.
 */
export interface FakeServer {
  port: number;
  identityFile: string;
  gate: HostKeyGate;
  /** The server's host key, to pin it in a real TrustStore (engine tests). */
  hostKey: { type: string; blob: Buffer };
  stats: {
    connections: number;
    authAttempts: number;
    execs: number;
    concurrentExecs: number;
    peakExecs: number;
    /** `host:port` of every direct-tcpip (forwardOut) request, as a jump host sees them. */
    forwards: string[];
  };
  /** Connections open right now. */
  liveConnections(): number;
  /** Drop every live connection (like a server crash). */
  dropAll(): void;
  close(): Promise<void>;
}

export type ExecHandler = (command: string, channel: ServerChannel, connectionIndex: number) => void;

/**
 * ssh2's keygen drops the leading zero byte of an ed25519 public key that starts with 0x00 (1 key in
 * 256), producing a key its own parser rejects (mscdex/ssh2#1513, open). Draw again in that case.
 */
function ed25519KeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.public) instanceof Error)) return pair;
  }
}

export interface FakeServerOptions {
  onExec: ExecHandler;
  refuseAuth?: boolean;
  /** Also accept password authentication with this password. */
  password?: string;
  /** Also accept these public keys (OpenSSH public key lines), e.g. one held by an ssh-agent. */
  extraKeys?: string[];
  /** As a jump host: 'allow' connects direct-tcpip requests to loopback; otherwise they are refused. */
  forwarding?: 'allow' | 'refuse';
}

export async function startFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  const hostKey = ed25519KeyPair();
  const clientKey = ed25519KeyPair();
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-fake-ssh-'));
  const identityFile = join(dir, 'id_ed25519');
  writeFileSync(identityFile, clientKey.private, { mode: 0o600 });
  const clientPublic = utils.parseKey(clientKey.public);
  if (clientPublic instanceof Error) throw clientPublic;
  const hostPublic = utils.parseKey(hostKey.public);
  if (hostPublic instanceof Error) throw hostPublic;
  const hostBlob = hostPublic.getPublicSSH();
  const accepted = [
    clientPublic,
    ...(options.extraKeys ?? []).map((line) => {
      const parsed = utils.parseKey(line);
      if (parsed instanceof Error) throw parsed;
      return parsed;
    }),
  ];

  const stats = {
    connections: 0,
    authAttempts: 0,
    execs: 0,
    concurrentExecs: 0,
    peakExecs: 0,
    forwards: [] as string[],
  };
  const live = new Set<Connection>();
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    const index = stats.connections++;
    live.add(client);
    client.on('error', () => undefined);
    client.on('close', () => live.delete(client));
    client.on('authentication', (ctx) => {
      stats.authAttempts += 1;
      const keyOk =
        ctx.method === 'publickey' &&
        accepted.some((key) => ctx.key.algo === key.type && ctx.key.data.equals(key.getPublicSSH()));
      const passwordOk =
        ctx.method === 'password' && options.password !== undefined && ctx.password === options.password;
      if (!options.refuseAuth && (keyOk || passwordOk)) {
        ctx.accept();
      } else {
        ctx.reject(options.password !== undefined ? ['publickey', 'password'] : ['publickey']);
      }
    });
    client.on('tcpip', (accept, reject, info) => {
      stats.forwards.push(`${info.destIP}:${info.destPort}`);
      // Loopback only: a fake jump host reaches the other fakes, nothing else.
      if (options.forwarding !== 'allow' || info.destIP !== '127.0.0.1') return reject();
      const upstream = netConnect(info.destPort, info.destIP);
      upstream.once('error', () => reject());
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        const channel = accept();
        channel.on('error', () => undefined);
        upstream.on('error', () => channel.destroy());
        channel.on('close', () => upstream.destroy());
        upstream.on('close', () => channel.destroy());
        channel.pipe(upstream).pipe(channel);
      });
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const channel = acceptExec();
          stats.execs += 1;
          stats.concurrentExecs += 1;
          stats.peakExecs = Math.max(stats.peakExecs, stats.concurrentExecs);
          let open = true;
          const closed = (): void => {
            if (open) stats.concurrentExecs -= 1;
            open = false;
          };
          // Counted closed when the handler ends it, not when the close round-trip completes.
          const end = channel.end.bind(channel);
          channel.end = ((...args: Parameters<typeof end>) => {
            closed();
            return end(...args);
          }) as typeof channel.end;
          channel.on('close', closed);
          channel.on('error', () => undefined);
          options.onExec(info.command, channel, index);
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');

  const gate: HostKeyGate = {
    check: (_host, _port, blob) =>
      blob.equals(hostBlob)
        ? Promise.resolve()
        : Promise.reject(new WgDeckError('HOST_KEY_CHANGED', 'fake server: unexpected host key')),
    algorithms: () => Promise.resolve(undefined),
  };
  return {
    port: address.port,
    identityFile,
    gate,
    hostKey: { type: hostPublic.type, blob: hostBlob },
    stats,
    liveConnections: () => live.size,
    dropAll: () => {
      for (const client of live) client.end();
    },
    close: () =>
      new Promise((resolve) => {
        for (const client of live) client.end();
        server.close(() => resolve());
      }),
  };
}

const KEY = (c: string) => Buffer.alloc(32, c.charCodeAt(0)).toString('base64');

/** One collector frame in the remote script's format. */
export function collectorFrame(
  seq: number,
  opts: { time?: number; uptime?: number; rx?: number; wgError?: string } = {},
): string {
  const time = opts.time ?? 1_700_000_000 + seq * 5;
  const uptime = opts.uptime ?? 1000 + seq * 5;
  const rx = opts.rx ?? seq * 1000;
  const wg = opts.wgError
    ? `@wgdeck wg 1\n! ${opts.wgError}\n`
    : `@wgdeck wg 0\nwg0\t(hidden)\t${KEY('S')}\t51820\toff\n` +
      `wg0\t${KEY('P')}\t(none)\t198.18.1.2:40000\t198.18.128.2/32\t${time - 10}\t${rx}\t${rx * 2}\toff\n`;
  return (
    `@wgdeck frame ${seq}\n@wgdeck time ${time} ${uptime}\n${wg}` +
    `@wgdeck netdev\nInter-|   Receive |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n` +
    `   wg0: ${rx} 10 0 0 0 0 0 0 ${rx * 2} 20 0 0 0 0 0 0\n` +
    `@wgdeck stat\ncpu  100 0 100 800 0 0 0 0 0 0\ncpu0 100 0 100 800 0 0 0 0 0 0\n` +
    `@wgdeck meminfo\nMemTotal: 1000 kB\nMemAvailable: 500 kB\n@wgdeck loadavg\n0.10 0.20 0.30 1/100 123\n` +
    `@wgdeck df\n1000 400\n@wgdeck end ${seq}\n`
  );
}

/**
 * Registers a fake server in a WG Deck data dir as an admin would have: its host key trusted, and a
 * server entry on loopback with its client key (`name`, user `operator`, 1 s interval unless given).
 */
export async function registerFakeServer(
  dataDir: string,
  fake: FakeServer,
  entry: Partial<ServerConfig> & { name: string },
): Promise<ServerConfig> {
  const server: ServerConfig = {
    host: '127.0.0.1',
    port: fake.port,
    user: 'operator',
    identityFile: fake.identityFile,
    sudo: false,
    intervalSeconds: 1,
    ...entry,
  };
  await new TrustStore(dataDir).trust(server.host, server.port, fake.hostKey.type, fake.hostKey.blob);
  await new ServerStore(dataDir).save(server);
  return server;
}

/**
 * A fake server whose collector streams a frame a second (its uptime moving on), as a live session
 * expects; any other command fails. `framesSent()` counts what it sent over all connections.
 */
export async function startStreamingServer(): Promise<FakeServer & { framesSent(): number }> {
  let seq = 1;
  const fake = await startFakeServer({
    onExec: (command, channel) => {
      if (!command.includes('@wgdeck')) {
        channel.exit(1);
        channel.end();
        return;
      }
      const send = (): void => void channel.write(collectorFrame(seq, { uptime: 1000 + seq++ }));
      send();
      const timer = setInterval(send, 1000);
      channel.on('close', () => clearInterval(timer));
    },
  });
  return Object.assign(fake, { framesSent: () => seq - 1 });
}
