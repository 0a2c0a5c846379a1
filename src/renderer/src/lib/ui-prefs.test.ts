import { describe, expect, it } from 'vitest';
import { nextTheme, parseThemeChoice, resolveTheme } from './ui-prefs.ts';

describe('the theme choice', () => {
  it('system follows the OS; light and dark are what they say', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('one button walks every choice; anything stored but light or dark reads as system', () => {
    expect([nextTheme('system'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'system']);
    expect(parseThemeChoice('dark')).toBe('dark');
    expect(parseThemeChoice(null)).toBe('system');
    expect(parseThemeChoice('<script>')).toBe('system');
  });
});
