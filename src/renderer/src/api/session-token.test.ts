import { describe, expect, it } from 'vitest';
import { takeSessionToken, type TokenWindow } from './session-token.ts';

/** A tab: its address bar, history entry and sessionStorage. */
function tab(href: string, stored: Record<string, string> = {}) {
  const storage = new Map(Object.entries(stored));
  const initialState: unknown = { kept: true };
  const win = {
    location: { href },
    history: {
      state: initialState,
      replaceState(state: unknown, _unused: string, url: string) {
        win.history.state = state;
        win.location.href = new URL(url, win.location.href).href;
      },
    },
    sessionStorage: {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
    },
  } satisfies TokenWindow;
  return { win, storage };
}

describe("the page's token", () => {
  it('is taken from the URL, which is replaced without it (path, other parameters, hash and state kept)', () => {
    const { win, storage } = tab('http://127.0.0.1:4321/?x=1&token=abc_-9#/server/edge-1');
    expect(takeSessionToken(win)).toBe('abc_-9');
    expect(win.location.href).toBe('http://127.0.0.1:4321/?x=1#/server/edge-1');
    expect(win.history.state).toEqual({ kept: true });
    expect(storage.get('wgdeck-token')).toBe('abc_-9');
  });

  it('leaves a URL without "?" when the token was its only parameter', () => {
    const { win } = tab('http://127.0.0.1:4321/?token=abc');
    takeSessionToken(win);
    expect(win.location.href).toBe('http://127.0.0.1:4321/');
  });

  it("survives a reload in the same tab (sessionStorage), and the URL's token wins over a stored one", () => {
    const reload = tab('http://127.0.0.1:4321/', { 'wgdeck-token': 'stored' });
    expect(takeSessionToken(reload.win)).toBe('stored');
    const fresh = tab('http://127.0.0.1:4321/?token=new', { 'wgdeck-token': 'stored' });
    expect(takeSessionToken(fresh.win)).toBe('new');
    expect(fresh.storage.get('wgdeck-token')).toBe('new');
  });

  it('is null in a tab given none (a new tab on the bare address)', () => {
    const { win } = tab('http://127.0.0.1:4321/#/settings');
    expect(takeSessionToken(win)).toBeNull();
    expect(win.location.href).toBe('http://127.0.0.1:4321/#/settings');
  });

  it('works for this load when storage is disabled', () => {
    const { win } = tab('http://127.0.0.1:4321/?token=mem');
    win.sessionStorage.setItem = () => {
      throw new Error('SecurityError');
    };
    expect(takeSessionToken(win)).toBe('mem');
    expect(win.location.href).toBe('http://127.0.0.1:4321/');
    expect(takeSessionToken(win)).toBe('mem'); // "Try again" in the same load
  });
});
