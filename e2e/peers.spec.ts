// Peer management in the UI (issue 5), in Debian Chromium against browser mode and a real lab server:
// create a peer through the form, preview, apply commit-confirmed, take its client config from the
// dialog and bring a real client up with it; disable it; reconcile drift made by hand; a bad name is
// refused as it is typed.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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

const ROOT = join(import.meta.dirname, '..');
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const CONF = '/etc/wireguard/wg0.conf';

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describeLab('peer management in Chromium against a real server', () => {
  let lab: Lab;
  let app: BrowserModeApp | undefined;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-peers-ui-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-peers-home-'));

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdpeersui', servers: 1, interfaces: 1, peers: 3, clients: 1 });
    await registerLab(lab, dataDir);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ intervalSeconds: 2 }));
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  const file = async (): Promise<string> => (await lab.exec(0, `cat ${CONF}`)).stdout;
  const applyPlan = async (tier: number): Promise<void> => {
    const preview = page.getByTestId('plan-preview');
    await preview.waitFor();
    expect(await page.getByTestId('plan-tier').getAttribute('data-tier')).toBe(String(tier));
    await page.getByTestId('apply-button').click();
  };

  it('the live table names peers as the config file does (read once on connect, for a root login)', async () => {
    await page.goto(`${app!.url}#/server/lab-s0`);
    const client = lab.clients[0]!;
    await expect
      .poll(() => page.locator(`[data-peer-key="${client.publicKey}"] .peer-open`).textContent(), {
        timeout: 20_000,
      })
      .toBe('lab client 0');
  });

  it('opens the config view of an interface: every peer of the file, in sync', async () => {
    await page.getByTestId('manage-wg0').click();
    await page.getByTestId('config-view').waitFor();
    await expect.poll(() => page.getByTestId('config-peer').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.getByTestId('config-path').textContent()).toContain(CONF);
    await page.getByTestId('drift-in-sync').waitFor();
    await shot(page, '20-config-view');
  });

  it('refuses a name with shell metacharacters as it is typed', async () => {
    await page.getByTestId('add-peer').click();
    await page.getByTestId('add-peer-dialog').waitFor();
    await page.getByTestId('peer-name').fill('phone$(reboot)');
    await expect
      .poll(() => page.getByTestId('field-error').first().textContent(), { timeout: 5000 })
      .toMatch(/shell metacharacters/);
    await page.getByTestId('peer-name').fill('');
  });

  it('creates a peer (tier 1, confirmed), and its exported config brings a real client up', async () => {
    const iface = lab.servers[0]!.interfaces[0]!;
    await page.getByTestId('peer-name').fill('phone');
    await page.getByTestId('peer-psk').check();
    await page.getByTestId('client-allowed-ips').fill(iface.addressV4.replace(/\.\d+\//, '.0/'));
    await page.getByTestId('preview-button').click();
    await page.getByTestId('plan-preview').waitFor();
    expect(await page.getByTestId('plan-diff').textContent()).toContain('# Name = phone');
    expect(await page.getByTestId('plan-diff').textContent()).not.toMatch(
      /PresharedKey = [A-Za-z0-9+/]{43}=/,
    );
    await shot(page, '21-plan-preview');
    await applyPlan(1);

    const dialog = page.getByTestId('client-config');
    await dialog.waitFor({ timeout: 30_000 });
    const text = (await page.getByTestId('client-config-text').textContent())!;
    expect(text).toContain('# Name = phone');
    expect(text).toContain(`Endpoint = ${lab.servers[0]!.host}:${iface.listenPort}`);
    expect(await page.getByTestId('client-config-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await shot(page, '22-client-config');

    const laptop = await lab.addClientFromConfig(0, text);
    try {
      const ping = await laptop.exec(`ping -c 3 -i 0.2 -W 2 ${laptop.pingTarget}`);
      expect(ping.code, ping.stdout + ping.stderr).toBe(0);
    } finally {
      await lab.removeClient(laptop);
    }
    await page.getByTestId('client-config-next').click();
    await page.getByTestId('client-config-done').click();
    const result = page.getByTestId('apply-result');
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('confirmed');
    expect(await file()).toContain('# Name = phone');
    // The new name reaches the live table at once (the engine learned it from the file it wrote).
    const publicKey = /# Name = phone\nPublicKey = (\S+)/.exec(await file())![1]!;
    await page.getByTestId('live-wg0').click();
    await expect
      .poll(() => page.locator(`[data-peer-key="${publicKey}"] .peer-open`).textContent(), {
        timeout: 20_000,
      })
      .toBe('phone');
    await page.getByTestId('manage-wg0').click();
    await page.getByTestId('config-view').waitFor();
  });

  it('disables the peer: gone from the live interface, kept in the file', async () => {
    const key = /PublicKey = (\S+)\n# Name = phone|# Name = phone\nPublicKey = (\S+)/.exec(await file())!;
    const publicKey = key[1] ?? key[2]!;
    const row = page.locator(`[data-testid="config-peer"][data-peer="${publicKey}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.getByTestId('peer-action-disable').click();
    await applyPlan(1);
    await expect.poll(() => row.getAttribute('data-disabled'), { timeout: 20_000 }).toBe('true');
    expect(await file()).toContain('#! # Name = phone');
    expect((await lab.exec(0, 'wg show wg0 peers')).stdout).not.toContain(publicKey);
  });

  it('shows drift made by hand and reconciles it live → file', async () => {
    const key = (await lab.exec(0, 'wg genkey | wg pubkey')).stdout.trim();
    await lab.exec(0, `wg set wg0 peer ${key} allowed-ips 198.18.128.201/32`);
    await page.getByTestId('config-refresh').click();
    const panel = page.getByTestId('drift-panel');
    await panel.waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('drift-only-live').textContent()).toContain(key.slice(0, 8));
    await shot(page, '23-drift');
    await page.getByTestId('reconcile-live-to-file').click();
    await applyPlan(0);
    await page.getByTestId('drift-in-sync').waitFor({ timeout: 20_000 });
    expect(await file()).toContain(`PublicKey = ${key}`);
    expect(await page.getByTestId('backups-list').getAttribute('data-count')).toBe('3');
  });

  it('a config file kept elsewhere: the path is set from the error, then peers change in that file', async () => {
    const alt = '/etc/wireguard/alt/wg0.conf';
    await lab.exec(0, `mkdir -p /etc/wireguard/alt && mv ${CONF} ${alt}`);
    await page.getByTestId('config-refresh').click();
    const error = page.getByTestId('config-load-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.getAttribute('data-error-code')).toBe('NO_CONFIG_FILE');
    await page.getByTestId('config-path-input').fill(alt);
    await page.getByRole('button', { name: 'Use this file' }).click();
    await expect
      .poll(() => page.getByTestId('config-path').textContent(), { timeout: 20_000 })
      .toContain(alt);
    const row = page.locator('[data-testid="config-peer"][data-disabled="true"]').first();
    await row.getByTestId('peer-action-enable').click();
    await applyPlan(1);
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(0);
    expect((await lab.exec(0, `cat ${alt}`)).stdout).not.toContain('#! # Name = phone');
  });

  it('an interface that is not up: its peers are managed in the file only (tier 0)', async () => {
    await lab.exec(
      0,
      "sed 's/^ListenPort = .*/ListenPort = 51999/' /etc/wireguard/alt/wg0.conf > /etc/wireguard/wg9.conf",
    );
    await page.reload();
    const down = page.locator('[data-testid="down-interface"][data-interface="wg9"]');
    await down.waitFor({ timeout: 20_000 });
    await page.getByTestId('manage-down-wg9').click();
    await down.getByTestId('config-view').waitFor();
    expect(await down.getByTestId('config-live').textContent()).toMatch(/down/i);
    await down.getByTestId('add-peer').click();
    await page.getByTestId('peer-name').fill('offline');
    await page.getByTestId('preview-button').click();
    await applyPlan(0);
    await page.getByTestId('client-config').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('client-config-text').textContent()).toContain('Endpoint = ');
    await page.getByTestId('client-config-next').click();
    await page.getByTestId('client-config-done').click();
    expect((await lab.exec(0, 'cat /etc/wireguard/wg9.conf')).stdout).toContain('# Name = offline');
    expect((await lab.exec(0, 'wg show interfaces')).stdout).not.toContain('wg9');
    await shot(page, '24-down-interface');
  });

  it('a rollback that refused to restore is shown on the config view until the next change, in both themes and sizes', async () => {
    // What the server's rollback job leaves when it refuses (test/lab/peers.test.ts makes a real one).
    await lab.exec(
      0,
      "mkdir -p /run/wireguard/wgdeck && printf '%s\\n' 'tx1 the backup wg0.conf.20261202T101500Z is gone; /etc/wireguard/alt/wg0.conf and wg0 were left as they are' > /run/wireguard/wgdeck/wg0.rollback-failed",
    );
    await page.goto(`${app!.url}#/server/lab-s0`);
    await page.getByTestId('manage-wg0').click();
    const banner = page.getByTestId('rollback-failed');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.textContent()).toContain('wg0.conf.20261202T101500Z is gone');
    await shotsAtEverySize(page, '25-rollback-failed', {
      before: () => banner.scrollIntoViewIfNeeded(),
      restore: { width: 1440, height: 1000 },
    });
    await lab.exec(0, 'rm -f /run/wireguard/wgdeck/wg0.rollback-failed');
    await page.getByTestId('config-refresh').click();
    await expect.poll(() => banner.count(), { timeout: 20_000 }).toBe(0);
  });
});
