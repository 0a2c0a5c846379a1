import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { electronBinary } from './support/electron-binary.ts';

const ROOT = join(import.meta.dirname, '..');
const binary = electronBinary();

/**
 * The real window. Electron's binary cannot be downloaded on machines without internet (like CI
 * here); there this spec says so loudly and does not run. Everywhere the binary exists it runs.
 */
if ('missing' in binary) {
  console.warn(
    `\n!!! ELECTRON WINDOW SPEC NOT RUN: ${binary.missing}.\n` +
      '!!! The same UI is tested in Chromium through browser mode (e2e/ui.spec.ts).\n',
  );
}

describe.skipIf('missing' in binary)('Electron window', () => {
  it('opens a sandboxed window showing WG Deck, with no Node in the renderer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-electron-'));
    const app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : '',
      args: [ROOT, '--no-sandbox'],
      env: { ...process.env, WGDECK_DATA_DIR: dataDir },
    });
    try {
      const window = await app.firstWindow();
      await expect.poll(() => window.title()).toContain('WG Deck');
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      expect(await window.evaluate(() => typeof (globalThis as { wgdeck?: unknown }).wgdeck)).toBe('object');
      await window.screenshot({ path: join(ROOT, 'test-results', 'electron-window.png') });
    } finally {
      await app.close();
    }
  });
});
