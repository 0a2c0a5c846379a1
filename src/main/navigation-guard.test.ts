import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardNavigation, type GuardedContents } from './navigation-guard.ts';

type OpenHandler = (details: { url: string }) => { action: string };

/** A WebContents as far as the guard sees it: an emitter plus the window-open hook. */
function fakeContents(): {
  contents: GuardedContents;
  emitter: EventEmitter;
  openHandler: () => OpenHandler;
} {
  const emitter = new EventEmitter();
  let handler: OpenHandler | null = null;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (h: OpenHandler) => {
      handler = h;
    },
  }) as unknown as GuardedContents;
  return {
    contents,
    emitter,
    openHandler: () => {
      if (!handler) throw new Error('no window open handler set');
      return handler;
    },
  };
}

function emitPreventable(emitter: EventEmitter, name: string, url: string): boolean {
  let prevented = false;
  emitter.emit(name, { url, preventDefault: () => (prevented = true) });
  return prevented;
}

describe('guardNavigation', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'])(
    'refuses %s, to anywhere (other sites, file:, even our own origin)',
    (name) => {
      const { contents, emitter } = fakeContents();
      guardNavigation(contents, () => undefined);
      for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://wg-deck/index.html']) {
        expect(emitPreventable(emitter, name, url), `${name} ${url}`).toBe(true);
      }
    },
  );

  it('opens no window; hands https links to the system browser, nothing else', () => {
    const { contents, openHandler } = fakeContents();
    const opened: string[] = [];
    guardNavigation(contents, (url) => opened.push(url));
    for (const url of [
      'https://www.wireguard.com/',
      'file:///etc/passwd',
      'app://wg-deck/',
      'http://evil.example/',
    ]) {
      expect(openHandler()({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://www.wireguard.com/']);
  });
});
