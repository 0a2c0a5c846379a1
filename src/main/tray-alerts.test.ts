import { describe, expect, it } from 'vitest';
import type { FiringAlert } from '../shared/alerts.ts';
import { trayAlertLines, trayAlertSuffix } from './tray-alerts.ts';

const alert = (i: number, over: Partial<FiringAlert> = {}): FiringAlert => ({
  rule: 'abcd1234',
  kind: 'server-unreachable',
  server: `s${i}`,
  iface: null,
  publicKey: null,
  message: `s${i} unreachable`,
  since: 1_800_000_000 + i,
  snoozed: false,
  ...over,
});

describe('the tray’s firing alerts', () => {
  it('shows nothing when nothing fires', () => {
    expect(trayAlertLines([])).toEqual([]);
    expect(trayAlertSuffix([])).toBe('');
  });

  it('counts them and names the newest five, snoozed ones marked, then how many more', () => {
    const firing = Array.from({ length: 7 }, (_, i) => alert(i, i === 6 ? { snoozed: true } : {}));
    expect(trayAlertLines(firing)).toEqual([
      '7 alerts firing',
      '(snoozed) s6 unreachable',
      's5 unreachable',
      's4 unreachable',
      's3 unreachable',
      's2 unreachable',
      'and 2 more',
    ]);
    expect(trayAlertSuffix(firing)).toBe(' · 6 alerts');
    expect(trayAlertLines([alert(1)])).toEqual(['1 alert firing', 's1 unreachable']);
  });

  it('clips a long line', () => {
    const [, line] = trayAlertLines([alert(1, { message: 'x'.repeat(200) })]);
    expect(line).toHaveLength(80);
    expect(line!.endsWith('…')).toBe(true);
  });
});
