import { describe, expect, it } from 'vitest';
import { FramePacer, minFrameSpacingMs } from './frame-pacer.ts';

/** A pacer on a clock the test moves. */
function paced(seconds: number): { pacer: FramePacer; advance: (ms: number) => void } {
  let now = 0;
  return { pacer: new FramePacer(minFrameSpacingMs(seconds), () => now), advance: (ms) => (now += ms) };
}

describe('FramePacer', () => {
  it('takes frames that come once per interval, and refuses none', () => {
    const { pacer, advance } = paced(5);
    for (let i = 0; i < 10; i++) {
      expect(pacer.admit(1000 + i * 5)).toBe(true);
      advance(5000);
    }
    expect(pacer.dropped).toBe(0);
  });

  it('refuses and counts frames sooner than half the interval after the last one taken', () => {
    const { pacer, advance } = paced(5);
    expect(pacer.admit(100)).toBe(true);
    let taken = 0;
    // A flood: a frame every millisecond for 10 s, each with an advancing server clock.
    for (let i = 1; i <= 10_000; i++) {
      advance(1);
      if (pacer.admit(100 + i)) taken++;
    }
    expect(taken).toBe(4); // at 2.5 s, 5 s, 7.5 s and 10 s
    expect(pacer.dropped).toBe(10_000 - 4);
  });

  it('refuses a frame whose server clock did not move forward', () => {
    const { pacer, advance } = paced(5);
    expect(pacer.admit(100)).toBe(true);
    advance(5000);
    expect(pacer.admit(100)).toBe(false);
    expect(pacer.admit(99)).toBe(false);
    expect(pacer.admit(105)).toBe(true);
    expect(pacer.dropped).toBe(2);
  });

  it('welcomes the first frame of a new stream (a reboot resets the server clock) and keeps the count', () => {
    const { pacer, advance } = paced(5);
    pacer.admit(5000);
    advance(10);
    expect(pacer.admit(5001)).toBe(false);
    pacer.newStream();
    expect(pacer.admit(3)).toBe(true);
    expect(pacer.dropped).toBe(1);
  });

  it('lets a frame without a usable clock through at the same pace, so broken frames cannot flood', () => {
    const { pacer, advance } = paced(2);
    expect(pacer.admit(null)).toBe(true); // parsed, found malformed, dropped with a log line
    advance(10);
    expect(pacer.admit(null)).toBe(false);
    expect(pacer.admit(7)).toBe(false);
    advance(1000);
    expect(pacer.admit(7)).toBe(true);
    expect(pacer.dropped).toBe(2);
  });

  it('takes one frame only with an infinite spacing (a one-shot read)', () => {
    const pacer = new FramePacer(Number.POSITIVE_INFINITY, () => 0);
    expect(pacer.admit(1)).toBe(true);
    expect(pacer.admit(2)).toBe(false);
    expect(pacer.dropped).toBe(1);
  });
});
