import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Browser mode's access token, as Jupyter does it: 32 random bytes, printed once in the URL. The page
 * keeps it in its tab's sessionStorage and offers it when it opens the WebSocket (`shared/ws-auth.ts`);
 * there is no cookie (cookies ignore ports: every server on 127.0.0.1 would receive it). Anyone with
 * the token controls the fleet, so it is compared in constant time.
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
