// A malicious or broken server, staged with an in-process ssh2 Server: terminal escapes and direction
// overrides in wg's error line and in peer names, output sent as 1-byte SSH packets, and frames
// flooded as fast as the connection takes them. What reaches the model is clean, what is held stays
// bounded, and what is refused is counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerChannel } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameDecoder, type RawFrame } from '../../src/main/core/collector/frame-decoder.ts';
import { Engine } from '../../src/main/core/engine.ts';
import { ServerSession, dialOptionsFor } from '../../src/main/core/fleet/server-session.ts';
import { dial } from '../../src/main/core/ssh/dial.ts';
import type { PeerNames } from '../../src/shared/peer-ops.ts';
import { DEFAULT_THRESHOLDS, type ServerLive } from '../../src/shared/domain.ts';
import type { ServerDelta } from '../../src/shared/live-delta.ts';
import { hasUnsafeText } from '../../src/shared/safe-text.ts';
import type { ServerConfig } from '../../src/shared/server-config.ts';
import {
  collectorFrame,
  registerFakeServer,
  startFakeServer,
  type ExecHandler,
  type FakeServer,
} from '../support/fake-ssh-server.ts';

const ESC = '\u001b';
/** Clear screen, set the window title, red, a C1 CSI, a right-to-left override, an isolate. */
const HOSTILE = `${ESC}[2J${ESC}]0;pwned\u0007${ESC}[31m\u009b6n\u202e\u2066`;
const PEER_KEY = Buffer.alloc(32, 'P'.charCodeAt(0)).toString('base64'); // collectorFrame's peer

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fake(onExec: ExecHandler): Promise<FakeServer> {
  const server = await startFakeServer({ onExec });
  cleanups.push(() => server.close());
  return server;
}

function config(server: FakeServer, intervalSeconds = 1): ServerConfig {
  return {
    name: 'lab-x',
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
    identityFile: server.identityFile,
    sudo: false,
    intervalSeconds,
  };
}

/** Resolves with the first value `probe` returns that is not undefined, polling every 20 ms. */
function until<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      const value = probe();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** What `remoteOps.read` prints, for a config file: the peer-name reader of a root session asks this. */
function readAnswer(fileText: string): string {
  return ['wgdeck-read 1', `file ${Buffer.from(fileText).toString('base64')}`, 'dump -', 'end', ''].join(
    '\n',
  );
}

const HOSTILE_CONF =
  '[Interface]\nListenPort = 51820\n\n' +
  `[Peer]\n# Name = ${HOSTILE}evil${'x'.repeat(200)}\nPublicKey = ${PEER_KEY}\nAllowedIPs = 198.18.128.2/32\n`;

