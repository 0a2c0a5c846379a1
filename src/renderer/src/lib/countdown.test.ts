import { describe, expect, it } from 'vitest';
import { countdownText, formatSeconds, restoreCountdownText, secondsLeft } from './countdown.ts';

describe('countdown', () => {
  it('counts whole seconds, rounded, never below zero', () => {
    expect(secondsLeft(null, 1000)).toBeNull();
    expect(secondsLeft(61_000, 7_000)).toBe(54);
    expect(secondsLeft(61_000, 7_400)).toBe(54);
    expect(secondsLeft(61_000, 7_600)).toBe(53);
    expect(secondsLeft(60_400, 0)).toBe(60);
    expect(secondsLeft(61_000, 90_000)).toBe(0);
  });

  it('reads like a person says it', () => {
    expect(countdownText(61_000, 7_000)).toBe('rolls back in 54 s unless confirmed');
    expect(countdownText(61_000, 61_000)).toBe('rolling back now unless confirmed');
    expect(countdownText(null, 0)).toBeNull();
    expect(formatSeconds(119)).toBe('119 s');
    expect(formatSeconds(125)).toBe('2 min 05 s');
    expect(formatSeconds(3600)).toBe('1 h 00 min');
  });

  it('says when an armed rollback still fires after a failure', () => {
    expect(restoreCountdownText(61_000, 7_000)).toBe('the server restores the backup in 54 s');
    expect(restoreCountdownText(61_000, 70_000)).toBe('the server is restoring the backup now');
    expect(restoreCountdownText(null, 0)).toBeNull();
  });
});
