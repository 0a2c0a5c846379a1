import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Engine } from '../../src/main/core/engine.ts';
import { ServerStore } from '../../src/main/core/store/server-store.ts';
import { startBrowserMode, type BrowserMode } from '../../src/headless/browser-mode.ts';
import type { ServerMessage } from '../../src/shared/rpc.ts';
import { socketProtocols, TOKEN_REFUSED_CLOSE, WS_PROTOCOL } from '../../src/shared/ws-auth.ts';
import {
  collectorFrame,
  registerFakeServer,
  startFakeServer,
  type FakeServer,
} from '../support/fake-ssh-server.ts';

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'";
const TOKEN = 'test-token-0123456789-abcdefghijklmnopqrstu';

let root: string;
let engine: Engine;
let mode: BrowserMode;
let host: string;
let origin: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wgdeck-browser-mode-'));
  const renderer = join(root, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(
    join(renderer, 'index.html'),
    `<!doctype html>\n<html><head>\n<meta\n  http-equiv="Content-Security-Policy"\n  content="${CSP}"\n/>\n` +
      `<script type="module" src="./assets/app.js"></script></head><body><div id="root"></div></body></html>\n`,
  );
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("app");\n');
  writeFileSync(join(renderer, 'assets', 'style.css'), 'body{}\n');
  writeFileSync(join(renderer, '.env'), 'SECRET=dotfile\n');
  writeFileSync(join(root, 'secret.txt'), 'TOP SECRET\n');
  symlinkSync(join(root, 'secret.txt'), join(renderer, 'assets', 'link.txt'));
  mkdirSync(join(root, 'data'));
  engine = new Engine({
    dataDir: join(root, 'data'),
    userKnownHostsPath: null,
    host: 'browser',
    sshConfigPath: join(root, 'no-ssh-config'),
  });
  await engine.start();
  mode = await startBrowserMode({ engine, rendererDir: renderer, token: TOKEN });
  host = `127.0.0.1:${mode.port}`;
  origin = `http://${host}`;
});

