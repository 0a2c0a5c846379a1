import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { socketProtocols, TOKEN_REFUSED_CLOSE, WS_PROTOCOL } from '../src/shared/ws-auth.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';

/**
 * Browser mode on a shared machine (a jump host): another local user must get nothing — no cookie
 * (cookies ignore ports, so any server on 127.0.0.1 would receive it), no token left in the address
 * bar, none on a command line — and every refusal is the exact one the server deliberately gives.
 * No lab needed: an empty fleet shows the welcome screen.
 */

const ROOT = join(import.meta.dirname, '..');
const SHOTS = join(ROOT, 'test-results', 'screenshots');

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** A plain HTTP server on another loopback port that records every request it gets. */
async function startListener(): Promise<{
  server: Server;
  port: number;
  seen: { url: string; headers: IncomingHttpHeaders }[];
}> {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>another user</title><p>another user’s server</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

/** A raw request with the Host header as given (fetch() would replace it). */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { Host: host } }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * The page's globals used inside page.evaluate: these files are typed for Node, without the DOM, and
 * a bare `WebSocket` there would be the module imported from `ws`, not the browser's.
 */
interface PageSocket {
  readonly protocol: string;
  onopen: (() => void) | null;
  onmessage: (() => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(): void;
}
interface PageGlobals {
  location: { host: string; assign(url: string): void };
  WebSocket: new (url: string, protocols: string[]) => PageSocket;
}

type Outcome =
  { http: number } | { close: number; reason: string; opened: boolean } | { served: true; protocol: string };

/** What the server does with a socket from Node (`ws`), where the Origin can be anything. */
function nodeSocket(url: string, protocols: string[], origin: string): Promise<Outcome> {
  const ws = new WebSocket(url, protocols, { origin });
  let opened = false;
  return new Promise((resolve, reject) => {
    ws.on('unexpected-response', (_request, response) => {
      resolve({ http: response.statusCode! });
      ws.terminate();
    });
    ws.on('open', () => {
      opened = true;
      ws.send(JSON.stringify({ type: 'invoke', id: 1, method: 'server:list', args: [] }));
    });
    ws.on('message', () => {
      resolve({ served: true, protocol: ws.protocol });
      ws.close();
    });
    ws.on('close', (code, reason) => resolve({ close: code, reason: reason.toString(), opened }));
    ws.on('error', reject);
  });
}

describe('browser mode on a shared machine, in Chromium', () => {
  let app: BrowserModeApp;
  let browser: Browser;
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'wgdeck-auth-e2e-'));
    mkdirSync(join(scratch, 'data'));
    mkdirSync(join(scratch, 'home'));
    app = await startBrowserMode(join(scratch, 'data'), join(scratch, 'home'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('connects from the printed URL, then no cookie is set, the URL is clean, and a reload still works', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(app.url);
    await page.getByTestId('welcome').waitFor();
    await shot(page, 'browser-mode-1440');

    expect(await context.cookies()).toEqual([]);
    expect(page.url()).toBe(`${app.origin}/`);
    expect(sockets).toEqual([`${app.origin.replace('http:', 'ws:')}/ws`]);

    // The same tab keeps its token (sessionStorage): a reload connects without it in the URL.
    await page.reload();
    await page.getByTestId('welcome').waitFor();
    expect(page.url()).toBe(`${app.origin}/`);
    expect(await context.cookies()).toEqual([]);

    // A deep link keeps its route: only the token leaves the URL.
    await page.goto(`${app.url}#/settings`);
    await expect.poll(() => page.url()).toBe(`${app.origin}/#/settings`);
    await context.close();
  });

  it('a tab given no token shows what to do (TOKEN_REFUSED), not the app', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByTestId('welcome').waitFor();
    // Another tab of the same browser on the bare address: sessionStorage is per tab.
    const other = await context.newPage();
    await other.goto(`${app.origin}/`);
    const refused = other.locator('[data-testid="connect-failed"][data-code="TOKEN_REFUSED"]');
    await refused.waitFor();
    expect(await refused.locator('h1').textContent()).toBe('WG Deck needs its access token');
    expect(await refused.textContent()).toContain('Open the URL `wgdeck serve` printed');
    expect(await other.getByTestId('welcome').count()).toBe(0);
    await shot(other, 'browser-mode-token-refused');
    await context.close();
  });

