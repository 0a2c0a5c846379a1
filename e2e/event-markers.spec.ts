import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from './lab/lab.ts';
import { registerLab } from './lab/register.ts';
import { describeLab } from '../test/lab/support.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { shotsAtEverySize } from './support/screenshots.ts';

/** "Mar 3, 2026, 4:05:07 PM": the full moment the label names (whatever the locale's order). */
const MOMENT = /\d{1,2}:\d{2}:\d{2}/;

describeLab("events marked on the charts' time axis, in Chromium against the lab", () => {
  let lab: Lab;
  let app: BrowserModeApp | undefined;
  let browser: Browser;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-marks-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-marks-home-'));

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdmarks', servers: 1, interfaces: 1, peers: 2, clients: 1 });
    await registerLab(lab, dataDir);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ intervalSeconds: 1 }));
    app = await startBrowserMode(dataDir, home); // records history and the event log while it runs
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  /** The marks of kind `kind` on `chart`. */
  const marksOf = (chart: Locator, kind: 'problem' | 'good' | 'neutral') =>
    chart.locator(`[data-testid="event-mark"][data-kind="${kind}"]`);

  it("a server that went down and came back is marked on its charts and its peer's, named on hover and focus", async () => {
    const server = lab.servers[0]!.name;
    const client = lab.clients[0]!;
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${app!.url}#/server/${server}`);
    await page.getByTestId('metrics-wg0').click();
    const serverChart = page.getByTestId('server-chart');
    const ifaceChart = page.getByTestId('interface-chart');
    await expect
      .poll(() => serverChart.locator('svg .recharts-line').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);

    const downAt = Date.now();
    await lab.killSshd(0);
    try {
      // The charts refresh themselves (every 10 s at 15 min), marks with them.
      await expect.poll(() => marksOf(serverChart, 'problem').count(), { timeout: 60_000 }).toBe(1);
    } finally {
      await lab.startSshd(0);
    }
    await expect.poll(() => marksOf(serverChart, 'good').count(), { timeout: 60_000 }).toBe(1);

    // Hover: the mark names the event, its time and the server; the line is at the event's time.
    const down = marksOf(serverChart, 'problem');
    const t = Number(await down.getAttribute('data-t'));
    expect(t).toBeGreaterThanOrEqual(downAt - 1000);
    expect(t).toBeLessThanOrEqual(Date.now());
    await down.hover();
    const label = serverChart.getByTestId('event-mark-label');
    await label.waitFor();
    const text = (await label.textContent())!;
    expect(text).toContain('Server unreachable');
    expect(text).toContain(server);
    expect(text).toMatch(MOMENT);
    expect(await down.getAttribute('aria-label')).toMatch(/^Server unreachable, .*\d:\d\d:\d\d.*, /);

    // Keyboard: one tab stop for the chart's marks, the arrow moves to the next, its label follows.
    await page.mouse.move(0, 0); // the pointed-at mark would speak over the focused one
    await expect.poll(() => label.count()).toBe(0);
    await down.focus();
    await page.keyboard.press('ArrowRight');
    const back = marksOf(serverChart, 'good');
    const backAt = await back.getAttribute('data-t');
    await expect.poll(() => page.locator(':focus').getAttribute('data-t')).toBe(backAt);
    await expect.poll(async () => (await label.textContent()) ?? '').toContain('Server back');
    expect(await back.getAttribute('tabindex')).toBe('0');
    expect(await down.getAttribute('tabindex')).toBe('-1');

    // The interface's three charts show the server's events too (its gap is explained there as well).
    await expect.poll(() => marksOf(ifaceChart, 'problem').count(), { timeout: 20_000 }).toBe(3);

    await shotsAtEverySize(page, 'event-marks-server', {
      before: async () => {
        if ((await page.locator(':focus').count()) > 0) await page.locator(':focus').blur();
        await serverChart.scrollIntoViewIfNeeded();
        await marksOf(serverChart, 'problem').hover();
        await label.waitFor();
      },
    });

    // The peer drawer: the same server events on the peer's chart, beside its own.
    await page.goto(`${app!.url}#/server/${server}/wg0/peer/${encodeURIComponent(client.publicKey)}`);
    const peerChart = page.getByTestId('peer-chart');
    await expect.poll(() => marksOf(peerChart, 'problem').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // In the narrower drawer the two may share one mark: read what every mark says.
    const said: string[] = [];
    for (const mark of await peerChart.getByTestId('event-mark').all()) {
      said.push((await mark.getAttribute('aria-label')) ?? '');
    }
    expect(said.join('; ')).toContain('Server unreachable');
    expect(said.join('; ')).toContain('Server back');
    await shotsAtEverySize(page, 'event-marks-peer', {
      before: async () => {
        await marksOf(peerChart, 'problem').first().hover();
        await peerChart.getByTestId('event-mark-label').waitFor();
      },
    });
    await page.close();
  });
});
