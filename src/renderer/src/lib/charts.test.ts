import { describe, expect, it } from 'vitest';
import {
  binEvents,
  clampPoints,
  countAxis,
  customRangeError,
  exportFileName,
  fromDatetimeLocal,
  hasData,
  isDownsampled,
  niceStep,
  niceTicks,
  percentSeries,
  RANGE_PRESETS,
  rateAxis,
  refreshInterval,
  resolveRange,
  rowsMax,
  sparkPath,
  timeTicks,
  toChartRows,
  toCsv,
  toDatetimeLocal,
  usageRange,
} from './charts.ts';

const UTC = () => 0;
const CET = () => 60;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** 2025-03-12T14:05:00Z, a Wednesday. */
const NOW = Date.UTC(2025, 2, 12, 14, 5);

describe('ranges', () => {
  it('turns every preset into [now - span, now) with the pixel width as points', () => {
    const spans: Record<string, number> = {
      '15m': 15 * MIN,
      '1h': HOUR,
      '6h': 6 * HOUR,
      '24h': DAY,
      '7d': 7 * DAY,
      '30d': 30 * DAY,
      '90d': 90 * DAY,
      '1y': 365 * DAY,
    };
    expect(RANGE_PRESETS.map((p) => p.id)).toEqual(Object.keys(spans));
    for (const p of RANGE_PRESETS) {
      expect(resolveRange({ preset: p.id }, NOW, 812.6)).toEqual({
        from: NOW - spans[p.id]!,
        to: NOW,
        points: 812,
      });
    }
  });

  it('clamps points to the contract (2..4000)', () => {
    expect(clampPoints(0)).toBe(2);
    expect(clampPoints(1.9)).toBe(2);
    expect(clampPoints(5000)).toBe(4000);
    expect(clampPoints(Number.NaN)).toBe(2);
  });

  it('keeps custom ranges inside the contract', () => {
    expect(resolveRange({ preset: 'custom', from: 1000, to: 5000 }, NOW, 300)).toEqual({
      from: 1000,
      to: 5000,
      points: 300,
    });
    const long = resolveRange({ preset: 'custom', from: 0, to: NOW }, NOW, 300);
    expect(long.to - long.from).toBe(3 * 366 * DAY);
    const inverted = resolveRange({ preset: 'custom', from: 9000, to: 5000 }, NOW, 300);
    expect(inverted.from).toBeLessThan(inverted.to);
  });

  it('explains a custom range that cannot be used', () => {
    expect(customRangeError(1, 2)).toBeNull();
    expect(customRangeError(2, 2)).toMatch(/after the start/);
    expect(customRangeError(Number.NaN, 2)).toMatch(/both/);
    expect(customRangeError(0, 4 * 366 * DAY)).toMatch(/three years/);
  });

  it('refreshes short ranges often, long ones rarely, ended custom ranges never', () => {
    expect(refreshInterval({ preset: '15m' }, NOW)).toBe(10_000);
    expect(refreshInterval({ preset: '1h' }, NOW)).toBe(40_000);
    expect(refreshInterval({ preset: '1y' }, NOW)).toBe(300_000);
    expect(refreshInterval({ preset: 'custom', from: 0, to: NOW - 1 }, NOW)).toBe(0);
    expect(refreshInterval({ preset: 'custom', from: 0, to: NOW + HOUR }, NOW)).toBe(30_000);
  });

  it('calls a bucket downsampled when wider than a poll or from a rollup tier', () => {
    expect(isDownsampled({ step: 5000, tier: 'raw' }, 5000)).toBe(false);
    expect(isDownsampled({ step: 10_000, tier: 'raw' }, 5000)).toBe(true);
    expect(isDownsampled({ step: 60_000, tier: 'minute' }, 120_000)).toBe(true);
  });
});

