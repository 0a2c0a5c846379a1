import type { WebContents } from 'electron';
import { isSafeExternalUrl } from './trusted-sender.ts';

/** The part of a WebContents the guard uses (a plain emitter in tests, where Electron cannot run). */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * The page never leaves the app: its routes change only the URL's hash (in-page, no navigation event),
 * so every navigation a page or a link asks for is refused — in the main frame (`will-navigate`) and in
 * any frame (`will-frame-navigate`) — as are redirects, webviews and new windows. An https link opens in
 * the system browser instead. `loadURL` and reloads are not page-initiated and stay possible.
 */
export function guardNavigation(contents: GuardedContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
}
