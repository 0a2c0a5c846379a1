/** Window geometry kept across runs, checked before use (a monitor may have gone away since). */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SavedWindow {
  bounds: Rect;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 820 };
export const MIN_SIZE = { width: 720, height: 480 };

function isRect(value: unknown): value is Rect {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]));
}

/** At least a 100×50 px piece of the window (where the title bar is) lies on some display. */
function visible(bounds: Rect, displays: readonly Rect[]): boolean {
  return displays.some((d) => {
    const w = Math.min(bounds.x + bounds.width, d.x + d.width) - Math.max(bounds.x, d.x);
    const h = Math.min(bounds.y + 50, d.y + d.height) - Math.max(bounds.y, d.y);
    return w >= 100 && h >= 50;
  });
}

/**
 * Where to open the window: the saved bounds when they are sane and on screen, else the saved size
 * centred (no position), else the default size. Sizes are clamped to the minimum and to the largest
 * display.
 */
export function restoreWindow(
  saved: unknown,
  displays: readonly Rect[],
): { bounds: Partial<Rect> & { width: number; height: number }; maximized: boolean } {
  const record = typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>) : {};
  const maximized = record['maximized'] === true;
  const maxW = Math.max(MIN_SIZE.width, ...displays.map((d) => d.width));
  const maxH = Math.max(MIN_SIZE.height, ...displays.map((d) => d.height));
  if (!isRect(record['bounds'])) return { bounds: { ...DEFAULT_SIZE }, maximized };
  const b = record['bounds'];
  const width = Math.round(Math.min(maxW, Math.max(MIN_SIZE.width, b.width)));
  const height = Math.round(Math.min(maxH, Math.max(MIN_SIZE.height, b.height)));
  const placed = { x: Math.round(b.x), y: Math.round(b.y), width, height };
  return visible(placed, displays) ? { bounds: placed, maximized } : { bounds: { width, height }, maximized };
}
