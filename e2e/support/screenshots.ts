import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export const SHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/**
 * The page as it is now, at both sizes the product is looked at (1440×900 and 1024×700), light and
 * dark: `NAME-WIDTH-SCHEME.png`. `before` runs at each size first (scroll something into view).
 * Leaves the page light, at `restore`.
 */
export async function shotsAtEverySize(
  page: Page,
  name: string,
  options: { before?: () => Promise<void>; restore?: { width: number; height: number } } = {},
): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  for (const [width, height] of [
    [1440, 900],
    [1024, 700],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await options.before?.();
      await page.screenshot({ path: join(SHOTS, `${name}-${width}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(options.restore ?? { width: 1440, height: 900 });
}
