// Issue 15, in Debian Chromium against browser mode and a real lab server: a peer's quota, expiry and
// allowed hours are set from the edit form into its config file; a client pushing real traffic past
// its quota is disabled by the enforcer, and the config view and the peer's pages say why.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from './lab/lab.ts';
import { registerLab } from './lab/register.ts';
import { describeLab } from '../test/lab/support.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { shotsAtEverySize } from './support/screenshots.ts';

describeLab('peer lifecycle in Chromium against a real server', () => {
  let lab: Lab;
  let app: BrowserModeApp;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-life-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-life-home-'));

  beforeAll(async () => {
    lab = await startLab({
      name: 'wgdlife',
      servers: 1,
      interfaces: 1,
      peers: 4,
      clients: 2,
      traffic: false,
    });
    await registerLab(lab, dataDir);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ intervalSeconds: 2 }));
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  const server = () => lab.servers[0]!;
  const heavy = () => lab.clients[0]!;
  const quiet = () => lab.clients[1]!;
  const configPath = () => server().interfaces[0]!.configPath;
  const file = async () => (await lab.exec(0, `cat ${configPath()}`)).stdout;
  const serverAddress = () => server().interfaces[0]!.addressV4.split('/')[0]!;
  // The modal scrolls inside itself, where Playwright's scrollIntoViewIfNeeded sees it as shown.
  const centre = (locator: Locator) =>
    locator.evaluate((el: { scrollIntoView(options: { block: string }): void }) => {
      el.scrollIntoView({ block: 'center' });
    });
  const rowOf = (key: string) => page.locator(`[data-testid="config-peer"][data-peer="${key}"]`);
  const openConfig = async () => {
    await page.goto(`${app.url}#/server/${server().name}`);
    await page.getByTestId(`manage-${heavy().interface}`).click();
    await rowOf(heavy().publicKey).waitFor({ timeout: 30_000 });
  };
  const applyEdit = async (key: string, fields: Record<string, string>, shot?: string) => {
    await rowOf(key).getByTestId('peer-action-edit').click();
    const dialog = page.getByTestId('edit-peer-dialog');
    await dialog.getByTestId('peer-quota').waitFor();
    for (const [testId, value] of Object.entries(fields)) await dialog.getByTestId(testId).fill(value);
    const limits = dialog.getByTestId('peer-schedule');
    if (shot) await shotsAtEverySize(page, shot, { before: () => centre(limits) });
    await dialog.getByTestId('preview-button').click();
    await page.getByTestId('plan-preview').waitFor();
    const preview = (await page.getByTestId('plan-preview').textContent()) ?? '';
    await page.getByTestId('apply-button').click();
    await page.getByTestId('plan-preview').waitFor({ state: 'detached', timeout: 30_000 });
    return preview;
  };

  it('a rule that does not parse is refused on its field, quoting the rule; nothing is sent', async () => {
    await openConfig();
    await rowOf(heavy().publicKey).getByTestId('peer-action-edit').click();
    const dialog = page.getByTestId('edit-peer-dialog');
    await dialog.getByTestId('peer-quota').fill('lots');
    await dialog.getByTestId('peer-expires').fill('soon');
    await dialog.getByTestId('preview-button').click();
    const errors = await dialog.getByTestId('field-error').allTextContents();
    expect(errors.join('\n')).toContain('a quota is SIZE/day');
    expect(errors.join('\n')).toContain('an expiry is a date');
    await shotsAtEverySize(page, 'lifecycle-edit-refused', {
      before: () => centre(dialog.getByTestId('peer-expires')),
    });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await file()).not.toContain('# Quota');
  });

  it('the edit form writes quota, expiry and allowed hours beside the name; the config view shows them', async () => {
    const preview = await applyEdit(
      quiet().publicKey,
      { 'peer-quota': '1GiB/month', 'peer-expires': '2027-01-31', 'peer-schedule': 'daily 00:00-24:00' },
      'lifecycle-edit-form',
    );
    expect(preview).toContain('quota: none → 1GiB/month');
    expect(preview).toContain('expires: never → 2027-01-31');
    await expect
      .poll(file, { timeout: 30_000 })
      .toContain(
        '# lab client 1\n# Quota = 1GiB/month\n# Expires = 2027-01-31\n# Schedule = daily 00:00-24:00\n',
      );
    const badge = rowOf(quiet().publicKey).getByTestId('peer-limits-badge');
    await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toBe('Limits');
    expect(await badge.getAttribute('title')).toBe(
      'Quota 1GiB/month\nExpires 2027-01-31\nAllowed daily 00:00-24:00',
    );
  });

  it('the peers table sets one quota and expiry for a selection; none removes a rule', async () => {
    const randoms = server()
      .interfaces[0]!.peers.filter((p) => p.client === null)
      .map((p) => p.publicKey);
    await page.goto(`${app.url}#/server/${server().name}`);
    for (const key of randoms)
      await page.locator(`[data-peer-key="${key}"]`).getByTestId('peer-select').check({ timeout: 30_000 });
    await page.getByTestId('batch-limits').click();
    const dialog = page.getByTestId('batch-limits-dialog');
    await dialog.getByTestId('batch-quota').fill('5GiB/month tx');
    await dialog.getByTestId('batch-expires').fill('2027-03-01T12:00Z');
    await dialog.getByTestId('batch-schedule').fill('none');
    await shotsAtEverySize(page, 'lifecycle-batch-limits');
    await dialog.getByTestId('preview-button').click();
    await page.getByTestId('plan-preview').waitFor();
    expect(await page.getByTestId('plan-preview').locator('.modal-title').textContent()).toBe(
      `Set limits of ${randoms.length} peers on wg0`,
    );
    await page.getByTestId('apply-button').click();
    await page.getByTestId('plan-preview').waitFor({ state: 'detached', timeout: 30_000 });
    const text = await file();
    for (const key of randoms) {
      const block = text.slice(text.lastIndexOf('[Peer]', text.indexOf(key)), text.indexOf(key));
      expect(block).toContain('# Quota = 5GiB/month tx\n# Expires = 2027-03-01T12:00Z\n');
    }
  });

  it('the peers table shows the quota bar and a near expiry; the drawer the limits and when the quota resets', async () => {
    // Two days ahead, to the minute: the hint says a day and some hours are left.
    const expires = `${new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 16)}Z`;
    await openConfig();
    await applyEdit(heavy().publicKey, { 'peer-quota': '300KiB/day', 'peer-expires': expires });
    await expect.poll(file, { timeout: 30_000 }).toContain(`# Quota = 300KiB/day\n# Expires = ${expires}\n`);
    // 20 pings of 1400 bytes each way: about a fifth of the quota.
    await lab.clientExec(0, `ping -q -s 1400 -i 0.05 -c 20 -W 1 ${serverAddress()}`);
    await page.goto(`${app.url}#/server/${server().name}`);
    const row = page.locator(`[data-peer-key="${heavy().publicKey}"]`);
    const bar = row.getByTestId('quota-bar');
    await expect
      .poll(async () => Number((await bar.count()) > 0 ? await bar.getAttribute('aria-valuenow') : -1), {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(5);
    expect(await bar.getAttribute('aria-label')).toMatch(
      /^Quota: [\d.]+ KiB of 300 KiB received \+ sent today \(UTC day\) \(\d+%\), resets .+ \(in .+\)$/,
    );
    expect(await row.getByTestId('expiry-hint').textContent()).toMatch(/^1 d left$/);
    // A peer with no rules has neither.
    const quietRow = page.locator(`[data-peer-key="${quiet().publicKey}"]`);
    expect(await quietRow.getByTestId('expiry-hint').count()).toBe(0);
    await shotsAtEverySize(page, 'lifecycle-peers-table');

    await row.getByTestId('peer-row-name').click();
    const limits = page.getByTestId('peer-drawer').getByTestId('peer-limits');
    await limits.waitFor();
    expect(await limits.getByTestId('limits-quota').textContent()).toMatch(
      /^300KiB\/day[\d.]+ KiB of 300 KiB \(\d+%\) received \+ sent, today \(UTC day\)resets .+ \(in \d+ (h|min)/,
    );
    expect(await limits.getByTestId('limits-expires').textContent()).toContain(expires);
    expect(await limits.getByTestId('limits-expires').textContent()).toMatch(/\(in 1 d \d+ h\)/);
    await shotsAtEverySize(page, 'lifecycle-drawer');
  });

  it('a client pushing past a small quota is disabled by the enforcer; the config view says why', async () => {
    await openConfig();
    await applyEdit(heavy().publicKey, { 'peer-quota': '200KiB/day' });
    await expect.poll(file, { timeout: 30_000 }).toContain('# Quota = 200KiB/day');
    const pushing = lab
      .clientExec(0, `ping -q -s 1400 -i 0.05 -c 600 -W 1 ${serverAddress()}`)
      .catch(() => null);
    const row = rowOf(heavy().publicKey);
    await expect
      .poll(
        async () => {
          const badge = row.getByTestId('peer-disabled-badge');
          return (await badge.count()) > 0 ? badge.textContent() : null;
        },
        { timeout: 90_000 },
      )
      .toBe('Off: over quota');
    await pushing;
    expect(await file()).toMatch(/#! # DisabledBy = quota \d{4}-\d{2}-\d{2}/);
    await shotsAtEverySize(page, 'lifecycle-config-view');
    // Gone from the live interface, its drawer still says why, from the file.
    await page.goto(
      `${app.url}#/server/${server().name}/${heavy().interface}/peer/${encodeURIComponent(heavy().publicKey)}`,
    );
    const disabled = page.getByTestId('peer-drawer').getByTestId('limits-disabled');
    await disabled.waitFor({ timeout: 30_000 });
    expect(await disabled.textContent()).toMatch(
      /^Disabled by WG Deck: over quota \(period \d{4}-\d{2}-\d{2}\)$/,
    );
    expect(await page.getByTestId('limits-quota').textContent()).toContain(
      'its usage shows while it is on the interface',
    );
    await shotsAtEverySize(page, 'lifecycle-drawer-disabled');
  });
});
