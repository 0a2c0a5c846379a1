import { describe, expect, it } from 'vitest';
import { createToken, tokenMatches } from './token.ts';

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
});
