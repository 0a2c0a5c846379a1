import { describe, expect, it } from 'vitest';
import { ChannelLimiter } from './channel-limiter.ts';

describe('ChannelLimiter', () => {
  it('never runs more than max tasks at once and runs them all', async () => {
    const limiter = new ChannelLimiter(3);
    let running = 0;
    let peak = 0;
    const task = async (i: number): Promise<number> => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 1 + (i % 4)));
      running -= 1;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.run(() => task(i))));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
    expect(limiter.active).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const limiter = new ChannelLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
