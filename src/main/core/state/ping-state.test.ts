import { describe, expect, it } from 'vitest';
import type { PingRound } from '../../../shared/domain.ts';
import { PING_FAILURES_TO_FAIL, PingState } from './ping-state.ts';

const A = '198.18.4.2';
const round = (at: number, ok: boolean, error: string | null = null): PingRound => ({
  at,
  results: [{ address: A, ok, rttMs: ok ? 1.2 : null, error }],
});

describe('ping state', () => {
  it('fails only after lost replies in a row, and one reply ends it (no flapping per round)', () => {
    const state = new PingState();
    expect(PING_FAILURES_TO_FAIL).toBe(2);
    const failing: boolean[] = [];
    for (const [i, ok] of [true, false, true, false, false, false, true].entries()) {
      state.apply(round(i, ok));
      failing.push(state.of(A)!.failing);
    }
    expect(failing).toEqual([false, false, false, false, true, true, false]);
  });

  it('a round in which ping could not run changes nothing about failing', () => {
    const state = new PingState();
    state.apply(round(1, false));
    state.apply(round(2, false, 'ping: socket: Operation not permitted'));
    expect(state.of(A)).toMatchObject({ failing: false, error: 'ping: socket: Operation not permitted' });
    state.apply(round(3, false));
    expect(state.of(A)!.failing).toBe(true);
  });

  it('keeps one object per round (receivers compare by identity) and forgets non-targets', () => {
    const state = new PingState();
    state.apply(round(1, true));
    const first = state.of(A);
    expect(state.of(A)).toBe(first);
    expect(state.of(null)).toBeNull();
    state.apply({ at: 2, results: [] });
    expect(state.of(A)).toBeNull();
  });
});
