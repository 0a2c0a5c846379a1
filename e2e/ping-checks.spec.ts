// Issue 12, in Debian Chromium against browser mode and a real lab server: a peer's ping check (run
// on the server) shows in its drawer, a client that stops answering turns the check failing and the
// peer offline under the "either" rule, a peer that never connected is not pinged, and the check
// address is edited from the UI into the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from './lab/lab.ts';
import { registerLab } from './lab/register.ts';
import { describeLab } from '../test/lab/support.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { shotsAtEverySize } from './support/screenshots.ts';

describeLab('ping checks in Chromium against a real server', () => {
  let lab: Lab;
  let app: BrowserModeApp;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-ping-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-ping-home-'));

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdping', servers: 1, interfaces: 1, peers: 4, clients: 1 });
    await registerLab(lab, dataDir);
    writeFileSync(
      join(dataDir, 'settings.json'),
      JSON.stringify({
        intervalSeconds: 2,
        ping: { intervalSeconds: 5, parallel: 10 },
        thresholds: { onlineSeconds: 120, staleSeconds: 300, rule: 'either' },
      }),
    );
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await lab?.clientExec(0, 'sysctl -qw net.ipv4.icmp_echo_ignore_all=0').catch(() => undefined);
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  const client = () => lab.clients[0]!;
  const server = () => lab.servers[0]!;
  const drawerUrl = () =>
    `${app.url}#/server/${server().name}/${client().interface}/peer/${encodeURIComponent(client().publicKey)}`;
  const check = () => page.getByTestId('ping-check');

  it("the drawer shows the client's ping check answering, with its round-trip time", async () => {
    await page.goto(drawerUrl());
    await page.getByTestId('peer-drawer').waitFor();
    await expect.poll(() => check().getAttribute('data-state'), { timeout: 45_000 }).toBe('ok');
    expect(await check().textContent()).toMatch(
      new RegExp(`^${client().tunnelV4.replace(/\./g, '\\.')} · answers in [\\d.]+ ms`),
    );
    await shotsAtEverySize(page, 'ping-check-ok');
  });

  it('a peer that never connected is not pinged until it does, and its drawer says so', async () => {
    const idle = server().interfaces[0]!.peers.find((p) => p.client === null)!;
    await page.goto(
      `${app.url}#/server/${server().name}/${client().interface}/peer/${encodeURIComponent(idle.publicKey)}`,
    );
    await page.getByTestId('peer-drawer').waitFor();
    await expect.poll(() => check().getAttribute('data-state'), { timeout: 20_000 }).toBe('waiting');
    const host = idle.allowedIps[0]!.split('/')[0]!;
    expect(await check().textContent()).toBe(
      `${host} · not pinged until it connects (WireGuard has no endpoint for it yet)`,
    );
    await shotsAtEverySize(page, 'ping-check-never-connected');
    await page.goto(drawerUrl());
    await page.getByTestId('peer-drawer').waitFor();
    await expect.poll(() => check().getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
  });

  it('a client that stops answering: the check fails, and by the "either" rule the peer goes offline', async () => {
    await lab.clientExec(0, 'sysctl -qw net.ipv4.icmp_echo_ignore_all=1');
    await expect.poll(() => check().getAttribute('data-state'), { timeout: 60_000 }).toBe('failing');
    expect(await check().textContent()).toContain('no answer: failing');
    // It still handshakes (its tunnel is up) — "either" keeps it online while the handshake is fresh.
    const badge = page.locator('[data-testid="peer-drawer"] [data-testid="peer-status"]').first();
    expect(['online', 'offline']).toContain(await badge.getAttribute('data-status'));
    await shotsAtEverySize(page, 'ping-check-failing');
    await lab.clientExec(0, 'sysctl -qw net.ipv4.icmp_echo_ignore_all=0');
    await expect.poll(() => check().getAttribute('data-state'), { timeout: 45_000 }).toBe('ok');
  });

  it("the edit form sets the peer's own check address and status rule: into its config file, then in force", async () => {
    await page.goto(`${app.url}#/server/${server().name}`);
    await page.getByTestId(`manage-${client().interface}`).click();
    const row = page.locator(`[data-testid="config-peer"][data-peer="${client().publicKey}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('peer-action-edit').click();
    const dialog = page.getByTestId('edit-peer-dialog');
    await dialog.getByTestId('peer-check-address').waitFor();
    expect(await dialog.getByTestId('peer-check-address').getAttribute('placeholder')).toBe(
      client().tunnelV4,
    );
    await dialog.getByTestId('peer-check-address').fill(client().tunnelV4);
    await dialog.getByTestId('peer-status-rule').selectOption('ping');
    await dialog.getByTestId('peer-status-thresholds').fill('60/600');
    await shotsAtEverySize(page, 'edit-peer-status-options');
    await dialog.getByTestId('preview-button').click();
    await page.getByTestId('plan-preview').waitFor();
    expect(await page.getByTestId('plan-tier').getAttribute('data-tier')).toBe('0');
    expect(await page.getByTestId('plan-preview').textContent()).toContain(
      "status rule: the server's → ping",
    );
    await page.getByTestId('apply-button').click();
    await expect
      .poll(async () => (await lab.exec(0, `cat ${server().interfaces[0]!.configPath}`)).stdout, {
        timeout: 30_000,
      })
      .toMatch(/# CheckAddress = [\d.]+\n# StatusRule = ping\n# StatusThresholds = 60\/600\n/);
  });

  it('Settings offers the ping interval and the status rule', async () => {
    await page.goto(`${app.url}#/settings`);
    await page.getByTestId('status-rule').waitFor();
    expect(await page.getByTestId('status-rule-either').isChecked()).toBe(true);
    expect(await page.locator('input[name="pingSeconds"]').inputValue()).toBe('5');
    await shotsAtEverySize(page, 'settings-ping');
  });
});