describe('toChartRows', () => {
  const t = [0, 10, 20, 30, 40, 50];

  it('keeps nulls at empty buckets and builds bands only where there is a value', () => {
    const rows = toChartRows({ t, step: 10, gaps: [[20, 40]] }, [
      {
        key: 'rx',
        values: [1, 2, null, null, 5, 6],
        min: [0, 1, null, null, 4, null],
        max: [2, 3, null, null, 7, 8],
      },
    ]);
    expect(rows.map((r) => r.v['rx'])).toEqual([1, 2, null, null, 5, 6]);
    expect(rows.map((r) => r.band['rx'])).toEqual([[0, 2], [1, 3], null, null, [4, 7], null]);
    // The empty buckets already break the line: no extra row.
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.gap === null)).toBe(true);
  });

  it('inserts a break row when a gap straddles two buckets that both hold data', () => {
    const rows = toChartRows({ t, step: 10, gaps: [[17, 23]] }, [
      { key: 'rx', values: [1, 2, 3, 4, 5, 6] },
      { key: 'tx', values: [1, 2, 3, 4, 5, 6] },
    ]);
    expect(rows).toHaveLength(7);
    const br = rows.find((r) => r.gap !== null)!;
    expect(br.t).toBe(19); // strictly between bucket 10 and bucket 20, never a zero
    expect(br.v).toEqual({ rx: null, tx: null });
    expect(br.gap).toEqual([17, 23]);
    expect(rows.map((r) => r.t)).toEqual([0, 10, 19, 20, 30, 40, 50]);
  });

  it('breaks only when some series would otherwise draw across', () => {
    const gaps: [number, number][] = [[5, 35]];
    const broken = toChartRows({ t, step: 10, gaps }, [
      { key: 'rx', values: [1, null, 3, 4, 5, 6] },
      { key: 'tx', values: [1, 2, null, 4, 5, 6] },
    ]);
    expect(broken).toHaveLength(6);
    const across = toChartRows({ t, step: 10, gaps }, [
      { key: 'rx', values: [1, null, 3, 4, 5, 6] },
      { key: 'tx', values: [1, 2, 3, 4, 5, 6] },
    ]);
    expect(across).toHaveLength(7);
  });

  it('ignores a gap inside one bucket and gaps outside the frame', () => {
    const rows = toChartRows(
      {
        t,
        step: 10,
        gaps: [
          [21, 28],
          [-50, -10],
          [70, 90],
        ],
      },
      [{ key: 'rx', values: [1, 2, 3, 4, 5, 6] }],
    );
    expect(rows).toHaveLength(6);
  });

  it('finds the data maximum including bands, and whether there is any data', () => {
    const series = [{ key: 'rx', values: [1, null, 3], min: [0, null, 2], max: [4, null, 9] }];
    const rows = toChartRows({ t: [0, 1, 2], step: 1, gaps: [] }, series);
    expect(rowsMax(rows, ['rx'], false)).toBe(3);
    expect(rowsMax(rows, ['rx'], true)).toBe(9);
    expect(hasData(series)).toBe(true);
    expect(hasData([{ key: 'rx', values: [null, null] }])).toBe(false);
  });

  it('turns used/total gauges into percent', () => {
    const p = percentSeries(
      { avg: [50, null, 30], min: [40, null, 30], max: [60, null, 30] },
      { avg: [200, 200, 0] },
    );
    expect(p).toEqual({ values: [25, null, null], min: [20, null, null], max: [30, null, null] });
  });
});

