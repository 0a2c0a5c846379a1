import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from './lab/lab.ts';
import { registerLab } from './lab/register.ts';
import { describeLab } from '../test/lab/support.ts';
import { HISTORY_FILE, HistoryStore } from '../src/main/core/history/index.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';

const SHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');

describeLab("a peer's history chart in Chromium, checked against the stored data", () => {
  let lab: Lab;
  let app: BrowserModeApp | undefined;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-chart-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-chart-home-'));
  let recordingSince = 0;
  /** Some 12 s of history with real traffic, counted once from the app's start for every test. */
  const someHistory = () =>
    new Promise((r) => setTimeout(r, Math.max(0, recordingSince + 12_000 - Date.now())));

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdhchart', servers: 1, interfaces: 1, peers: 3, clients: 1 });
    await registerLab(lab, dataDir);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ intervalSeconds: 1 }));
    app = await startBrowserMode(dataDir, home); // records history while it runs
    recordingSince = Date.now();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  it('one range for the page, fitted to the data; drag zoom, Reset zoom; a crosshair shared by the charts', async () => {
    const server = lab.servers[0]!.name;
    await someHistory();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${app!.url}#/server/${server}`);
    await page.getByTestId('metrics-wg0').click();
    const charts = page.locator('[data-testid="server-chart"], [data-testid="interface-chart"]');
    await expect.poll(() => charts.count(), { timeout: 15_000 }).toBe(2);
    await expect
      .poll(() => page.locator('svg .recharts-line').count(), { timeout: 15_000 })
      .toBeGreaterThan(1);

    // A fresh install: one picker for the page, a range chosen to fit seconds of data, not 24 h.
    const picker = page.getByTestId('range-picker');
    expect(await picker.count()).toBe(1);
    expect(await picker.getAttribute('data-fitted')).toBe('true');
    expect(await picker.getAttribute('data-range')).toBe('15m');

    // Picking a range moves every chart on the page, and it is kept across a reload.
    await page.getByTestId('range-1h').click();
    await expect.poll(() => picker.getAttribute('data-fitted')).toBeNull();
    await page.reload();
    await page.getByTestId('metrics-wg0').click();
    await expect.poll(() => page.getByTestId('range-picker').getAttribute('data-range')).toBe('1h');
    await page.getByTestId('range-15m').click();

    // The crosshair: hovering one plot draws the cursor in every plot of the page (recharts syncId).
    const first = charts.first().locator('svg.recharts-surface').first();
    const box = (await first.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
    const plots = await page.locator('.recharts-wrapper').count();
    expect(plots).toBeGreaterThan(1);
    await expect.poll(() => page.locator('.recharts-tooltip-cursor').count()).toBe(plots);

    // Drag across the plot: every chart zooms to that window; Reset zoom goes back.
    // Across the newest data at the right edge (the lab has recorded for seconds of the 15 min).
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 5 });
    await expect(page.getByTestId('chart-zoom-selection').isVisible()).resolves.toBe(true);
    await page.mouse.up();
    await page.getByTestId('range-zoom').waitFor();
    expect(await page.getByTestId('range-picker').getAttribute('data-zoomed')).toBe('true');
    const zoomed = (await page.getByTestId('range-zoom-window').textContent())!.replace(/^Zoomed to /, '');
    // Both charts show exactly the zoomed window (their caption: subject · window · buckets).
    await expect
      .poll(async () =>
        (await charts.locator('.chart-caption').allTextContents()).map((c) => c.split(' · ')[1]),
      )
      .toEqual([zoomed, zoomed]);
    expect(await page.getByTestId('chart-empty').count()).toBe(0);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'charts-zoomed-1440.png') });
    await page.getByTestId('range-reset-zoom').click();
    await expect.poll(() => page.getByTestId('range-zoom').count()).toBe(0);
    await page.close();
  });

  it("the tooltip's rate is the stored bucket's rate", async () => {
    const client = lab.clients[0]!;
    const server = lab.servers[0]!.name;
    await someHistory();

    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${app!.url}#/server/${server}/wg0/peer/${encodeURIComponent(client.publicKey)}`);
    const chart = page.getByTestId('peer-chart');
    await chart.waitFor();
    await page.getByTestId('peer-drawer').getByTestId('range-15m').click();
    await expect
      .poll(() => chart.locator('svg .recharts-line').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);

    // Hover from the right edge (the newest buckets) leftwards until a bucket with data is under the cursor.
    const box = (await chart.locator('svg').first().boundingBox())!;
    const tooltip = page.getByTestId('chart-tooltip');
    let t = Number.NaN;
    let step = Number.NaN;
    let shownRx = Number.NaN;
    for (let x = box.x + box.width - 20; x > box.x + box.width / 2 && Number.isNaN(shownRx); x -= 6) {
      await page.mouse.move(x, box.y + box.height / 2);
      if (!(await tooltip.isVisible())) continue;
      const rx = await tooltip.getAttribute('data-rx-rate');
      if (rx === null || rx === '' || (await tooltip.getAttribute('data-gap')) !== null) continue;
      shownRx = Number(rx);
      t = Number(await tooltip.getAttribute('data-t'));
      step = Number(await tooltip.getAttribute('data-step'));
    }
    expect(Number.isFinite(shownRx)).toBe(true);
    expect(shownRx).toBeGreaterThan(0);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, '06-peer-chart-tooltip.png') });

    // The app releases the store when it stops; then read the same bucket straight from SQLite.
    await app!.stop();
    app = undefined;
    const store = HistoryStore.open(join(dataDir, HISTORY_FILE));
    try {
      const stored = store.peerSeries({
        server,
        iface: 'wg0',
        peer: client.publicKey,
        from: t,
        to: t + step,
        points: 1,
      });
      expect(stored.t[0]).toBe(t);
      expect(stored.rxRate[0]).not.toBeNull();
      expect(Math.abs(stored.rxRate[0]! - shownRx)).toBeLessThanOrEqual(Math.abs(shownRx) * 1e-9 + 1e-9);
    } finally {
      store.close();
    }
  });
});
