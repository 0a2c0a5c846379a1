import { describe, expect, it } from 'vitest';
import { cookieName, createToken, readCookie, tokenCookie, tokenMatches } from './token.ts';

describe('token', () => {
  it('is 32 random bytes, base64url', () => {
    const a = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(createToken()).not.toBe(a);
  });

  it('matches only itself', () => {
    const token = createToken();
    expect(tokenMatches(token, token)).toBe(true);
    for (const bad of [
      null,
      undefined,
      '',
      token.slice(1),
      `${token} `,
      token.toUpperCase(),
      'x'.repeat(5000),
    ]) {
      expect(tokenMatches(bad, token)).toBe(false);
    }
  });

  it('lives in a per-port, HttpOnly, SameSite=Strict cookie', () => {
    expect(cookieName(8080)).toBe('wgdeck-token-8080');
    expect(tokenCookie(8080, 'abc')).toBe('wgdeck-token-8080=abc; Path=/; HttpOnly; SameSite=Strict');
  });

  it('reads one cookie from a header', () => {
    expect(readCookie('a=1; wgdeck-token-1=tok; b=2', 'wgdeck-token-1')).toBe('tok');
    expect(readCookie('xwgdeck-token-1=tok', 'wgdeck-token-1')).toBeNull();
    expect(readCookie(undefined, 'a')).toBeNull();
    expect(readCookie('garbage;;=;', 'a')).toBeNull();
    expect(readCookie(`a=${'x'.repeat(20_000)}`, 'a')).toBeNull();
  });
});
