import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from './lab/lab.ts';
import { describeLab } from '../test/lab/support.ts';
import { countersOf, readTruth } from '../test/lab/wg-truth.ts';
import { COUNTER_NAMES } from '../src/shared/domain.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';

const ROOT = join(import.meta.dirname, '..');
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const INTERVAL = 2;

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function numberAttr(page: Page, selector: string, attribute = 'data-value'): Promise<number> {
  const raw = await page.locator(selector).first().getAttribute(attribute);
  return raw === null || raw === '' ? Number.NaN : Number(raw);
}

describeLab('the app in Chromium (browser mode) against real servers', () => {
  let lab: Lab;
  let app: BrowserModeApp;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-ui-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-ui-home-'));

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdui', servers: 2, interfaces: 1, peers: 4, clients: 2 });
    // A short interval keeps the test quick; everything else is the default a new user gets.
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

  it('a new user adds a lab server through the form and trusts its fingerprint', async () => {
    const server = lab.servers[0]!;
    await page.goto(app.url);
    await page.getByTestId('welcome').waitFor();
    await shot(page, '01-welcome');
    await page.getByTestId('add-server-button').first().click();
    await page.getByLabel('Name', { exact: true }).fill('edge-1');
    await page.getByLabel('Host', { exact: true }).fill(server.host);
    await page.getByLabel('User', { exact: true }).fill('root');
    await page.getByLabel('Key file', { exact: true }).check();
    await page.getByLabel('Key file path', { exact: true }).fill(server.rootIdentityFile);
    await page.getByTestId('connect-button').click();

    const dialog = page.locator('[data-testid="trust-dialog"][open]');
    await dialog.waitFor();
    expect((await page.getByTestId('host-key-fingerprint').textContent())?.replace(/\s+/g, '')).toBe(
      server.hostKeyFingerprint,
    );
    await shot(page, '02-trust-dialog');
    await page.getByTestId('trust-and-connect').click();

    const entry = page.locator('[data-testid="sidebar-server"][data-server="edge-1"]');
    await entry.waitFor();
    await expect
      .poll(() => entry.locator('[data-testid="connection-status"]').getAttribute('data-state'), {
        timeout: 20_000,
      })
      .toBe('connected');
  });

  it('shows the interfaces and peers with correct statuses', async () => {
    const server = lab.servers[0]!;
    await page.locator('[data-testid="sidebar-server"][data-server="edge-1"]').click();
    await page.locator('[data-testid="server-page"][data-server="edge-1"]').waitFor();
    const rows = page.locator('[data-testid="peers-table"] [data-peer-key]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(server.interfaces[0]!.peers.length);
    for (const peer of server.interfaces[0]!.peers) {
      const row = page.locator(`[data-peer-key="${peer.publicKey}"]`);
      // Real clients handshake at once (lab ping); the others never have.
      await expect
        .poll(() => row.getAttribute('data-status'), { timeout: 20_000 })
        .toBe(peer.client === null ? 'never' : 'online');
    }
    expect(await page.getByTestId('listen-port').first().textContent()).toContain(
      String(server.interfaces[0]!.listenPort),
    );
    await shot(page, '03-server-page');
  });

  it("a client's traffic shows as a non-zero rate within two polls", async () => {
    const client = lab.clients.find((c) => c.server === 0)!;
    await lab.setTraffic(client.index, false);
    await new Promise((r) => setTimeout(r, INTERVAL * 2 * 1000 + 500));
    const row = `[data-peer-key="${client.publicKey}"]`;
    await expect
      .poll(() => numberAttr(page, `${row} [data-testid="peer-rx-rate"]`), { timeout: 15_000 })
      .toBeLessThan(100);
    const started = Date.now();
    await lab.setTraffic(client.index, true);
    await expect
      .poll(() => numberAttr(page, `${row} [data-testid="peer-rx-rate"]`), {
        timeout: 2 * INTERVAL * 1000 + 1500,
        interval: 100,
      })
      .toBeGreaterThan(100);
    expect(Date.now() - started).toBeLessThanOrEqual(2 * INTERVAL * 1000 + 1500);
    await shot(page, '04-traffic-rate');
  });

  it("the health panel's numbers equal the kernel's counters", async () => {
    await page.getByTestId('metrics-wg0').click();
    for (const client of lab.clients) await lab.setTraffic(client.index, false);
    await new Promise((r) => setTimeout(r, INTERVAL * 1000 + 500));
    for (const name of COUNTER_NAMES) {
      await expect
        .poll(
          async () => {
            const truth = countersOf((await readTruth(lab, 0)).netdev['wg0']!);
            const shown = await numberAttr(page, `[data-testid="health-panel"] [data-counter="${name}"]`);
            return shown === truth[name] ? 'equal' : `UI ${shown} vs kernel ${truth[name]}`;
          },
          { timeout: 4 * INTERVAL * 1000 },
        )
        .toBe('equal');
    }
    for (const client of lab.clients) await lab.setTraffic(client.index, true);
    await shot(page, '05-health-panel');
  });
});
