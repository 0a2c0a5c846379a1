// Issue 11's import: hosts from ~/.ssh/config resolved as ssh does, in Chromium against browser mode
// and real lab servers — aliases of one host merged, a host WG Deck cannot follow (ProxyCommand) not
// pickable, several hosts added at once (each through the first-contact trust dialog), and the added
// ones marked as such afterwards. Then the event log (issue 12) on the same servers: one going down
// and coming back, filtered by server and type.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from './lab/lab.ts';
import { describeLab } from '../test/lab/support.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { shotsAtEverySize } from './support/screenshots.ts';

const ROOT = join(import.meta.dirname, '..');

describeLab('importing hosts from ~/.ssh/config in Chromium', () => {
  let lab: Lab;
  let app: BrowserModeApp | undefined;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-import-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-import-home-'));

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdimport', servers: 2, interfaces: 1, peers: 2, clients: 0 });
    const [s0, s1] = lab.servers;
    mkdirSync(join(home, '.ssh'), { mode: 0o700 });
    writeFileSync(
      join(home, '.ssh', 'config'),
      [
        'Host edge-one',
        `  HostName ${s0!.host}`,
        '  User root',
        `  IdentityFile ${s0!.rootIdentityFile}`,
        // Two aliases for one machine: offered once.
        'Host edge-two edge-two-alt',
        `  HostName ${s1!.host}`,
        '  User root',
        `  IdentityFile ${s1!.rootIdentityFile}`,
        'Host proxied',
        '  HostName proxied.example.net',
        '  ProxyCommand nc %h %p',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  /** `data-NAME` of every element matching `selector`, in order (e2e has no DOM types: a string). */
  const attrs = (selector: string, name: string): Promise<(string | null)[]> =>
    page.evaluate<(string | null)[]>(
      `[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.getAttribute(${JSON.stringify(name)}))`,
    );
  const row = (alias: string) =>
    page.locator(`[data-testid="ssh-config-candidates"] [data-candidate="${alias}"]`);

  it('offers each host once, resolved; a ProxyCommand host cannot be picked', async () => {
    await page.goto(`${app!.url}#/add`);
    await page.getByTestId('import-ssh-config').click();
    await page.getByTestId('ssh-config-candidates').waitFor();
    const aliases = await attrs('[data-testid="ssh-config-candidates"] [data-candidate]', 'data-candidate');
    expect(aliases).toEqual(['edge-one', 'edge-two', 'proxied']);
    expect(await row('edge-two').getByTestId('import-aliases').textContent()).toContain('edge-two-alt');
    expect(await row('edge-one').textContent()).toContain(`root@${lab.servers[0]!.host}`);
    expect(await row('proxied').getByTestId('import-blocked').textContent()).toBe(
      'Not importable: ProxyCommand',
    );
    expect(await row('proxied').getByTestId('import-select').isDisabled()).toBe(true);
    await shotsAtEverySize(page, 'import-ssh-config');
  });

  it('adds two hosts at once, asking to trust each key; afterwards they are marked as added', async () => {
    await row('edge-one').getByTestId('import-select').check();
    await row('edge-two').getByTestId('import-select').check();
    expect(await page.getByTestId('import-add-selected').textContent()).toBe('Add 2 servers');
    await page.getByTestId('import-add-selected').click();
    for (const server of lab.servers) {
      const dialog = page.getByTestId('trust-dialog');
      await dialog.waitFor();
      expect(await dialog.getByTestId('host-key-fingerprint').textContent()).toBe(server.hostKeyFingerprint);
      await dialog.getByTestId('trust-and-connect').click();
      await expect.poll(() => page.getByTestId('trust-dialog').count()).toBe(0);
    }
    const outcomes = async () => {
      const selector = '[data-testid="import-results"] li';
      const [aliases, outcomes] = await Promise.all([
        attrs(selector, 'data-alias'),
        attrs(selector, 'data-outcome'),
      ]);
      return aliases.map((alias, i) => `${alias}:${outcomes[i]}`);
    };
    await expect.poll(outcomes, { timeout: 60_000 }).toEqual(['edge-one:added', 'edge-two:added']);
    await expect.poll(() => row('edge-one').getAttribute('data-added')).toBe('true');
    expect(await row('edge-two').getByTestId('import-blocked').textContent()).toBe('Already added');
    // In the sidebar, and streaming.
    for (const name of ['edge-one', 'edge-two']) {
      await page.locator(`[data-testid="sidebar-server"][data-server="${name}"]`).waitFor();
    }
    await shotsAtEverySize(page, 'import-ssh-config-added');
  });

  it('the event log shows a server going and coming back, and filters by server and type', async () => {
    // Browser mode records history, so it keeps the log; the servers were added by the test above.
    await lab.killSshd(1);
    try {
      await page.goto(`${app!.url}#/events`);
      await page.getByTestId('events-type').selectOption('server.unreachable');
      const servers = () => attrs('[data-testid="events-table"] tbody tr', 'data-server');
      // The list refreshes itself while open (every 10 s).
      await expect.poll(servers, { timeout: 60_000 }).toEqual(['edge-two']);
    } finally {
      await lab.startSshd(1);
    }
    await page.getByTestId('events-server').selectOption('edge-one');
    await page.getByTestId('events-empty').waitFor();
    expect(page.url()).toMatch(/#\/events\/edge-one$/);
    await page.getByTestId('events-server').selectOption('');
    await page.getByTestId('events-type').selectOption('');
    await expect
      .poll(() => attrs('[data-testid="events-table"] tbody tr', 'data-type'), { timeout: 60_000 })
      .toContain('server.recovered');
    await shotsAtEverySize(page, 'events');
  });

  it("the add-peer dialog of a grouped server shows where placement would put the peer, with each score's parts", async () => {
    const cli = (...args: string[]) =>
      execFileSync(join(ROOT, 'bin', 'wgdeck'), ['--data-dir', dataDir, ...args], {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
        encoding: 'utf8',
      });
    cli('group', 'add', 'edge', '--priority', '1');
    // edge-two is full (its 2 peers of 2): edge-one is the place, whatever the CPU noise (with no
    // active peers both bases are 0, and CI load alone could tip the penalties).
    cli('server', 'edit', 'edge-one', '--group', 'edge', '--max-peers', '1000');
    cli('server', 'edit', 'edge-two', '--group', 'edge', '--max-peers', '2', '--weight', '0.5');
    await page.goto(`${app!.url}#/server/edge-two/wg0`);
    await page.getByTestId('manage-wg0').click();
    await page.getByTestId('add-peer').click();
    const note = page.getByTestId('placement-note');
    await note.waitFor({ timeout: 30_000 });
    expect(await note.getAttribute('data-chosen')).toBe('edge-one');
    expect(await note.textContent()).toMatch(
      /would choose edge-one \(score [\d.]+ = base [\d.]+ \+ CPU [\d.]+ \+ memory [\d.]+\)/,
    );
    await note.locator('summary').click();
    expect(await attrs('[data-testid="placement-table"] tbody tr', 'data-server')).toEqual([
      'edge-one',
      'edge-two',
    ]);
    // The fleet's own readings: a running session has its CPU figure (grouping did not reconnect it).
    expect(
      await page
        .locator(
          '[data-testid="placement-table"] tbody tr[data-server="edge-one"] [data-testid="placement-cpu"]',
        )
        .textContent(),
    ).toMatch(/^\d+ %$/);
    await shotsAtEverySize(page, 'add-peer-placement');
    await page.keyboard.press('Escape');
  });
});
