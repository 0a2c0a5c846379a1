import { readFile } from 'node:fs/promises';
import type { Privileges } from 'electron';
import { contentType, HEADER_ONLY_CSP, resolveStaticPath } from '../headless/static-files.ts';
import { isAppOriginUrl, parseUrl } from './renderer-location.ts';

/**
 * The app:// scheme that serves the built renderer to the window (`protocol.handle` in index.ts), as
 * Electron's security checklist recommends over `file://`: the page gets an origin of its own, and a
 * request can name only a file of the renderer's output directory. Which files those are is browser
 * mode's rule too (`resolveStaticPath`: no `..` or dot segments, encoded or not, no NUL or backslash,
 * nothing resolving outside the directory). Symlinks are not re-checked as browser mode does: the
 * directory is our own build output, inside the integrity-checked app.asar once packaged.
 */

/**
 * `standard`: relative URLs and a real origin (`app://wg-deck`); `secure`: a secure context, like
 * https; `corsEnabled`: Vite's `<script type="module" crossorigin>` loads in CORS mode; `codeCache`:
 * V8 caches the bundle. Never `bypassCSP`: the page's CSP must hold.
 */
export const APP_SCHEME_PRIVILEGES: Privileges = {
  standard: true,
  secure: true,
  corsEnabled: true,
  codeCache: true,
};

/**
 * Sent with every response, on top of the page's own meta CSP (the stricter of both applies). The
 * desktop page talks to the engine over IPC only, so it may open no connection at all; index.html's
 * `connect-src 'self'` exists for browser mode's WebSocket. The header-only directives are added here.
 */
export const DESKTOP_CSP = `connect-src 'none'; ${HEADER_ONLY_CSP}`;

/** The file an app:// request names, or null: another scheme or host, a port, credentials, or a path
 * that `resolveStaticPath` refuses. The query and fragment never name a file. */
export function resolveAppRequest(requestUrl: string, rendererDir: string): string | null {
  const url = parseUrl(requestUrl);
  if (!url || !isAppOriginUrl(url)) return null;
  return resolveStaticPath(rendererDir, url.pathname);
}

function refusal(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Security-Policy': DESKTOP_CSP,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

/** What `protocol.handle('app', …)` answers: the file with its type, or a refusal. Never throws. */
export async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405, 'Method not allowed.');
  const file = resolveAppRequest(request.url, rendererDir);
  if (!file) return refusal(404, 'Not found.');
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = new Uint8Array(await readFile(file));
  } catch {
    return refusal(404, 'Not found.'); // missing, or a directory
  }
  return new Response(request.method === 'HEAD' ? null : body, {
    status: 200,
    headers: {
      'Content-Type': contentType(file),
      'Content-Length': String(body.byteLength),
      'Content-Security-Policy': DESKTOP_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    },
  });
}
