import { describe, expect, it } from 'vitest';
import { clockWentBack, counterRestarted, cpuBusyShare } from './counter-rules.ts';

describe('the counter rules live state and history share', () => {
  it.each([
    [null, 100, false],
    [100, null, false],
    [100, 105, false],
    [100, 100, false],
    [100, 3, true], // rebooted
  ])('clockWentBack(%s, %s) is %s', (previous, next, expected) => {
    expect(clockWentBack(previous, next)).toBe(expected);
  });

  it.each([
    [100, 150, false, false],
    [100, 100, false, false],
    [100, 20, false, true], // interface or peer recreated
    [100, 150, true, true], // higher again, but the server rebooted in between: it started from zero
  ])('counterRestarted(%s → %s, rebooted %s) is %s', (previous, next, rebooted, expected) => {
    expect(counterRestarted(previous, next, rebooted)).toBe(expected);
  });

  it.each([
    [{ total: 1000, idle: 800 }, { total: 2000, idle: 1600 }, 0.2],
    [{ total: 1000, idle: 800 }, { total: 1000, idle: 800 }, null], // no time passed
    [{ total: 5000, idle: 4000 }, { total: 1000, idle: 900 }, null], // jiffies went back: reboot
    [{ total: 1000, idle: 800 }, { total: 2000, idle: 2900 }, null], // idle beyond total: garbage
    [{ total: null, idle: null }, { total: 2000, idle: 1600 }, null],
  ])('cpuBusyShare(%j → %j) is %s', (previous, next, expected) => {
    expect(cpuBusyShare(previous, next)).toBe(expected);
  });
});
