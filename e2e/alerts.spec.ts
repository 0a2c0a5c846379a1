// Issue 12's alerts in Chromium against browser mode and a real lab server: a rule added in the UI,
// the webhook tested against a real HTTP server on 127.0.0.1, and a server whose sshd is killed
// firing its alert — shown in the firing list and as one desktop notification (the permission granted
// in the Playwright context; window.Notification wrapped to record what is shown, the real API still
// runs) — then resolving when sshd is back.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab } from '../test/lab/support.ts';
import { startLab, type Lab } from './lab/lab.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { shotsAtEverySize } from './support/screenshots.ts';

const ROOT = join(import.meta.dirname, '..');

/** Records each notification constructed (before the real constructor runs, which may refuse). */
const RECORD_NOTIFICATIONS = `
  window.__notices = [];
  const Real = window.Notification;
  if (Real) {
    class Recorded extends Real {
      constructor(title, options) {
        window.__notices.push({ title, body: options && options.body });
        super(title, options);
      }
    }
    window.Notification = Recorded;
  }
`;

interface Notice {
  title: string;
  body: string;
}

describeLab('alerts and notifications in Chromium', () => {
  let lab: Lab;
  let app: BrowserModeApp | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let hook: Server;
  let hookUrl: string;
  const posts: unknown[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-alerts-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-alerts-home-'));
  const cli = (...args: string[]) =>
    execFileSync(join(ROOT, 'bin', 'wgdeck'), ['--data-dir', dataDir, ...args], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdalui', servers: 1, interfaces: 1, peers: 2, clients: 0 });
    const s0 = lab.servers[0]!;
    cli(
      'server',
      'add',
      'edge',
      '--host',
      s0.host,
      '--user',
      'root',
      '--identity',
      s0.rootIdentityFile,
      '--accept-new',
    );
    cli('alert', 'add', 'server-unreachable', '--server', 'edge', '--minutes', '0');
    hook = createServer((request, response) => {
      let text = '';
      request.on('data', (c: Buffer) => (text += c.toString()));
      request.on('end', () => {
        posts.push(JSON.parse(text));
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/wg-deck`;
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      permissions: ['notifications'],
      // The grant is for the page's origin (browser mode's loopback URL).
    });
    await context.grantPermissions(['notifications'], { origin: app.origin });
    await context.addInitScript(RECORD_NOTIFICATIONS);
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
    hook?.closeAllConnections();
    await new Promise((resolve) => hook?.close(resolve));
    await lab?.stop();
  });

  const notices = (): Promise<Notice[]> => page.evaluate<Notice[]>('window.__notices');

  it('lists the rule, adds one in the form, and tests the webhook against a real server', async () => {
    await page.goto(`${app!.url}#/alerts`);
    await page.getByTestId('notifications-on').waitFor();
    await expect.poll(() => page.getByTestId('alert-rule').count()).toBe(1);
    expect(await page.getByTestId('alert-rule').getAttribute('data-kind')).toBe('server-unreachable');
    await page.getByTestId('alerts-none-firing').waitFor();

    await page.getByTestId('alert-kind').selectOption('interface-problems');
    await page.getByTestId('alert-add-threshold').fill('abc');
    await page.getByTestId('alert-add-submit').click();
    expect(await page.getByTestId('alert-add-error').textContent()).toBe('Above: enter a number.');
    await page.getByTestId('alert-server').selectOption('edge');
    await page.getByTestId('alert-add-threshold').fill('500');
    await page.getByTestId('alert-add-submit').click();
    await expect.poll(() => page.getByTestId('alert-rule').count()).toBe(2);
    expect(JSON.parse(cli('alert', 'list', '--json'))).toMatchObject({
      rules: [{ kind: 'server-unreachable' }, { kind: 'interface-problems', server: 'edge', perMinute: 500 }],
    });

    await page.getByTestId('webhook-url').fill('ftp://hooks.example.net/');
    await page.getByTestId('webhook-save').click();
    await page.getByTestId('webhook-error').waitFor();
    await page.getByTestId('webhook-url').fill(hookUrl);
    await page.getByTestId('webhook-save').click();
    await expect.poll(() => page.getByTestId('webhook-save').isDisabled()).toBe(true);
    await page.getByTestId('webhook-test').click();
    expect(await page.getByTestId('webhook-result').textContent()).toBe('Delivered (HTTP 200)');
    expect(posts).toEqual([expect.objectContaining({ source: 'wg-deck', event: 'test' })]);
    await shotsAtEverySize(page, 'alerts');
  });

  it('a server going down fires its alert once, as one notification, and it resolves when back', async () => {
    expect(await notices()).toEqual([]);
    await lab.killSshd(0);
    try {
      await page.getByTestId('alerts-firing').waitFor({ timeout: 60_000 });
      await expect
        .poll(notices, { timeout: 10_000 })
        .toEqual([{ title: 'WG Deck: Server unreachable', body: 'edge unreachable' }]);
      expect(await page.getByTestId('alerts-firing').textContent()).toContain('edge unreachable');
      await shotsAtEverySize(page, 'alerts-firing');
      // Snoozing the rule keeps it listed, marked.
      await page.locator('[data-kind="server-unreachable"] [data-testid="alert-snooze-hour"]').click();
      await expect.poll(() => page.getByTestId('alerts-firing').textContent()).toContain('(snoozed)');
    } finally {
      await lab.startSshd(0);
    }
    await page.getByTestId('alerts-none-firing').waitFor({ timeout: 90_000 });
    expect(await notices()).toHaveLength(1);
    // The webhook got the test; the alert's fired and resolved were snoozed-free only until the snooze.
    expect(posts.map((p) => (p as { event: string }).event)).toEqual(['test', 'alert.fired']);
  }, 180_000);
});
