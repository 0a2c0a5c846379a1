import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspFromHtml } from '../headless/static-files.ts';
import { APP_SCHEME_PRIVILEGES, DESKTOP_CSP, resolveAppRequest, serveAppRequest } from './app-protocol.ts';

const root = '/opt/wg-deck/out/renderer';

describe('resolveAppRequest', () => {
  it.each([
    ['app://wg-deck/index.html', `${root}/index.html`],
    ['app://wg-deck/', `${root}/index.html`],
    ['app://wg-deck/index.html?x=1#/servers/edge-1', `${root}/index.html`],
    ['app://wg-deck/assets/index-08vw1w_y.js?v=2', `${root}/assets/index-08vw1w_y.js`],
    ['app://wg-deck/assets/a%20b.css', `${root}/assets/a b.css`],
    // URL parsing resolves dot segments, plain or encoded, before we see the path: these stay inside.
    ['app://wg-deck/assets/../index.html', `${root}/index.html`],
    ['app://wg-deck/%2e%2e/%2E%2E/etc/passwd', `${root}/etc/passwd`],
  ])('%s → %s', (url, file) => {
    expect(resolveAppRequest(url, root)).toBe(file);
  });

  it.each([
    // Traversal that survives URL parsing: encoded slashes and backslashes, dot segments after decoding.
    'app://wg-deck/..%2f..%2fetc/passwd',
    'app://wg-deck/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://wg-deck/assets/..%5c..%5cpackage.json',
    'app://wg-deck/assets\\..\\..\\package.json',
    'app://wg-deck/.git/config',
    'app://wg-deck/assets/.hidden',
    // Absolute paths.
    'app://wg-deck//etc/passwd',
    'app://wg-deck/%2fetc/passwd',
    'app://wg-deck/%2Fetc%2Fpasswd',
    'app:///etc/passwd',
    // NUL and undecodable bytes.
    'app://wg-deck/index.html%00.js',
    'app://wg-deck/%E0%A4%A',
    // Another host, a port, credentials, another scheme.
    'app://evil/index.html',
    'app://wg-deck.evil.example/index.html',
    'app://wg-deck:8080/index.html',
    'app://user@wg-deck/index.html',
    'file:///opt/wg-deck/out/renderer/index.html',
    'http://wg-deck/index.html',
    'https://localhost/index.html',
    '',
    'not a url',
    `app://wg-deck/${'a/'.repeat(600)}`,
  ])('refuses %j', (url) => {
    expect(resolveAppRequest(url, root)).toBeNull();
  });
});

describe('serveAppRequest', () => {
  let dir: string;

  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'wgdeck-app-protocol-'));
    dir = join(base, 'renderer');
    mkdirSync(join(dir, 'assets'), { recursive: true });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>WG Deck</title>\n');
    writeFileSync(join(dir, 'assets', 'index.js'), 'console.log("app");\n');
    writeFileSync(join(dir, 'assets', 'index.css'), 'body{}\n');
    writeFileSync(join(dir, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
    writeFileSync(join(dir, 'assets', 'blob.bin'), 'x');
    writeFileSync(join(base, 'secret.txt'), 'TOP SECRET\n');
  });

  afterAll(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  const get = (url: string, method = 'GET'): Promise<Response> =>
    serveAppRequest(new Request(url, { method }), dir);

  it.each([
    ['app://wg-deck/index.html', 'text/html; charset=utf-8', '<!doctype html><title>WG Deck</title>\n'],
    ['app://wg-deck/', 'text/html; charset=utf-8', '<!doctype html><title>WG Deck</title>\n'],
    ['app://wg-deck/assets/index.js', 'text/javascript; charset=utf-8', 'console.log("app");\n'],
    ['app://wg-deck/assets/index.css?v=1', 'text/css; charset=utf-8', 'body{}\n'],
    ['app://wg-deck/assets/logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>\n'],
    ['app://wg-deck/assets/blob.bin', 'application/octet-stream', 'x'],
  ])('serves %s as %s, with the desktop CSP and nosniff', async (url, type, body) => {
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(type);
    expect(response.headers.get('content-security-policy')).toBe(DESKTOP_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(body);
  });

  it.each([
    'app://wg-deck/missing.js',
    'app://wg-deck/assets', // a directory
    'app://wg-deck/..%2fsecret.txt',
    'app://wg-deck/%2e%2e%2fsecret.txt',
    'app://evil/index.html',
  ])('answers 404 for %s, never the file', async (url) => {
    const response = await get(url);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(DESKTOP_CSP);
    expect(await response.text()).not.toContain('SECRET');
  });

  it('never serves a real file outside the directory named by its absolute path', async () => {
    const outside = join(dir, '..', 'secret.txt');
    for (const url of [`app://wg-deck/${encodeURIComponent(outside)}`, `app://wg-deck/${outside}`]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('SECRET');
    }
  });

  it('refuses methods other than GET and HEAD; HEAD has no body', async () => {
    expect((await get('app://wg-deck/index.html', 'POST')).status).toBe(405);
    expect((await get('app://wg-deck/index.html', 'DELETE')).status).toBe(405);
    const head = await get('app://wg-deck/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('the scheme and the page policy', () => {
  it('is standard and secure (a real origin, a secure context) and never bypasses the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true });
    expect(APP_SCHEME_PRIVILEGES.bypassCSP).toBeUndefined();
    expect(APP_SCHEME_PRIVILEGES.allowServiceWorkers).toBeUndefined();
  });

  it('lets the desktop page connect nowhere, and browser mode only to its own origin', () => {
    expect(DESKTOP_CSP).toContain("connect-src 'none'");
    const html = readFileSync(join(import.meta.dirname, '..', 'renderer', 'index.html'), 'utf8');
    const csp = cspFromHtml(html) ?? '';
    const connect = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('connect-src'));
    // `ws:`/`wss:` alone would allow a WebSocket to any host; 'self' covers browser mode's own /ws.
    expect(connect).toBe("connect-src 'self'");
  });
});
