// The server forms in Debian Chromium against browser mode and a real lab: the add form keeps a poll
// interval and a config file, the edit dialog changes the key file and the config file (a wrong key
// file is said in the UI's words), a new host in Edit server asks for the new endpoint's host key
// and connects once it is trusted, and the overview's stat cards are equal at both sizes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from './lab/lab.ts';
import { describeLab } from '../test/lab/support.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { shotsAtEverySize } from './support/screenshots.ts';

/** A second copy of the lab's wg0.conf, where the form says it is (the default one stays too). */
const ALT_CONF = '/etc/wireguard/alt/wg0.conf';
const INTERVAL = 2;

describeLab('the server forms in Chromium against real servers', () => {
  let lab: Lab;
  let app: BrowserModeApp | undefined;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-forms-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-forms-home-'));
  const state = () =>
    page
      .locator('[data-testid="sidebar-server"][data-server="edge-1"] [data-testid="connection-status"]')
      .getAttribute('data-state');
  const openEdit = async () => {
    await page.goto(`${app!.url}#/server/edge-1`);
    await page.getByTestId('edit-server').click();
    await page.getByTestId('edit-server-dialog').waitFor();
  };
  /** The file the config view of wg0 reads. */
  const configPathShown = async (): Promise<string> => {
    await page.goto(`${app!.url}#/server/edge-1`);
    await page.getByTestId('manage-wg0').click();
    await page.getByTestId('config-view').waitFor();
    return (await page.getByTestId('config-path').textContent({ timeout: 20_000 })) ?? '';
  };
  const save = async () => {
    await page.getByTestId('edit-server-save').click();
    await expect.poll(() => page.getByTestId('edit-server-dialog').count()).toBe(0);
  };

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdforms', servers: 2, interfaces: 1, peers: 2, clients: 1 });
    await lab.exec(0, `mkdir -p /etc/wireguard/alt && cp /etc/wireguard/wg0.conf ${ALT_CONF}`);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ intervalSeconds: INTERVAL }));
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  it('the add form keeps a poll interval and a config file', async () => {
    const server = lab.servers[0]!;
    await page.goto(`${app!.url}#/add`);
    await page.getByTestId('add-server-form').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('edge-1');
    await page.getByLabel('Host', { exact: true }).fill(server.host);
    await page.getByLabel('User', { exact: true }).fill('root');
    await page.getByLabel('Key file', { exact: true }).check();
    await page.getByLabel('Key file path', { exact: true }).fill(server.rootIdentityFile);
    // Wrong first: the field says what it takes, in place.
    await page.getByTestId('add-server-interval').fill('0');
    await page.getByTestId('add-server-configPaths').fill('wg0.conf');
    await page.getByTestId('connect-button').click();
    await page.getByTestId('add-server-interval-error').waitFor();
    expect(await page.getByTestId('add-server-configPaths-error').textContent()).toMatch(/absolute path/);
    await page.getByTestId('add-server-interval').fill('15');
    await page.getByTestId('add-server-configPaths').fill(ALT_CONF);
    expect(await page.getByTestId('add-server-interval-error').count()).toBe(0);
    await shotsAtEverySize(page, 'forms-add-server');
    await page.getByTestId('connect-button').click();
    await page.locator('[data-testid="trust-dialog"][open]').waitFor();
    await page.getByTestId('trust-and-connect').click();
    await page.locator('[data-testid="server-page"][data-server="edge-1"]').waitFor();
    await expect.poll(state, { timeout: 30_000 }).toBe('connected');
    // The config view reads the file the form named.
    await expect.poll(configPathShown, { timeout: 60_000 }).toContain(ALT_CONF);
    await page.reload();
    await page.getByTestId('edit-server').click();
    expect(await page.getByTestId('edit-server-interval').inputValue()).toBe('15');
    expect(await page.getByTestId('edit-server-configPaths').inputValue()).toBe(ALT_CONF);
    expect(await page.getByTestId('edit-server-identityFile').inputValue()).toBe(server.rootIdentityFile);
    await page.keyboard.press('Escape');
  });

  it('Edit server changes the key file and the config file; a missing key file is said in UI words', async () => {
    const server = lab.servers[0]!;
    await openEdit();
    await page.getByTestId('edit-server-identityFile').fill('/nonexistent/id_wgdeck');
    await page.getByTestId('edit-server-configPaths').fill('');
    await shotsAtEverySize(page, 'forms-edit-server');
    await save();
    const banner = page.locator('[data-testid="connection-banner"][data-error-code="IDENTITY_MISSING"]');
    await banner.waitFor({ timeout: 30_000 });
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('Key file /nonexistent/id_wgdeck does not exist');
    expect(text).toContain('Key file path');
    expect(text).not.toMatch(/--[a-z]/);
    await shotsAtEverySize(page, 'forms-key-file-missing');
    // The banner fits at 1024×700: nothing sticks out sideways.
    await page.setViewportSize({ width: 1024, height: 700 });
    const box = (await banner.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1024);
    await page.setViewportSize({ width: 1440, height: 900 });

    await openEdit();
    await page.getByTestId('edit-server-identityFile').fill(server.rootIdentityFile);
    await save();
    await expect.poll(state, { timeout: 30_000 }).toBe('connected');
    await expect.poll(configPathShown, { timeout: 60_000 }).toContain('/etc/wireguard/wg0.conf');
    await page.reload();
    await page.getByTestId('edit-server').click();
    expect(await page.getByTestId('edit-server-configPaths').inputValue()).toBe('');
    expect(await page.getByTestId('edit-server-identityFile').inputValue()).toBe(server.rootIdentityFile);
    await page.keyboard.press('Escape');
  });

  it('a new host in Edit server asks for its host key, and connects once it is trusted', async () => {
    const other = lab.servers[1]!;
    await openEdit();
    await page.getByTestId('edit-server-host').fill(other.host);
    await save();
    const banner = page.locator('[data-testid="connection-banner"][data-error-code="HOST_KEY_UNKNOWN"]');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toContain(other.host);
    await banner.getByRole('button', { name: 'Check the key the server presents' }).click();
    await expect
      .poll(() => page.getByTestId('presented-fingerprint').textContent(), { timeout: 20_000 })
      .toContain(other.hostKeyFingerprint);
    await shotsAtEverySize(page, 'forms-new-host-key');
    await page.getByTestId('retrust-confirm').check();
    await page.getByTestId('retrust-button').click();
    await expect.poll(state, { timeout: 30_000 }).toBe('connected');
    await expect.poll(() => banner.count(), { timeout: 30_000 }).toBe(0);
  });

  it('the overview’s stat cards are equal, at 1440×900 and at 1024×700', async () => {
    await page.goto(`${app!.url}#/`);
    await page.getByTestId('fleet-rx').waitFor();
    for (const [width, height] of [
      [1440, 900],
      [1024, 700],
    ] as const) {
      await page.setViewportSize({ width, height });
      const boxes = await Promise.all(
        ['fleet-servers', 'fleet-peers', 'fleet-rx', 'fleet-tx'].map(
          async (id) => (await page.getByTestId(id).boundingBox())!,
        ),
      );
      const heights = boxes.map((b) => Math.round(b.height));
      expect(new Set(heights).size, `${width}: ${heights.join(', ')}`).toBe(1);
      const widths = boxes.map((b) => Math.round(b.width));
      expect(Math.max(...widths) - Math.min(...widths), `${width}: ${widths.join(', ')}`).toBeLessThanOrEqual(
        1,
      );
    }
    await shotsAtEverySize(page, 'forms-overview');
  });
});
