import { describe, expect, it } from 'vitest';
import { DEFAULT_SIZE, MIN_SIZE, restoreWindow } from './window-bounds.ts';

const laptop = [{ x: 0, y: 0, width: 1920, height: 1050 }];
const twoScreens = [...laptop, { x: 1920, y: 0, width: 2560, height: 1410 }];

describe('restoreWindow', () => {
  it('uses saved bounds that are on screen', () => {
    const saved = { bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: true };
    expect(restoreWindow(saved, laptop)).toEqual({ bounds: saved.bounds, maximized: true });
  });

  it('falls back to the default size for nothing or garbage', () => {
    for (const saved of [
      undefined,
      null,
      'x',
      {},
      { bounds: { x: 'a' } },
      { bounds: { x: NaN, y: 0, width: 1, height: 1 } },
    ]) {
      expect(restoreWindow(saved, laptop)).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
    }
  });

  it('centres a window whose monitor went away (keeps the size)', () => {
    const saved = { bounds: { x: 2500, y: 100, width: 1400, height: 900 }, maximized: false };
    expect(restoreWindow(saved, twoScreens).bounds).toEqual(saved.bounds);
    expect(restoreWindow(saved, laptop).bounds).toEqual({ width: 1400, height: 900 });
  });

  it('refuses a title bar off the top or barely visible', () => {
    expect(
      restoreWindow({ bounds: { x: 100, y: -500, width: 800, height: 600 } }, laptop).bounds,
    ).not.toHaveProperty('x');
    expect(
      restoreWindow({ bounds: { x: 1880, y: 10, width: 800, height: 600 } }, laptop).bounds,
    ).not.toHaveProperty('x');
  });

  it('clamps sizes to the minimum and the largest display', () => {
    expect(restoreWindow({ bounds: { x: 0, y: 0, width: 10, height: 10 } }, laptop).bounds).toMatchObject(
      MIN_SIZE,
    );
    expect(
      restoreWindow({ bounds: { x: 0, y: 0, width: 99_999, height: 99_999 } }, laptop).bounds,
    ).toMatchObject({
      width: 1920,
      height: 1050,
    });
  });
});