  it('refuses the WebSocket without the token with close code 4401, and serves it with the token', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.origin}/`); // the page's own origin, so the Origin check passes
    const attempts = await page.evaluate(
      async ({ offers }) => {
        const attempt = (protocols: string[]) =>
          new Promise((resolve) => {
            const page = globalThis as unknown as PageGlobals;
            const ws = new page.WebSocket(`ws://${page.location.host}/ws`, protocols);
            let opened = false;
            ws.onopen = () => {
              opened = true;
              ws.send(JSON.stringify({ type: 'invoke', id: 1, method: 'server:list', args: [] }));
            };
            ws.onmessage = () => {
              resolve({ served: true, protocol: ws.protocol });
              ws.close();
            };
            ws.onclose = (event) => resolve({ close: event.code, reason: event.reason, opened });
          });
        const results: unknown[] = [];
        for (const protocols of offers) results.push(await attempt(protocols));
        return results;
      },
      {
        offers: [
          [],
          socketProtocols(null),
          socketProtocols('A'.repeat(app.token.length)),
          socketProtocols(app.token),
        ],
      },
    );
    const refused = { close: TOKEN_REFUSED_CLOSE, reason: 'access token required', opened: true };
    expect(attempts).toEqual([refused, refused, refused, { served: true, protocol: WS_PROTOCOL }]);
    await context.close();
  });

  it('refuses a foreign Origin with 403 and a rebinding Host with 421, exactly', async () => {
    const wsUrl = `${app.origin.replace('http:', 'ws:')}/ws`;
    const good = socketProtocols(app.token);
    // The control: the same socket with the page's Origin is served, so a refusal below is the check.
    expect(await nodeSocket(wsUrl, good, app.origin)).toEqual({ served: true, protocol: WS_PROTOCOL });
    expect(await nodeSocket(wsUrl, good, 'http://evil.example')).toEqual({ http: 403 });

    // DNS rebinding: a page on attacker.example resolved to 127.0.0.1 sends its own Host header.
    const port = new URL(app.origin).port;
    expect(await statusWithHost(`${app.origin}/`, `127.0.0.1:${port}`)).toBe(200);
    expect(await statusWithHost(`${app.origin}/`, `attacker.example:${port}`)).toBe(421);

    // The bundle itself holds no secret: served without the token, and never with a cookie.
    const page = await fetch(`${app.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
  });

  it('a server of another local user on another loopback port receives no token and no cookie', async () => {
    const listener = await startListener();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(app.url);
      await page.getByTestId('welcome').waitFor();
      // The same browser visits the other server: in a new tab, and from the app's own tab.
      const tab = await context.newPage();
      await tab.goto(`http://127.0.0.1:${listener.port}/new-tab`);
      await page.evaluate(
        (url) => (globalThis as unknown as PageGlobals).location.assign(url),
        `http://127.0.0.1:${listener.port}/from-app`,
      );
      await expect.poll(() => listener.seen.map((r) => r.url)).toContain('/from-app');
      expect(listener.seen.map((r) => r.url)).toContain('/new-tab');
      for (const { url, headers } of listener.seen) {
        expect(headers.cookie, url).toBeUndefined();
        expect(JSON.stringify(headers), url).not.toContain(app.token);
      }
      await context.close();
    } finally {
      await new Promise((resolve) => listener.server.close(resolve));
    }
  });
});

describe('wgdeck serve --open on a shared machine', () => {
  // Made in a hook, not at collection, so a run filtered to other tests leaves nothing behind.
  let scratch: string;
  let browser: Browser | undefined;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'wgdeck-open-e2e-'));
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('gives the opener only a 0600 redirect file (no token in its argv), which leads to the app and is removed on exit', async () => {
    const dir = (name: string): string => {
      mkdirSync(join(scratch, name), { mode: 0o700 });
      return join(scratch, name);
    };
    const [dataDir, home, fakeBin, runtime] = [dir('data'), dir('home'), dir('bin'), dir('runtime')];
    const argvLog = join(fakeBin, 'argv.log');
    // xdg-open as every local user sees it: its argv, world-readable in /proc/PID/cmdline.
    writeFileSync(
      join(fakeBin, 'xdg-open'),
      `#!/bin/sh\ntr '\\0' '\\n' < /proc/$$/cmdline > ${argvLog}.tmp && mv ${argvLog}.tmp ${argvLog}\n`,
      { mode: 0o755 },
    );
    const app = await startBrowserMode(dataDir, home, {
      args: ['--open'],
      env: { PATH: `${fakeBin}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, XDG_RUNTIME_DIR: runtime },
    });
    try {
      await expect.poll(() => existsSync(argvLog), { timeout: 20_000 }).toBe(true);
      const cmdline = readFileSync(argvLog, 'utf8').trim().split('\n');
      expect(cmdline.join(' ')).not.toContain(app.token);
      const target = cmdline.at(-1)!;
      expect(target).toMatch(/^file:\/\//);
      const file = fileURLToPath(target);
      expect(dirname(dirname(file))).toBe(runtime);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);

      // What the browser does with it: the redirect lands on the app, connected, with a clean URL.
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(target);
      await page.getByTestId('welcome').waitFor();
      expect(page.url()).toBe(`${app.origin}/`);
    } finally {
      await app.stop();
    }
    const file = fileURLToPath(readFileSync(argvLog, 'utf8').trim().split('\n').at(-1)!);
    expect(existsSync(dirname(file))).toBe(false);
  });
});
