// Charts filled from VictoriaMetrics, in Debian Chromium against browser mode (no lab): the laptop
// recorded two stretches of a server's last half hour and was closed in between; a real
// victoria-metrics on loopback has all of it (what `wgdeck collect` pushed meanwhile). The server page
// and the overview show the filled span tinted, say so under the chart and in the tooltip, and say
// when VictoriaMetrics cannot be read. Screenshotted at both sizes, light and dark.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../src/main/core/history/history-store.ts';
import { makeSnapshot } from '../src/main/core/history/simulate.ts';
import { startVictoria, type Victoria } from '../test/support/victoria.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { SHOTS, shotsAtEverySize } from './support/screenshots.ts';

const SERVER = 'edge-1';
const POLL_S = 5;
const MIN = 60_000;

/** The laptop's record: polls at minutes 0–10 and 20–30 of the half hour, into the app's history.db. */
function recordLocal(dataDir: string, t0: number): void {
  const store = HistoryStore.open(join(dataDir, 'history.db'));
  // Running counters with some wobble, so the lines look like traffic (the server counts on while
  // the laptop is closed: the second stretch continues from where the counters are by then).
  let rx = 0;
  let tx = 0;
  let busy = 0;
  let last = 0;
  const poll = (k: number) => {
    for (; last < k; last++) {
      rx += POLL_S * (380_000 + 120_000 * Math.sin(last / 11) ** 2);
      tx += POLL_S * (140_000 + 40_000 * Math.cos(last / 13) ** 2);
      busy += 10 + (last % 9);
    }
    store.record(
      SERVER,
      makeSnapshot({
        monotonic: 1000 + k * POLL_S,
        wg0: { rxBytes: Math.round(rx), txBytes: Math.round(tx) },
        cpu: { total: 100 * k, idle: 100 * k - busy },
        memUsed: 2 * 1024 ** 3,
        load1: 0.4,
      }),
      t0 + k * POLL_S * 1000,
      POLL_S,
    );
  };
  for (let k = 0; k < 120; k++) poll(k);
  store.markStopped(SERVER);
  for (let k = 240; k < 360; k++) poll(k);
  store.close();
}

/** What VictoriaMetrics has for the whole half hour (a little busier than the laptop saw). */
function vmLines(t0: number): string {
  const lines: string[] = [];
  for (let k = 0; k <= 360; k++) {
    const at = t0 + k * POLL_S * 1000;
    const s = k * POLL_S;
    const iface = `server="${SERVER}",interface="wg0"`;
    lines.push(
      `wireguard_interface_receive_bytes_total{${iface}} ${520_000 * s} ${at}`,
      `wireguard_interface_transmit_bytes_total{${iface}} ${180_000 * s} ${at}`,
      `wgdeck_server_cpu_usage_ratio{server="${SERVER}"} ${0.2 + 0.05 * Math.sin(k / 9)} ${at}`,
      `wgdeck_server_memory_usage_ratio{server="${SERVER}"} 0.27 ${at}`,
      `wgdeck_server_memory_total_bytes{server="${SERVER}"} ${8 * 1024 ** 3} ${at}`,
      `wgdeck_server_load1{server="${SERVER}"} 0.6 ${at}`,
    );
  }
  return lines.join('\n') + '\n';
}

