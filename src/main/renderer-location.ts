/**
 * Where the window's page comes from. The built renderer is served on our own privileged scheme
 * (`app://wg-deck/`, see app-protocol.ts) rather than `file://`, so the page has a real origin of its
 * own and can reach no other local file. electron-vite's dev server (ELECTRON_RENDERER_URL) replaces it
 * only in development: a packaged app that honoured the variable would load, and trust for IPC,
 * whatever page the environment names.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'wg-deck';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export interface RendererLocation {
  /** electron-vite's dev server; set only by `devServerUrl()`, so only in development. */
  devServerUrl?: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A URL, or null when the text is none. */
export function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The dev server to load instead of the built page: ELECTRON_RENDERER_URL when the app is not packaged
 * and the URL is plain http(s) on loopback without credentials (what electron-vite sets); otherwise
 * none, and the built page is shown.
 */
export function devServerUrl(
  isPackaged: boolean,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (isPackaged) return undefined;
  const value = env['ELECTRON_RENDERER_URL'];
  if (!value) return undefined;
  const url = parseUrl(value);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  if (url.username !== '' || url.password !== '' || !LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return value;
}

/** What the window loads first. */
export function rendererStartUrl(location: RendererLocation): string {
  return location.devServerUrl ?? APP_INDEX_URL;
}

/** True for a URL on our app:// origin, exactly (no port, no credentials, our host only). */
export function isAppOriginUrl(url: URL): boolean {
  return (
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}
