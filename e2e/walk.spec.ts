// Issue 11: every screen of the app, walked the way a user does, in Debian Chromium against browser
// mode and a real lab server (two interfaces, 120 peers), at 1440×900 and 1024×700, light and dark.
// Each screen is kept as screenshots (test-results/screenshots/walk-*.png, looked at by a person) and
// checked at both sizes for what a person would notice first: nothing wider than the window, no
// button or link cut off at the right edge, no console error.
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

const SIZES = [
  [1440, 900],
  [1024, 700],
] as const;

/** What is wrong with the layout as it is shown now: controls cut off or content wider than the window. */
const LAYOUT_PROBLEMS = `(() => {
  const problems = [];
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width + 1)
    problems.push('page is ' + document.documentElement.scrollWidth + ' px wide in ' + width);
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  // A control is cut off when it reaches past the window, or past a scroll box that clips it.
  // Behind a modal dialog the page is inert: only the dialog's own controls count.
  const root = document.querySelector('dialog[open]:modal') || document;
  for (const el of root.querySelectorAll('button, a[href], input, select, [role="button"]')) {
    if (!visible(el) || el.closest('[aria-hidden="true"], .skip-link')) continue;
    const box = el.getBoundingClientRect();
    const name = (el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.textContent || el.tagName).trim().slice(0, 40);
    if (box.right > width + 1 || box.left < -1) problems.push(name + ' is off-screen (' + Math.round(box.left) + '..' + Math.round(box.right) + ')');
    for (let p = el.parentElement; p; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow !== 'auto' && overflow !== 'scroll' && overflow !== 'hidden') continue;
      const clip = p.getBoundingClientRect();
      if (box.right > clip.right + 1 && p.scrollWidth > p.clientWidth + 1)
        problems.push(name + ' is cut off by a scroll box (' + Math.round(box.right) + ' > ' + Math.round(clip.right) + ')');
      break;
    }
  }
  // A dialog's main action is in view without scrolling the dialog (a sticky footer, not below the fold).
  if (root !== document)
    for (const el of root.querySelectorAll('.button-primary')) {
      if (!visible(el)) continue;
      const box = el.getBoundingClientRect();
      const name = (el.getAttribute('data-testid') || el.textContent || '').trim().slice(0, 40);
      if (box.bottom > window.innerHeight + 1 || box.top < -1)
        problems.push(name + ' is below the fold (' + Math.round(box.top) + ' of ' + window.innerHeight + ')');
    }
  return [...new Set(problems)];
})()`;

describeLab('every screen, at both sizes, light and dark, against a real server', () => {
  let lab: Lab;
  let app: BrowserModeApp;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-walk-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-walk-home-'));

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdwalk', servers: 1, interfaces: 2, peers: 120, clients: 1 });
    await registerLab(lab, dataDir);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ intervalSeconds: 2 }));
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(String(error)));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  const go = async (hash: string): Promise<void> => {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  };

  /** Shots of the screen at every size and scheme; the layout problems found at each size. */
  const walk = async (name: string, before?: () => Promise<void>): Promise<Record<string, string[]>> => {
    await shotsAtEverySize(page, `walk-${name}`, { before });
    const found: Record<string, string[]> = {};
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await before?.();
      const problems = await page.evaluate<string[]>(LAYOUT_PROBLEMS);
      if (problems.length > 0) found[`${width}×${height}`] = problems;
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    return found;
  };

  it('the overview, once the server streams', async () => {
    await page.goto(app.url);
    await expect
      .poll(
        () =>
          page
            .locator('[data-testid="sidebar-server"][data-server="lab-s0"] [data-testid="connection-status"]')
            .getAttribute('data-state'),
        { timeout: 30_000 },
      )
      .toBe('connected');
    expect(await walk('01-overview')).toEqual({});
  });

  it('a server page', async () => {
    await go('#/server/lab-s0');
    await page.getByTestId('peers-table').first().waitFor();
    expect(await walk('02-server-page')).toEqual({});
  });

  it('a peer drawer', async () => {
    await page.locator('.peer-open').first().click();
    await page.getByTestId('peer-drawer').waitFor();
    expect(await walk('03-peer-drawer')).toEqual({});
    await page.keyboard.press('Escape');
  });

  it("an interface's config view", async () => {
    await go('#/server/lab-s0');
    await page.getByTestId('manage-wg0').click();
    await page.getByTestId('config-view').waitFor();
    await expect.poll(() => page.getByTestId('config-peer').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await walk('04-config-view')).toEqual({});
  });

  it('the add-peer dialog, and its preview', async () => {
    await page.getByTestId('add-peer').click();
    await page.getByTestId('add-peer-dialog').waitFor();
    expect(await walk('05-add-peer')).toEqual({});
    await page.getByTestId('peer-name').fill('walk phone');
    await page.getByTestId('preview-button').click();
    await page.getByTestId('plan-preview').waitFor();
    expect(await walk('06-plan-preview')).toEqual({});
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
  });

  it('the command palette', async () => {
    await go('#/');
    await page.locator('#main').focus();
    await page.keyboard.press('Control+k');
    await page.locator('[data-testid="command-palette"][open]').waitFor();
    await page.keyboard.type('198.18');
    expect(await walk('07-palette')).toEqual({});
    await page.keyboard.press('Escape');
  });

  it('add a server, and the ~/.ssh/config import', async () => {
    await go('#/add');
    await page.getByTestId('add-server-form').waitFor();
    expect(await walk('08-add-server')).toEqual({});
  });

  it('settings', async () => {
    await go('#/settings');
    await page.getByTestId('save-settings').waitFor();
    expect(await walk('09-settings')).toEqual({});
  });

  it('settings: the Export section, filled in (not saved)', async () => {
    const section = page.getByTestId('export-settings');
    await page.getByTestId('export-listen').fill('127.0.0.1:9586');
    await page.getByTestId('export-vm-url').fill('http://127.0.0.1:8428');
    await page.getByTestId('export-vm-auth-basic').check();
    await page.getByTestId('export-vm-username').fill('wgdeck');
    await page.getByTestId('export-status-push').filter({ hasText: /\S/ }).waitFor();
    expect(await walk('09-settings-export', () => section.scrollIntoViewIfNeeded())).toEqual({});
  });

  it('the event log', async () => {
    await go('#/events');
    await page.locator('[data-testid="events-table"], [data-testid="events-empty"]').first().waitFor();
    expect(await walk('10-events')).toEqual({});
  });

  it('no console error on the whole walk', () => {
    expect(consoleErrors).toEqual([]);
  });
});