describe('charts filled from VictoriaMetrics', () => {
  let vm: Victoria;
  let app: BrowserModeApp;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-vmfill-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-vmfill-home-'));

  beforeAll(async () => {
    vm = await startVictoria();
    const t0 = Math.floor((Date.now() - 32 * MIN) / MIN) * MIN;
    recordLocal(dataDir, t0);
    const imported = await fetch(`${vm.url}/api/v1/import/prometheus`, { method: 'POST', body: vmLines(t0) });
    expect(imported.status).toBe(204);
    await vm.flush();
    // An address nothing answers on: the server stays unreachable, its page shows recorded history.
    writeFileSync(
      join(dataDir, 'servers.json'),
      JSON.stringify({
        version: 1,
        servers: [{ name: SERVER, host: '198.18.0.1', port: 22, user: 'root', sudo: false }],
      }),
    );
    writeFileSync(
      join(dataDir, 'settings.json'),
      JSON.stringify({
        victoriaMetrics: { url: vm.url, auth: 'none', username: null, push: false, readCharts: true },
      }),
    );
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await vm?.close();
  });

  /** Moves across the plot until the tooltip names a source; returns the sources seen. */
  async function hoverSources(chart: Locator): Promise<Set<string>> {
    const box = (await chart.locator('.recharts-surface').first().boundingBox())!;
    const seen = new Set<string>();
    for (let x = box.x + 80; x < box.x + box.width - 20; x += 12) {
      await page.mouse.move(x, box.y + box.height / 2);
      const source = await page
        .getByTestId('chart-tooltip')
        .first()
        .getAttribute('data-source', { timeout: 500 })
        .catch(() => null);
      // The first filled bucket hovered: kept as a picture of the tooltip naming its source.
      if (source === 'victoria-metrics' && !seen.has(source))
        await page.screenshot({ path: join(SHOTS, 'vm-chart-tooltip-1440-light.png') });
      if (source) seen.add(source);
    }
    await page.mouse.move(0, 0);
    return seen;
  }

  it('tints the span the laptop did not record, and says where it came from', async () => {
    await page.goto(`${app.url}#/server/${SERVER}`);
    const chart = page.getByTestId('server-chart');
    await chart.waitFor();
    await page.getByTestId('range-1h').first().click();
    await expect.poll(() => chart.getAttribute('data-vm'), { timeout: 30_000 }).toBe('filled');
    expect(await chart.getByTestId('chart-source-note').textContent()).toMatch(
      /^Tinted: from VictoriaMetrics, where this laptop recorded nothing/,
    );
    expect(await hoverSources(chart)).toEqual(new Set(['local', 'victoria-metrics']));
  });

  it('fills the fleet chart on the overview the same way', async () => {
    await page.goto(`${app.url}#/`);
    const chart = page.getByTestId('fleet-chart');
    await chart.waitFor();
    await page.getByTestId('range-1h').first().click();
    await expect.poll(() => chart.getAttribute('data-vm'), { timeout: 30_000 }).toBe('filled');
  });

  it('looks right at both sizes, light and dark', async () => {
    await page.goto(`${app.url}#/server/${SERVER}`);
    const chart = page.getByTestId('server-chart');
    await expect.poll(() => chart.getAttribute('data-vm'), { timeout: 30_000 }).toBe('filled');
    await shotsAtEverySize(page, 'vm-chart-fill', { before: () => chart.scrollIntoViewIfNeeded() });
    await page.goto(`${app.url}#/`);
    const fleet = page.getByTestId('fleet-chart');
    await expect.poll(() => fleet.getAttribute('data-vm'), { timeout: 30_000 }).toBe('filled');
    await shotsAtEverySize(page, 'vm-chart-fill-fleet', { before: () => fleet.scrollIntoViewIfNeeded() });
  });

  it('shows local data only, and says why, when VictoriaMetrics is down', async () => {
    await vm.stop();
    try {
      await page.goto(`${app.url}#/server/${SERVER}`);
      const chart = page.getByTestId('server-chart');
      await expect.poll(() => chart.getAttribute('data-vm'), { timeout: 30_000 }).toBe('error');
      expect(await chart.getByTestId('chart-source-note').textContent()).toMatch(
        /^VictoriaMetrics could not be read \(.+\): showing this laptop’s data only\.$/,
      );
      await shotsAtEverySize(page, 'vm-chart-down', { before: () => chart.scrollIntoViewIfNeeded() });
    } finally {
      await vm.start();
    }
    expect(consoleErrors).toEqual([]);
  });
});