describe('a hostile server, through the engine', () => {
  it('reaches the model only cleaned: wg error line and peer names, the error sent once', async () => {
    const server = await fake((command, channel) => {
      if (command.includes('wgdeck-read')) {
        channel.write(readAnswer(HOSTILE_CONF));
        channel.exit(0);
        channel.end();
        return;
      }
      // Three failing frames (a hostile wg error, 2 MiB long), then good ones; at the pace asked for.
      let seq = 1;
      const longError = `${HOSTILE}sudo: ${'A'.repeat(2 * 1024 * 1024)}`;
      const next = (): void => {
        channel.write(collectorFrame(seq, seq <= 3 ? { wgError: longError } : {}));
        seq += 1;
      };
      next();
      const timer = setInterval(next, 600);
      channel.on('close', () => clearInterval(timer));
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-hostile-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    await registerFakeServer(dataDir, server, config(server));
    const engine = new Engine({ dataDir, userKnownHostsPath: null });
    cleanups.push(() => engine.stop());
    const states: ServerLive[] = [];
    const deltas: ServerDelta[] = [];
    const names: PeerNames[] = [];
    engine.subscribe('fleet:server', (live) => states.push(live));
    engine.subscribe('fleet:delta', (delta) => deltas.push(delta));
    engine.subscribe('peers:names', (learned) => names.push(learned));
    await engine.start();

    const failing = await until(() => states.find((s) => s.errorCode === 'WG_FAILED'), 'the wg error');
    expect(failing.error).toContain(']0;pwned');
    expect(hasUnsafeText(failing.error!)).toBe(false);
    expect(failing.error!.length).toBeLessThan(1300); // 1 KiB of wg's text in one sentence

    const learned = await until(() => names[0], 'the peer names');
    const name = learned.names[PEER_KEY]!;
    expect(name.startsWith('[2J]0;pwned[31m6nevil')).toBe(true);
    expect(hasUnsafeText(name)).toBe(false);
    expect([...name]).toHaveLength(64);

    await until(() => (states.at(-1)?.state === 'connected' ? true : undefined), 'the good frames');
    // The error crossed in the first (full) update and once more at most when it changed; the
    // repeated failing frames and the good ones carried none of its text.
    const carrying = deltas.filter((d) => JSON.stringify(d).includes('pwned'));
    expect(carrying.length).toBeGreaterThanOrEqual(1);
    expect(carrying.length).toBeLessThanOrEqual(2);
    expect(deltas.length).toBeGreaterThan(carrying.length + 1);
    for (const delta of deltas) expect(JSON.stringify(delta).length).toBeLessThan(8 * 1024);
  }, 60_000);
});

describe('a hostile server, through the SSH channel', () => {
  it('sends a frame as 1-byte packets: the decoder holds a few buffers, not one per packet', async () => {
    const body = Array.from({ length: 600 }, (_, i) => `! line ${i} of a broken wg\n`).join('');
    const frame = `@wgdeck frame 1\n@wgdeck time 1700000000 1000\n@wgdeck wg 1\n${body}@wgdeck end 1\n`;
    const server = await fake((_command, channel: ServerChannel) => {
      const bytes = Buffer.from(frame);
      for (let i = 0; i < bytes.length; i++) channel.write(bytes.subarray(i, i + 1));
      channel.exit(0);
      channel.end();
    });
    const ssh = await dial(await dialOptionsFor(config(server), server.gate, {}));
    cleanups.push(() => ssh.close());
    const decoder = new FrameDecoder();
    const frames: RawFrame[] = [];
    let chunks = 0;
    let peak = { buffers: 0, bytes: 0 };
    await new Promise<void>((resolve, reject) => {
      ssh.client.exec('collector', (error, channel) => {
        if (error) return reject(error);
        channel.on('data', (chunk: Buffer) => {
          chunks += 1;
          frames.push(...decoder.push(chunk));
          const held = decoder.held;
          peak = { buffers: Math.max(peak.buffers, held.buffers), bytes: Math.max(peak.bytes, held.bytes) };
        });
        channel.on('close', () => resolve());
      });
    });
    expect(chunks).toBeGreaterThan(frame.length / 4); // it really arrived in tiny pieces
    expect(frames).toHaveLength(1);
    expect(frames[0]!.sections.wg!.bytes.toString()).toBe(body);
    expect(peak.buffers).toBeLessThanOrEqual(3); // time, wg, a pending marker line
    expect(peak.bytes).toBeLessThanOrEqual(2 * frame.length + 4096);
  }, 60_000);

  it('floods frames: the ones too soon or with a clock that stands still are dropped and counted', async () => {
    const STILL = 2000; // the server's clock does not move: refused whenever they come
    const RUSHED = 2000; // the clock moves, but they come back to back
    const server = await fake((_command, channel) => {
      let flood = collectorFrame(1, { uptime: 1000 });
      for (let i = 0; i < STILL; i++) flood += collectorFrame(2 + i, { uptime: 1000 });
      for (let i = 0; i < RUSHED; i++)
        flood += collectorFrame(2 + STILL + i, { uptime: 1000 + (i + 1) / 100 });
      channel.write(flood);
      // One more at the pace asked for, so the count reaches the live state.
      const timer = setTimeout(
        () => channel.write(collectorFrame(3 + STILL + RUSHED, { uptime: 2000 })),
        700,
      );
      channel.on('close', () => clearTimeout(timer));
    });
    let taken = 0;
    const session = new ServerSession({
      server: config(server),
      gate: server.gate,
      credentials: () => Promise.resolve({}),
      intervalSeconds: 1,
      thresholds: DEFAULT_THRESHOLDS,
      onSnapshot: () => (taken += 1), // what the history store would record
      timing: { stallMs: 60_000, readyTimeoutMs: 10_000 },
    });
    cleanups.push(() => session.stop());
    let publishes = 0;
    session.onChange(() => (publishes += 1));
    session.start();
    const sent = 2 + STILL + RUSHED;
    const live = await until(
      () =>
        session.live.droppedFrames + taken === sent && session.live.state === 'connected'
          ? session.live
          : undefined,
      'every frame taken or dropped',
    ).catch((error: unknown) => {
      throw new Error(
        `${String(error)}: ${JSON.stringify({ taken, dropped: session.live.droppedFrames, state: session.live.state })}`,
      );
    });
    expect(live.droppedFrames).toBeGreaterThanOrEqual(STILL);
    expect(taken).toBeGreaterThanOrEqual(2);
    expect(taken).toBeLessThan(sent / 10);
    expect(publishes).toBe(1 + taken); // "connecting", then one per frame taken: refused ones publish nothing
    expect(live.interfaces[0]?.peers[0]?.publicKey).toBe(PEER_KEY);
  }, 60_000);
});
