import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.ts';

describe('backoffDelayMs', () => {
  it('doubles up to the cap, with half of each step random', () => {
    expect(backoffDelayMs(0, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelayMs(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, 1000, 60_000, () => 0)).toBe(4000);
    expect(backoffDelayMs(10, 1000, 60_000, () => 1)).toBe(60_000);
    expect(backoffDelayMs(1000, 1000, 60_000, () => 0.5)).toBe(45_000);
  });
});
