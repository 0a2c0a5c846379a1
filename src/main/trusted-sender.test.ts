import { describe, expect, it } from 'vitest';
import { relayInvoke } from './ipc-relay.ts';
import { APP_INDEX_URL } from './renderer-location.ts';
import {
  isSafeExternalUrl,
  isTrustedRendererUrl,
  isTrustedSender,
  type RendererLocation,
} from './trusted-sender.ts';
import type { ValidInvoke } from '../shared/rpc.ts';

const built: RendererLocation = {};
const dev: RendererLocation = { devServerUrl: 'http://localhost:5173' };

describe('isTrustedRendererUrl', () => {
  it.each([
    'app://wg-deck/index.html',
    'app://wg-deck/index.html#/servers/edge-1',
    'app://wg-deck/index.html?x=1',
    'app://wg-deck/',
    'app://wg-deck/assets/../index.html', // URL parsing resolves this to the same page
  ])('trusts our app:// origin: %s', (url) => {
    expect(isTrustedRendererUrl(url, built)).toBe(true);
  });

  it.each([
    // The built page as loadFile showed it: file: is every local file's scheme, never trusted.
    'file:///opt/wg-deck/out/renderer/index.html',
    'file:///opt/wg-deck/resources/app.asar/out/renderer/index.html',
    'file:///evil/index.html',
    'app://evil/index.html',
    'app://wg-deck.evil.example/index.html',
    'app://wg-deck:8080/index.html',
    'app://user@wg-deck/index.html',
    'app://user:pw@wg-deck/index.html',
    'app:///index.html',
    'app:wg-deck/index.html',
    'wg-deck://wg-deck/index.html',
    'http://wg-deck/index.html',
    'http://localhost:5173/',
    'http://localhost.evil.example/',
    'http://localhost.evil.example:5173/',
    'about:blank',
    'data:text/html,<script>1</script>',
    'javascript:alert(1)',
    'devtools://devtools/bundled/inspector.html',
    'chrome-extension://abc/index.html',
    '',
    'not a url',
  ])('refuses %s in a built app', (url) => {
    expect(isTrustedRendererUrl(url, built)).toBe(false);
  });

  it('trusts the dev server origin only, in development', () => {
    expect(isTrustedRendererUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isTrustedRendererUrl('http://localhost:5173/index.html#x', dev)).toBe(true);
    for (const url of [
      'http://localhost.evil.example:5173/',
      'http://localhost:5174/',
      'https://localhost:5173/',
      'http://127.0.0.1:5173/',
      'http://user@localhost:5173/',
      'http://user@localhost.evil.example:5173/',
      'ws://localhost:5173/',
    ]) {
      expect(isTrustedRendererUrl(url, dev), url).toBe(false);
    }
  });

  it('never trusts a dev server URL that is not http(s)', () => {
    expect(isTrustedRendererUrl('file:///evil', { devServerUrl: 'file:///evil' })).toBe(false);
    expect(isTrustedRendererUrl('data:,x', { devServerUrl: 'data:,x' })).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const good = { webContentsId: 7, frameUrl: APP_INDEX_URL, isMainFrame: true };
  it('needs our window, its main frame and our page', () => {
    expect(isTrustedSender(good, 7, built)).toBe(true);
    expect(isTrustedSender({ ...good, webContentsId: 8 }, 7, built)).toBe(false);
    expect(isTrustedSender(good, null, built)).toBe(false);
    expect(isTrustedSender({ ...good, isMainFrame: false }, 7, built)).toBe(false);
    expect(isTrustedSender({ ...good, frameUrl: null }, 7, built)).toBe(false);
    expect(isTrustedSender({ ...good, frameUrl: 'file:///evil' }, 7, built)).toBe(false);
    expect(isTrustedSender({ ...good, frameUrl: 'app://evil/index.html' }, 7, built)).toBe(false);
  });
});

describe('relayInvoke', () => {
  const calls: ValidInvoke[] = [];
  const deps = {
    windowWebContentsId: 7,
    renderer: built,
    host: {
      invoke: (call: ValidInvoke) => {
        calls.push(call);
        return Promise.resolve({ ok: true as const, value: [] });
      },
    },
  };
  const sender = { webContentsId: 7, frameUrl: APP_INDEX_URL, isMainFrame: true };

  it('forwards a valid call from our page', async () => {
    calls.length = 0;
    expect(await relayInvoke(sender, 'server:list', [], deps)).toEqual({ ok: true, value: [] });
    expect(calls).toEqual([{ method: 'server:list', args: [] }]);
  });

  it('refuses a foreign sender before looking at the call', async () => {
    calls.length = 0;
    const outcome = await relayInvoke(
      { ...sender, frameUrl: 'http://localhost.evil.example:5173/' },
      'server:list',
      [],
      deps,
    );
    expect(outcome).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(calls).toEqual([]);
  });

  it('refuses invalid input with INVALID_INPUT, never reaching the engine', async () => {
    calls.length = 0;
    expect(await relayInvoke(sender, 'server:remove', ['x;rm'], deps)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await relayInvoke(sender, 'constructor', [], deps)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await relayInvoke(sender, 'server:list', { length: 0 }, deps)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(calls).toEqual([]);
  });
});

describe('isSafeExternalUrl', () => {
  it.each([
    ['https://www.wireguard.com/', true],
    ['http://example.org/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['smb://host/share', false],
    ['https://user:pw@example.org/', false],
    ['nonsense', false],
  ])('%s → %s', (url, expected) => {
    expect(isSafeExternalUrl(url)).toBe(expected);
  });
});
