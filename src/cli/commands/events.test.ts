import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.ts';
import { sinceSeconds } from './events.ts';

describe('wgdeck events --since', () => {
  it('reads ages in s, m, h and d', () => {
    const now = 1_800_000_000_000;
    expect(sinceSeconds('90s', now)).toBe(now / 1000 - 90);
    expect(sinceSeconds('30m', now)).toBe(now / 1000 - 1800);
    expect(sinceSeconds('1h', now)).toBe(now / 1000 - 3600);
    expect(sinceSeconds('7d', now)).toBe(now / 1000 - 7 * 86_400);
  });

  it.each(['1', '1w', '-1h', 'yesterday', ''])('refuses %j', (text) => {
    expect(() => sinceSeconds(text)).toThrow(UsageError);
  });
});
