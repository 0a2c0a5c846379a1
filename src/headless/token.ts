import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Browser mode's access token, as Jupyter does it: 32 random bytes, printed once in the URL, then kept
 * in an HttpOnly cookie. Anyone with the token controls the fleet, so it is compared in constant time.
 */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time comparison (hashing first makes the lengths equal, so nothing leaks through them). */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 1024) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** Cookies are shared by every port of a host, so the name carries the port (two `serve`s coexist). */
export function cookieName(port: number): string {
  return `wgdeck-token-${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The value of one cookie from a Cookie header; null when absent. Tolerates garbage. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header || header.length > 16_384) return null;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}
