import { describe, expect, it } from 'vitest';
import {
  dragWindow,
  effectiveRange,
  firstDataTime,
  fitPreset,
  fitRecordedHistory,
  MIN_ZOOM_MS,
  nearestIndex,
  parseStoredRange,
  PROBE_POINTS,
  scopeKey,
  storedRangeText,
} from './time-range.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('time-range', () => {
  it('fits the smallest preset that covers the history', () => {
    expect(fitPreset(0)).toBe('15m');
    expect(fitPreset(10 * MIN)).toBe('15m');
    expect(fitPreset(15 * MIN)).toBe('15m');
    expect(fitPreset(16 * MIN)).toBe('1h');
    expect(fitPreset(5 * HOUR)).toBe('6h');
    expect(fitPreset(3 * DAY)).toBe('7d');
    expect(fitPreset(5 * 365 * DAY)).toBe('1y');
  });

  it('finds the first bucket with data in any series', () => {
    expect(
      firstDataTime(
        [10, 20, 30],
        [
          [null, null, 3],
          [null, 2, null],
        ],
      ),
    ).toBe(20);
    expect(firstDataTime([10, 20], [[null, null], undefined])).toBeNull();
    expect(firstDataTime([], [])).toBeNull();
  });

  it('probes the widest preset, then refines at the fitted one', async () => {
    const now = Date.UTC(2026, 0, 1);
    const installed = now - 10 * MIN;
    const calls: [number, number, number][] = [];
    // Buckets of span/points: the probe answers with the start of the bucket holding `installed`.
    const probe = (from: number, to: number, points: number) => {
      calls.push([from, to, points]);
      const step = (to - from) / points;
      return Promise.resolve(from + Math.floor((installed - from) / step) * step);
    };
    await expect(fitRecordedHistory(probe, now)).resolves.toBe('15m');
    expect(calls).toEqual([
      [now - 365 * DAY, now, PROBE_POINTS],
      [now - 6 * HOUR, now, PROBE_POINTS],
    ]);
  });

  it('stops at the widest preset, and says when nothing is recorded', async () => {
    const now = Date.UTC(2026, 0, 1);
    let probes = 0;
    const old = () => {
      probes += 1;
      return Promise.resolve(now - 365 * DAY);
    };
    await expect(fitRecordedHistory(old, now)).resolves.toBe('1y');
    expect(probes).toBe(1);
    await expect(fitRecordedHistory(() => Promise.resolve(null), now)).resolves.toBeNull();
  });

  it('turns a drag into a zoom window, clamped to the plot', () => {
    const view = { from: 0, to: 1_000_000 };
    expect(dragWindow(100, 300, 1000, view)).toEqual({ from: 100_000, to: 300_000 });
    expect(dragWindow(300, 100, 1000, view)).toEqual({ from: 100_000, to: 300_000 });
    expect(dragWindow(-50, 2000, 1000, view)).toEqual(view);
    expect(dragWindow(100, 103, 1000, view)).toBeNull();
    expect(dragWindow(0, 100, 0, view)).toBeNull();
    // Never narrower than a few polls: widened around the middle.
    const narrow = dragWindow(500, 510, 1000, { from: 0, to: 100_000 })!;
    expect(narrow.to - narrow.from).toBe(MIN_ZOOM_MS);
    expect((narrow.from + narrow.to) / 2).toBe(50_500);
  });

  it('syncs the crosshair to the nearest bucket within a step', () => {
    expect(nearestIndex([0, 10, 20, 30], 14, 10)).toBe(1);
    expect(nearestIndex([0, 10, 20, 30], 16, 10)).toBe(2);
    expect(nearestIndex([0, 10, 20, 30], 45, 10)).toBe(-1);
    expect(nearestIndex([0, 10], Number.NaN, 10)).toBe(-1);
    expect(nearestIndex([], 5, 10)).toBe(-1);
  });

  it('keeps picked presets, never custom windows', () => {
    expect(parseStoredRange(storedRangeText({ preset: '6h' }))).toEqual({ preset: '6h' });
    expect(storedRangeText({ preset: 'custom', from: 1, to: 2 })).toBeNull();
    expect(parseStoredRange(null)).toBeNull();
    expect(parseStoredRange('{"preset":"13h"}')).toBeNull();
    expect(parseStoredRange('not json')).toBeNull();
    expect(parseStoredRange('null')).toBeNull();
  });

  it('queries the zoom window over the picked range', () => {
    expect(effectiveRange({ preset: '1h' }, null)).toEqual({ preset: '1h' });
    expect(effectiveRange({ preset: '1h' }, { from: 5, to: 9 })).toEqual({
      preset: 'custom',
      from: 5,
      to: 9,
    });
    expect(effectiveRange(null, null)).toBeNull();
    expect(scopeKey({ kind: 'server', id: 'lab-s0' })).toBe('server:lab-s0');
  });
});
