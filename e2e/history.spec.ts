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

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdhchart', servers: 1, interfaces: 1, peers: 3, clients: 1 });
    await registerLab(lab, dataDir);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ intervalSeconds: 1 }));
    app = await startBrowserMode(dataDir, home); // records history while it runs
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  it("the tooltip's rate is the stored bucket's rate", async () => {
    const client = lab.clients[0]!;
    const server = lab.servers[0]!.name;
    await new Promise((r) => setTimeout(r, 12_000)); // some history with real traffic

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