afterAll(async () => {
  await mode?.close();
  engine?.stop();
  rmSync(root, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET: the path goes on the wire as written (no normalisation), headers as given. */
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: mode.port, path, method, headers: { host, ...headers } });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

interface SocketOptions {
  protocols?: string[];
  origin?: string | null;
  host?: string;
  path?: string;
  headers?: Record<string, string>;
}

function open(options: SocketOptions = {}): WebSocket {
  const headers: Record<string, string> = { ...options.headers };
  if (options.host) headers['host'] = options.host;
  return new WebSocket(
    `ws://127.0.0.1:${mode.port}${options.path ?? '/ws'}`,
    options.protocols ?? socketProtocols(TOKEN),
    { headers, ...(options.origin === null ? {} : { origin: options.origin ?? origin }) },
  );
}

/** Opens an authorized socket; resolves with it once open, or rejects with the refusal. */
function socket(options: SocketOptions = {}): Promise<WebSocket> {
  const ws = open(options);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`refused ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/**
 * What the server did with a socket: refused the upgrade (HTTP status), or accepted it and closed it
 * (close code, reason, and how many messages arrived before). A socket still open after it answered a
 * call counts as `served` — the outcome a refusal test must never see.
 */
type Outcome =
  { http: number } | { close: number; reason: string; messages: number } | { served: true; protocol: string };

function outcome(options: SocketOptions = {}): Promise<Outcome> {
  const ws = open(options);
  let messages = 0;
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve({ http: res.statusCode! });
      ws.terminate();
    });
    ws.once('open', () =>
      ws.send(JSON.stringify({ type: 'invoke', id: 1, method: 'server:list', args: [] })),
    );
    ws.on('message', () => {
      messages += 1;
      resolve({ served: true, protocol: ws.protocol });
      ws.close();
    });
    ws.once('close', (code, reason) => resolve({ close: code, reason: reason.toString(), messages }));
    ws.once('error', reject);
  });
}

const REFUSED_TOKEN = { close: TOKEN_REFUSED_CLOSE, reason: 'access token required', messages: 0 };

function messages(ws: WebSocket): ServerMessage[] {
  const list: ServerMessage[] = [];
  ws.on('message', (data: Buffer) => list.push(JSON.parse(data.toString()) as ServerMessage));
  return list;
}

async function until<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let nextId = 1;
async function call(
  ws: WebSocket,
  list: ServerMessage[],
  method: unknown,
  args: unknown,
): Promise<ServerMessage> {
  const id = nextId++;
  ws.send(JSON.stringify({ type: 'invoke', id, method, args }));
  return until(() => list.find((m) => m.type === 'result' && m.id === id));
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
}

describe('browser mode over HTTP', () => {
  it('prints a loopback URL with the token', () => {
    expect(mode.url).toBe(`http://127.0.0.1:${mode.port}/?token=${TOKEN}`);
  });

  it('serves the static bundle without the token (it holds no secret), and never sets a cookie', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', `/?token=${TOKEN}`, '/?token=wrong', '/nope']) {
      const reply = await get(path);
      expect(reply.status).toBe(path === '/nope' ? 404 : 200);
      expect(reply.headers['set-cookie']).toBeUndefined();
      expect(reply.body).not.toContain(TOKEN);
    }
  });

  it('serves the page: CSP header = the meta tag + frame-ancestors (a header-only directive), no caching', async () => {
    const reply = await get('/');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.headers['content-security-policy']).toBe(`${CSP}; frame-ancestors 'none'`);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.body).toContain('<div id="root">');
  });

  it('serves assets with the right content types', async () => {
    const js = await get('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(js.body).toBe('console.log("app");\n');
    expect((await get('/assets/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get('/index.html')).headers['cache-control']).toBe('no-store');
    const head = await get('/assets/app.js', {}, 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it.each([
    '/../secret.txt',
    '/../../../../../../etc/passwd',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/%252e%252e/secret.txt',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/assets/link.txt',
    '/.env',
    '/%2eenv',
    '/assets/app.js%00.html',
    '/%E0%A4%A',
    '/assets/',
    '/assets',
    'http://evil.example/../secret.txt',
  ])('refuses path traversal and non-files: %s', async (path) => {
    const reply = await get(path);
    expect(reply.status).toBe(404);
    expect(reply.body).not.toContain('TOP SECRET');
    expect(reply.body).not.toContain('SECRET=');
    expect(reply.body).not.toContain('root:');
  });

  it.each([
    'evil.example',
    `evil.example:${0}`,
    'localhost.evil.example',
    '127.0.0.1',
    '127.0.0.1:1',
    '0.0.0.0:0',
  ])('refuses a foreign Host header (DNS rebinding): %j', async (badHost) => {
    const reply = await get('/', { host: badHost.replace(':0', `:${mode.port}`) });
    expect(reply.status).toBe(421);
    expect(reply.body).not.toContain('<div id="root">');
  });

  it('refuses a request without a Host header', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const conn = connect(mode.port, '127.0.0.1', () => conn.end('GET / HTTP/1.0\r\n\r\n'));
      let text = '';
      conn.on('data', (chunk: Buffer) => (text += chunk.toString()));
      conn.on('end', () => resolve(text));
      conn.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 421 /);
    expect(raw).not.toContain('<div id="root">');
  });

  it('answers to localhost and [::1] on its port', async () => {
    expect((await get('/', { host: `localhost:${mode.port}` })).status).toBe(200);
    expect((await get('/', { host: `LOCALHOST:${mode.port}` })).status).toBe(200);
    expect((await get('/', { host: `[::1]:${mode.port}` })).status).toBe(200);
  });

  it('refuses other methods', async () => {
    expect((await get('/', {}, 'POST')).status).toBe(405);
  });
});

describe('browser mode WebSocket', () => {
  it('serves a socket offering the token, selecting our protocol (never echoing the token)', async () => {
    expect(await outcome()).toEqual({ served: true, protocol: WS_PROTOCOL });
  });

  it.each<[string, () => SocketOptions]>([
    ['no subprotocol at all', () => ({ protocols: [] })],
    ['our protocol without the token', () => ({ protocols: [WS_PROTOCOL] })],
    ['a wrong token', () => ({ protocols: socketProtocols('wrong') })],
    ['the token with a suffix', () => ({ protocols: socketProtocols(`${TOKEN}x`) })],
    ['a token prefix', () => ({ protocols: socketProtocols(TOKEN.slice(0, -1)) })],
    ['two tokens', () => ({ protocols: [...socketProtocols(TOKEN), socketProtocols('other')[1]!] })],
    ['the token in the URL (the old way)', () => ({ protocols: [WS_PROTOCOL], path: `/ws?token=${TOKEN}` })],
    [
      'the token in a cookie (the old way)',
      () => ({ protocols: [WS_PROTOCOL], headers: { cookie: `wgdeck-token-${mode.port}=${TOKEN}` } }),
    ],
  ])('closes a socket with %s with 4401 before reading anything', async (_label, options) => {
    expect(await outcome(options())).toEqual(REFUSED_TOKEN);
  });

  it('survives a refused client that answers the 4401 with a protocol error (no crash, still serving)', async () => {
    // By hand, so the bad frame is sent for sure: an upgrade without the token, then a frame header
    // announcing 2 MiB (over the 1 MiB limit), which makes the server's socket emit an error.
    const raw = connect(mode.port, '127.0.0.1');
    const text = await new Promise<string>((resolve, reject) => {
      let got = '';
      raw.on('data', (chunk: Buffer) => {
        got += chunk.toString('latin1');
        if (got.includes('\r\n\r\n') && !raw.writableEnded) {
          raw.end(Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0, 0x20, 0, 0, 1, 2, 3, 4]));
        }
      });
      raw.on('close', () => resolve(got));
      raw.on('error', reject);
      raw.write(
        `GET /ws HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\n` +
          'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
          `Sec-WebSocket-Key: ${Buffer.alloc(16, 7).toString('base64')}\r\nSec-WebSocket-Protocol: ${WS_PROTOCOL}\r\n\r\n`,
      );
    });
    expect(text).toMatch(/^HTTP\/1\.1 101 /);
    expect(text).not.toContain(TOKEN);
    expect(await outcome()).toEqual({ served: true, protocol: WS_PROTOCOL });
  });

  it('refuses another path with 404', async () => {
    expect(await outcome({ path: '/other' })).toEqual({ http: 404 });
  });

  it.each([
    ['a foreign Origin', { origin: 'http://evil.example' }],
    ['a look-alike Origin', { origin: `http://127.0.0.1.evil.example:${0}` }],
    ['another port', { origin: 'http://127.0.0.1:1' }],
    ['https', { origin: `https://127.0.0.1:${0}` }],
    ['the null Origin', { origin: 'null' }],
    ['no Origin', { origin: null }],
  ])('refuses %s', async (_label, options) => {
    const fixed = options.origin?.replace(':0', `:${mode.port}`) ?? null;
    expect(await outcome({ origin: fixed })).toEqual({ http: 403 });
  });

  it('refuses a foreign Host header', async () => {
    expect(
      await outcome({ host: `evil.example:${mode.port}`, origin: `http://evil.example:${mode.port}` }),
    ).toEqual({ http: 421 });
  });

  it('runs the contract: server:list, and refuses bad input with INVALID_INPUT', async () => {
    const ws = await socket();
    const list = messages(ws);
    expect(await call(ws, list, 'server:list', [])).toMatchObject({ ok: true, value: [] });
    const info = await call(ws, list, 'app:info', []);
    expect(info).toMatchObject({ ok: true, value: { host: 'browser', canPersistSecrets: false } });

    const bad = await call(ws, list, 'server:remove', ['x;rm']);
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(bad.type === 'result' && !bad.ok && bad.error.message).toBe(
      'server:remove: invalid input: argument 1: a server name is 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
    expect(await call(ws, list, 'server:remove', ['nothing-here'])).toMatchObject({
      ok: false,
      error: { code: 'NO_SUCH_SERVER' },
    });
    expect(await call(ws, list, 'shell:exec', ['id'])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Unknown method "shell:exec".' },
    });
    expect(await call(ws, list, '__proto__', [])).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call(ws, list, 'server:list', 'not-an-array')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await call(ws, list, 'settings:update', [{ __proto__: 1, intervalSeconds: 5 }])).toMatchObject({
      ok: true,
    });
    const polluted = JSON.parse('[{"__proto__":{"admin":true}}]') as unknown;
    expect(await call(ws, list, 'settings:update', polluted)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
    ws.close();
  });

  it('closes the socket on an oversized message', async () => {
    const ws = await socket();
    const done = closed(ws);
    ws.send(
      JSON.stringify({ type: 'invoke', id: 1, method: 'server:remove', args: ['a'.repeat(2 * 1024 * 1024)] }),
    );
    expect((await done).code).toBe(1009);
  });

  it('closes the socket on garbage and binary frames', async () => {
    let ws = await socket();
    let done = closed(ws);
    ws.send('{not json');
    expect((await done).code).toBe(1007);
    ws = await socket();
    done = closed(ws);
    ws.send(JSON.stringify({ type: 'invoke', method: 'server:list', args: [] })); // no id
    expect((await done).code).toBe(1008);
    ws = await socket();
    done = closed(ws);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await done).code).toBe(1003);
  });

  it('forwards fleet:removed to every socket', async () => {
    await new ServerStore(join(root, 'data')).save({
      name: 'doomed',
      host: '127.0.0.1',
      port: 9,
      user: 'root',
      sudo: false,
    });
    const a = await socket();
    const b = await socket();
    const listA = messages(a);
    const listB = messages(b);
    expect(await call(a, listA, 'server:remove', ['doomed'])).toMatchObject({ ok: true });
    for (const list of [listA, listB]) {
      // The engine may also have started the saved server's session (it follows servers.json).
      const event = await until(() => list.find((m) => m.type === 'event' && m.event === 'fleet:removed'));
      expect(event).toEqual({ type: 'event', event: 'fleet:removed', payload: { name: 'doomed' } });
    }
    a.close();
    b.close();
  });
});

