import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Engine } from '../../src/main/core/engine.ts';
import { ServerStore } from '../../src/main/core/store/server-store.ts';
import { startBrowserMode, type BrowserMode, type EngineLike } from '../../src/headless/browser-mode.ts';
import type { ApiError } from '../../src/shared/rpc.ts';
import { type ApiHandlers } from '../../src/shared/rpc.ts';
import type { ApiEvents } from '../../src/shared/api.ts';
import { connectWebSocket, type SocketLike, type WsClient } from '../../src/renderer/src/api/ws-client.ts';
import { socketProtocols } from '../../src/shared/ws-auth.ts';

let root: string;
let engine: Engine;
let mode: BrowserMode;
const opened: WebSocket[] = [];
const clients: WsClient[] = [];

/** A browser's socket, as far as the server can tell: `ws` with the page's Origin and subprotocols. */
function factory(port: number, token: string | null) {
  return (url: string): SocketLike => {
    const ws = new WebSocket(url, socketProtocols(token), { origin: `http://127.0.0.1:${port}` });
    opened.push(ws);
    return ws as unknown as SocketLike;
  };
}

async function client(
  target: BrowserMode,
  options: { timeoutMs?: number; token?: string | null } = {},
): Promise<WsClient> {
  const token = options.token === undefined ? new URL(target.url).searchParams.get('token')! : options.token;
  const c = await connectWebSocket({
    url: `ws://127.0.0.1:${target.port}/ws`,
    createSocket: factory(target.port, token),
    timeoutMs: options.timeoutMs,
    backoff: { baseMs: 20, capMs: 100 },
  });
  clients.push(c);
  return c;
}

function next<E extends keyof ApiEvents>(c: WsClient, event: E): Promise<ApiEvents[E]> {
  return new Promise((resolve) => {
    const off = c.subscribe(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wgdeck-ws-client-'));
  mkdirSync(join(root, 'renderer'));
  writeFileSync(
    join(root, 'renderer', 'index.html'),
    `<meta http-equiv="Content-Security-Policy" content="default-src 'self'">`,
  );
  mkdirSync(join(root, 'data'));
  engine = new Engine({ dataDir: join(root, 'data'), userKnownHostsPath: null, host: 'browser' });
  mode = await startBrowserMode({ engine, rendererDir: join(root, 'renderer') });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await mode?.close();
  engine?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('the renderer WebSocket client against browser mode', () => {
  it('invokes methods and gets typed values', async () => {
    const api = await client(mode);
    expect(await api.invoke('server:list')).toEqual([]);
    expect((await api.invoke('app:info')).host).toBe('browser');
    expect(await api.invoke('settings:update', { intervalSeconds: 7 })).toMatchObject({ intervalSeconds: 7 });
  });

  it('rebuilds errors as real Errors with name, code and message', async () => {
    const api = await client(mode);
    const error = (await api.invoke('server:remove', 'x;rm').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidInputError');
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^server:remove: invalid input: argument 1: a server name is/);
    await expect(api.invoke('server:reconnect', 'missing')).rejects.toMatchObject({ code: 'NO_SUCH_SERVER' });
  });

  it('delivers events to subscribers until they unsubscribe', async () => {
    const api = await client(mode);
    const store = new ServerStore(join(root, 'data'));
    const seen: string[] = [];
    const off = api.subscribe('fleet:removed', ({ name }) => seen.push(name));
    const config = { host: '127.0.0.1', port: 9, user: 'root', sudo: false };
    await store.save({ name: 'one', ...config });
    const first = next(api, 'fleet:removed');
    await api.invoke('server:remove', 'one');
    await first;
    off();
    await store.save({ name: 'two', ...config });
    const second = next(api, 'fleet:removed');
    await api.invoke('server:remove', 'two');
    await second;
    expect(seen).toEqual(['one']);
  });

  it('fails pending calls on a drop, reconnects, and emits fleet:resync', async () => {
    const api = await client(mode);
    const resync = next(api, 'fleet:resync');
    opened.at(-1)!.terminate(); // the connection dies under the page
    await expect(api.invoke('server:list')).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(await resync).toEqual({ reason: 'reconnected' });
    expect(await api.invoke('server:list')).toEqual([]);
  });

  it.each([
    ['a wrong token', 'wrong'],
    ['no token', null],
  ])(
    'with %s every call fails with TOKEN_REFUSED, saying what to do, and it stops',
    async (_label, token) => {
      const api = await client(mode, { token });
      const error = (await api.invoke('server:list').catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe('TOKEN_REFUSED');
      expect(error.message).toContain('Open the URL `wgdeck serve` printed');
      // Final: later calls fail the same way (not "reconnecting").
      await expect(api.invoke('app:info')).rejects.toMatchObject({ code: 'TOKEN_REFUSED' });
    },
  );

  it('a server that stops and cannot be reached fails the first connect with UNREACHABLE', async () => {
    const gone = await startBrowserMode({ engine, rendererDir: join(root, 'renderer') });
    const port = gone.port;
    await gone.close();
    const error = (await connectWebSocket({
      url: `ws://127.0.0.1:${port}/ws`,
      createSocket: factory(port, 'any'),
    }).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain('wgdeck serve');
  });

  it('times out a call that gets no answer, and stops after close()', async () => {
    const never = new Proxy({} as ApiHandlers, { get: () => () => new Promise(() => undefined) });
    const hanging: EngineLike = { handlers: never, subscribe: () => () => undefined };
    const slow = await startBrowserMode({ engine: hanging, rendererDir: join(root, 'renderer') });
    try {
      const api = await client(slow, { timeoutMs: 100 });
      await expect(api.invoke('server:list')).rejects.toMatchObject({ code: 'TIMEOUT' });
      api.close();
      await expect(api.invoke('server:list')).rejects.toMatchObject({ code: 'DISCONNECTED' });
    } finally {
      await slow.close();
    }
  });
});
