import { describe, expect, it } from 'vitest';
import type { ServerDelta } from '../../../shared/live-delta.ts';
import { DeltaCoalescer } from './coalescer.ts';
import { server } from './test-fixtures.ts';

function harness(cap?: number) {
  const frames: (() => void)[] = [];
  const env = {
    hidden: false,
    requestFrame: (cb: () => void) => frames.push(cb),
    isHidden: () => env.hidden,
  };
  const flushes: { seqs: number[]; overflowed: boolean }[] = [];
  const coalescer = new DeltaCoalescer(
    env,
    (deltas, overflowed) => flushes.push({ seqs: deltas.map((d) => d.seq), overflowed }),
    cap,
  );
  const runFrames = () => frames.splice(0).forEach((f) => f());
  return { env, frames, flushes, coalescer, runFrames };
}

const delta = (seq: number): ServerDelta => ({ name: 'a', seq, server: server('a', []), interfaces: [] });

describe('DeltaCoalescer', () => {
  it('hands over everything received before a frame in one batch', () => {
    const h = harness();
    h.coalescer.push(delta(1));
    h.coalescer.push(delta(2));
    h.coalescer.push(delta(3));
    expect(h.frames).toHaveLength(1);
    expect(h.flushes).toEqual([]);
    h.runFrames();
    expect(h.flushes).toEqual([{ seqs: [1, 2, 3], overflowed: false }]);
  });

  it('schedules nothing while hidden and catches up when shown', () => {
    const h = harness();
    h.env.hidden = true;
    h.coalescer.push(delta(1));
    h.coalescer.push(delta(2));
    expect(h.frames).toHaveLength(0);
    h.coalescer.visibilityChanged();
    expect(h.flushes).toEqual([]);
    h.env.hidden = false;
    h.coalescer.visibilityChanged();
    expect(h.flushes).toEqual([{ seqs: [1, 2], overflowed: false }]);
  });

  it('a frame that fires while hidden keeps the buffer for later', () => {
    const h = harness();
    h.coalescer.push(delta(1));
    h.env.hidden = true;
    h.runFrames();
    expect(h.flushes).toEqual([]);
    h.env.hidden = false;
    h.coalescer.visibilityChanged();
    expect(h.flushes).toEqual([{ seqs: [1], overflowed: false }]);
  });

  it('holds deltas while paused (a resync in flight) and drops what the sync covers', () => {
    const h = harness();
    h.coalescer.pause();
    h.coalescer.push(delta(4));
    h.runFrames();
    expect(h.flushes).toEqual([]);
    h.coalescer.discard();
    h.coalescer.push(delta(6));
    h.coalescer.resume();
    h.runFrames();
    expect(h.flushes).toEqual([{ seqs: [6], overflowed: false }]);
  });

  it('reports an overflow so the store resyncs instead', () => {
    const h = harness(2);
    h.env.hidden = true;
    for (let i = 1; i <= 5; i++) h.coalescer.push(delta(i));
    h.env.hidden = false;
    h.coalescer.visibilityChanged();
    expect(h.flushes).toEqual([{ seqs: [], overflowed: true }]);
  });

  it('flush() applies at once (before a removal), and nothing when empty', () => {
    const h = harness();
    h.coalescer.flush();
    expect(h.flushes).toEqual([]);
    h.coalescer.push(delta(1));
    h.coalescer.flush();
    h.runFrames();
    expect(h.flushes).toEqual([{ seqs: [1], overflowed: false }]);
  });
});