describe('browser mode with a live engine', () => {
  let fake: FakeServer;
  let liveRoot: string;
  let liveEngine: Engine;
  let liveMode: BrowserMode;

  beforeAll(async () => {
    fake = await startFakeServer({
      onExec: (_command, channel) => {
        let seq = 1;
        channel.write(collectorFrame(seq++));
        const timer = setInterval(() => channel.write(collectorFrame(seq++)), 200);
        channel.on('close', () => clearInterval(timer));
      },
    });
    liveRoot = mkdtempSync(join(tmpdir(), 'wgdeck-browser-live-'));
    await registerFakeServer(liveRoot, fake, { name: 'fake', user: 'root' });
    liveEngine = new Engine({ dataDir: liveRoot, userKnownHostsPath: null, host: 'browser' });
    await liveEngine.start();
    liveMode = await startBrowserMode({
      engine: liveEngine,
      rendererDir: join(root, 'renderer'),
      token: TOKEN,
    });
  });

  afterAll(async () => {
    await liveMode?.close();
    liveEngine?.stop();
    await fake?.close();
    rmSync(liveRoot, { recursive: true, force: true });
  });

  it('streams fleet:delta events, and fleet:sync gives the state they apply to', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${liveMode.port}/ws`, socketProtocols(TOKEN), {
      origin: `http://127.0.0.1:${liveMode.port}`,
    });
    const list = messages(ws);
    await new Promise((resolve) => ws.once('open', resolve));
    const deltas = () => list.filter((m) => m.type === 'event' && m.event === 'fleet:delta');
    await until(() => (deltas().length >= 2 ? true : undefined), 10_000);
    expect(list.some((m) => m.type === 'event' && m.event === ('fleet:server' as string))).toBe(false);
    const synced = await call(ws, list, 'fleet:sync', []);
    expect(synced).toMatchObject({ ok: true, value: [{ name: 'fake', live: { name: 'fake' } }] });
    ws.close();
  });
});