describe('axes', () => {
  it('picks 1-2-2.5-5 steps', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(1.3)).toBe(2);
    expect(niceStep(2.2)).toBe(2.5);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(130)).toBe(200);
    expect(niceTicks(9, 4)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(niceTicks(0)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('labels a bytes axis in binary prefixes, one prefix per axis', () => {
    const axis = rateAxis(3.1 * 1024 * 1024, 'bytes');
    expect(axis.ticks).toEqual([0, 1, 2, 3, 4].map((v) => v * 1024 * 1024));
    expect(axis.ticks.map(axis.format)).toEqual(['0', '1 MiB/s', '2 MiB/s', '3 MiB/s', '4 MiB/s']);
    const small = rateAxis(700, 'bytes');
    expect(small.ticks.map(small.format)).toEqual(['0', '200 B/s', '400 B/s', '600 B/s', '800 B/s']);
  });

  it('labels a bits axis in decimal prefixes from bytes/s values', () => {
    // 1.2 Mbit/s = 150,000 bytes/s
    const axis = rateAxis(150_000, 'bits');
    expect(axis.ticks.map(axis.format)).toEqual(['0', '0.5 Mbit/s', '1 Mbit/s', '1.5 Mbit/s']);
    expect(axis.ticks[2]).toBe(125_000);
    const near = rateAxis(900, 'bits'); // 7.2 kbit/s
    expect(near.ticks.map(near.format)).toEqual(['0', '2 kbit/s', '4 kbit/s', '6 kbit/s', '8 kbit/s']);
  });

  it('gives an empty rate axis a sensible scale', () => {
    const axis = rateAxis(0, 'bytes');
    expect(axis.max).toBeGreaterThan(0);
    expect(axis.format(0)).toBe('0');
  });

  it('labels counts per second', () => {
    const axis = countAxis(3400);
    expect(axis.ticks.map(axis.format)).toEqual(['0', '1k/s', '2k/s', '3k/s', '4k/s']);
    expect(countAxis(0.3).format(0.1)).toBe('0.1/s');
  });

  it('puts time ticks on round local times', () => {
    const from = Date.UTC(2025, 2, 12, 13, 47, 10);
    expect(
      timeTicks(from, from + 15 * MIN, 6, UTC).map((t) => new Date(t).toISOString().slice(11, 16)),
    ).toEqual(['13:50', '13:55', '14:00']);
    // Hours in CET are whole hours there, i.e. whole hours in UTC too; days start at local midnight.
    const dayFrom = Date.UTC(2025, 2, 10, 10);
    const days = timeTicks(dayFrom, dayFrom + 3 * DAY, 4, CET);
    expect(days.map((t) => new Date(t).toISOString())).toEqual([
      '2025-03-10T23:00:00.000Z',
      '2025-03-11T23:00:00.000Z',
      '2025-03-12T23:00:00.000Z',
    ]);
  });

  it('uses Mondays for weeks and month starts for long ranges', () => {
    const from = Date.UTC(2025, 0, 1);
    const weeks = timeTicks(from, from + 60 * DAY, 9, UTC);
    expect(weeks.every((t) => new Date(t).getUTCDay() === 1)).toBe(true);
    expect(weeks.length).toBeLessThanOrEqual(9);
    const year = timeTicks(Date.UTC(2024, 2, 12, 14), Date.UTC(2025, 2, 12, 14), 6, UTC);
    // Two-month steps aligned on January, so the year label shows.
    expect(year.map((t) => new Date(t).toISOString().slice(0, 10))).toEqual([
      '2024-05-01',
      '2024-07-01',
      '2024-09-01',
      '2024-11-01',
      '2025-01-01',
      '2025-03-01',
    ]);
  });

  it('never returns more ticks than asked for', () => {
    for (const span of [
      5 * MIN,
      HOUR,
      6 * HOUR,
      DAY,
      7 * DAY,
      30 * DAY,
      90 * DAY,
      365 * DAY,
      3 * 365 * DAY,
    ]) {
      for (const max of [3, 6, 10]) {
        const ticks = timeTicks(NOW - span, NOW, max, CET);
        expect(ticks.length).toBeLessThanOrEqual(max);
        expect(ticks.length).toBeGreaterThan(0);
        expect(ticks.every((t) => t >= NOW - span && t <= NOW)).toBe(true);
      }
    }
  });
});

describe('export', () => {
  it('writes ISO times and empty cells for gaps', () => {
    const csv = toCsv(
      [Date.UTC(2025, 2, 12, 14, 0), Date.UTC(2025, 2, 12, 14, 1), Date.UTC(2025, 2, 12, 14, 2)],
      [
        { name: 'rx_bytes_per_s', values: [1.23456, null, 0] },
        { name: 'tx, "sent"', values: [7, null, 2] },
      ],
    );
    expect(csv).toBe(
      'time,rx_bytes_per_s,"tx, ""sent"""\r\n' +
        '2025-03-12T14:00:00.000Z,1.235,7\r\n' +
        '2025-03-12T14:01:00.000Z,,\r\n' +
        '2025-03-12T14:02:00.000Z,0,2\r\n',
    );
  });

  it('names files safely', () => {
    expect(exportFileName(['wgdeck', 'peer', 'lab s0', 'abc/+=='], NOW, 'csv')).toBe(
      'wgdeck-peer-lab-s0-abc-2025-03-12T1405.csv',
    );
  });
});

describe('sparklines and strips', () => {
  it('breaks the path at nulls and scales to the maximum', () => {
    expect(sparkPath([0, 10, null, 5, 5], 40, 12, 10)).toBe('M0 11 L10 1 M30 6 L40 6');
    expect(sparkPath([null, 4, null], 20, 10, 4)).toBe('M10 1 h5');
    expect(sparkPath([0, 0], 10, 10, 0)).toBe('M0 9 L10 9');
    expect(sparkPath([], 10, 10, 1)).toBe('');
  });

  it('bins events into slices of the range', () => {
    expect(binEvents([0, 1, 5, 9, 10, -1], 0, 10, 2)).toEqual([2, 2]);
  });
});

describe('usage and custom inputs', () => {
  it('covers 31 local days or 12 local months up to now', () => {
    const now = new Date(2025, 2, 12, 14, 5).getTime();
    expect(usageRange('day', now)).toEqual({ from: new Date(2025, 1, 10).getTime(), to: now });
    expect(usageRange('month', now)).toEqual({ from: new Date(2024, 3, 1).getTime(), to: now });
  });

  it('round-trips datetime-local values in a time zone', () => {
    expect(toDatetimeLocal(NOW, CET)).toBe('2025-03-12T15:05');
    expect(fromDatetimeLocal('2025-03-12T15:05', CET)).toBe(NOW);
    expect(fromDatetimeLocal('2025-03-12T14:05', UTC)).toBe(NOW);
    expect(fromDatetimeLocal('yesterday', UTC)).toBeNaN();
  });
});
