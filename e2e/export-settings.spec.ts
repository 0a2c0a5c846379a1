// Settings → Export in Debian Chromium against browser mode (no lab: an empty fleet): the section
// renders, refuses a bad address and URL inline in the schema's words, saves a /metrics address and a
// VictoriaMetrics URL (a real one on loopback), shows the status line the engine reports, keeps a
// token in the keychain showing only "set", and is screenshotted at both sizes, light and dark.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVictoria, type Victoria } from '../test/support/victoria.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { shotsAtEverySize } from './support/screenshots.ts';

describe('Settings → Export', () => {
  let vm: Victoria;
  let app: BrowserModeApp;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-export-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-export-home-'));

  beforeAll(async () => {
    vm = await startVictoria();
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await page.goto(`${app.url}#/settings`);
    await page.getByTestId('export-settings').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await vm?.close();
  });

  const section = () => page.getByTestId('export-settings');

  it('renders off by default, with the status line saying so', async () => {
    await expect.poll(() => page.getByTestId('export-status-metrics').textContent()).toBe('off');
    expect(await page.getByTestId('export-status-push').textContent()).toBe('off');
    expect(await page.getByTestId('export-listen').inputValue()).toBe('');
    expect(await page.getByTestId('export-names-mdlayher').isChecked()).toBe(true);
  });

  it('refuses a bad address and URL inline, in the schema’s words', async () => {
    await page.getByTestId('export-listen').fill('127.0.0.1');
    await page.getByTestId('export-vm-url').fill('ftp://127.0.0.1:8428');
    await page.getByTestId('save-export').click();
    expect(await section().getByTestId('export-listen-error').textContent()).toBe(
      'give ADDR:PORT, e.g. 127.0.0.1:9586',
    );
    expect(await section().getByTestId('export-vm-url-error').textContent()).toBe(
      'give an http:// or https:// URL',
    );
  });

  it('saves /metrics and a VictoriaMetrics URL, and shows what the engine reports', async () => {
    await page.getByTestId('export-listen').fill('127.0.0.1:0');
    await page.getByTestId('export-vm-url').fill(vm.url);
    await page.getByTestId('save-export').click();
    await section().getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await expect
      .poll(() => page.getByTestId('export-status-metrics').textContent(), { timeout: 15_000 })
      .toMatch(/^\/metrics at http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const url = (await page.getByTestId('export-status-metrics').textContent())!.replace('/metrics at ', '');
    const scraped = await fetch(url);
    expect(scraped.status).toBe(200);
    // The push's own state (off in a process built without the pusher, else ok/failing).
    expect(await page.getByTestId('export-status-push').textContent()).toMatch(/^(off|ok, |failing: )/);
  });

  it('keeps a token in the keychain and says only whether one is set', async () => {
    await page.getByTestId('export-vm-auth-bearer').check();
    expect(await page.getByTestId('export-vm-secret-state').textContent()).toBe('Not set.');
    await page.getByTestId('export-vm-secret').fill('t0ken-never-shown');
    await page.getByTestId('save-export').click();
    await expect
      .poll(() => page.getByTestId('export-vm-secret-state').textContent())
      .toBe('Set (in the keychain).');
    expect(await page.getByTestId('export-vm-secret').inputValue()).toBe('');
    await page.reload();
    await page.getByTestId('export-settings').waitFor();
    await expect
      .poll(() => page.getByTestId('export-vm-secret-state').textContent())
      .toBe('Set (in the keychain).');
    expect(await page.content()).not.toContain('t0ken-never-shown');
  });

  it('looks right at both sizes, light and dark', async () => {
    await shotsAtEverySize(page, 'export-settings', {
      before: () => section().scrollIntoViewIfNeeded(),
    });
  });

  it('forgets the token when asked', async () => {
    await page.getByTestId('export-vm-secret-forget').click();
    await expect.poll(() => page.getByTestId('export-vm-secret-state').textContent()).toBe('Not set.');
    expect(await page.getByTestId('export-vm-secret-forget').count()).toBe(0);
  });

  it('logged no console error', () => {
    expect(consoleErrors).toEqual([]);
  });
});
