import { extname, resolve, sep } from 'node:path';

/**
 * Serving the built renderer: which file a request path names (never one outside the directory), its
 * content type, and the CSP the page declares (sent as a header too, where `frame-ancestors` works).
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentType(file: string): string {
  return TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` a request URL names, or null when it names none safely: undecodable, NUL,
 * backslashes, `.`/`..` or dot-file segments (after decoding, so `%2e%2e%2f` is caught), or anything
 * resolving outside `root`. The caller still checks the real path (symlinks) and that it is a file.
 */
export function resolveStaticPath(root: string, url: string): string | null {
  const end = url.search(/[?#]/);
  const pathname = end < 0 ? url : url.slice(0, end);
  if (!pathname.startsWith('/') || pathname.length > 1024) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').slice(1);
  if (segments.some((segment) => segment.startsWith('.'))) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);
  const base = resolve(root);
  const full = resolve(base, relative);
  return full.startsWith(base + sep) ? full : null;
}

/**
 * Directives a browser honours only in a header: in the meta tag `frame-ancestors` is ignored with a
 * console error on every load, so the page leaves it out and whoever serves the page adds it.
 */
export const HEADER_ONLY_CSP = "frame-ancestors 'none'";

/** The header form of a page's CSP: what its meta tag declares plus the header-only directives. */
export function cspHeader(metaCsp: string): string {
  return `${metaCsp}; ${HEADER_ONLY_CSP}`;
}

/** The Content-Security-Policy of index.html's meta tag; null when it declares none. */
export function cspFromHtml(html: string): string | null {
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!/http-equiv\s*=\s*["']?content-security-policy["']?/i.test(tag)) continue;
    const content = /content\s*=\s*(["'])([\s\S]*?)\1/i.exec(tag);
    if (content) return content[2]!.replace(/\s+/g, ' ').trim();
  }
  return null;
}
