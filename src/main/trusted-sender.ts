/**
 * Whether an IPC message comes from our own page. Every `ipcMain` handler takes input from a renderer,
 * and a renderer is untrusted (a navigation gone wrong, an injected frame): only the main frame of our
 * window, showing our own renderer, may call the engine.
 */
import { isAppOriginUrl, parseUrl, type RendererLocation } from './renderer-location.ts';

export type { RendererLocation } from './renderer-location.ts';

export interface SenderFacts {
  webContentsId: number;
  /** The sending frame's URL; null when the frame is gone. */
  frameUrl: string | null;
  isMainFrame: boolean;
}

/**
 * Our page: the app:// origin, which serves nothing but the built renderer, or — in development only,
 * when `devServerUrl()` set it — the dev server's exact origin. Never `file://`: the page is not served
 * from there, and every local file shares that scheme.
 */
export function isTrustedRendererUrl(url: string | null | undefined, location: RendererLocation): boolean {
  if (!url) return false;
  const parsed = parseUrl(url);
  if (!parsed) return false;
  if (isAppOriginUrl(parsed)) return true;
  if (!location.devServerUrl) return false;
  const dev = parseUrl(location.devServerUrl);
  return (
    dev !== null &&
    (dev.protocol === 'http:' || dev.protocol === 'https:') &&
    parsed.origin === dev.origin &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

export function isTrustedSender(
  sender: SenderFacts,
  windowWebContentsId: number | null,
  location: RendererLocation,
): boolean {
  return (
    windowWebContentsId !== null &&
    sender.webContentsId === windowWebContentsId &&
    sender.isMainFrame &&
    isTrustedRendererUrl(sender.frameUrl, location)
  );
}

/** Links the app may hand to the system browser: https only (no file:, no custom schemes). */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
}
