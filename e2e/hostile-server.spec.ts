// A broken or hostile server, seen in Chromium (issue 9): one floods frames (dropped, counted, and
// said on its page), one puts terminal escapes and direction overrides in wg's error line (shown
// cleaned). In-process ssh2 servers on loopback: no lab needed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasUnsafeText } from '../src/shared/safe-text.ts';
import {
  collectorFrame,
  registerFakeServer,
  startFakeServer,
  type FakeServer,
} from '../test/support/fake-ssh-server.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { SHOTS, shotsAtEverySize } from './support/screenshots.ts';

const ESC = '\u001b';
const HOSTILE = `${ESC}[2J${ESC}]0;pwned\u0007${ESC}[31m\u009b6n\u202e\u2066`;

describe('hostile servers in the UI', () => {
  let flooding: FakeServer;
  let garbling: FakeServer;
  let app: BrowserModeApp | undefined;
  let browser: Browser;
  let page: Page;
  const timers: NodeJS.Timeout[] = [];

  beforeAll(async () => {
    flooding = await startFakeServer({
      onExec: (command, channel) => {
        if (!command.includes('@wgdeck')) return (void channel.exit(1), channel.end());
        // 500 frames back to back with a clock that stands still, then one per second, as asked.
        let flood = collectorFrame(1, { uptime: 1000 });
        for (let i = 0; i < 500; i++) flood += collectorFrame(2 + i, { uptime: 1000 });
        channel.write(flood);
        let seq = 600;
        const timer = setInterval(() => channel.write(collectorFrame(seq, { uptime: 1000 + seq++ })), 1000);
        timers.push(timer);
        channel.on('close', () => clearInterval(timer));
      },
    });
    garbling = await startFakeServer({
      onExec: (command, channel) => {
        if (!command.includes('@wgdeck')) return (void channel.exit(1), channel.end());
        let seq = 1;
        const send = () =>
          channel.write(collectorFrame(seq, { uptime: 1000 + seq++, wgError: `wg says ${HOSTILE} no` }));
        send();
        const timer = setInterval(send, 1000);
        timers.push(timer);
        channel.on('close', () => clearInterval(timer));
      },
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-hostile-ui-'));
    const home = mkdtempSync(join(tmpdir(), 'wgdeck-hostile-home-'));
    await registerFakeServer(dataDir, flooding, { name: 'flooding' });
    await registerFakeServer(dataDir, garbling, { name: 'garbling' });
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    for (const timer of timers) clearInterval(timer);
    await browser?.close();
    await app?.stop();
    await flooding?.close();
    await garbling?.close();
  });

  it('a flooding server: its frames are dropped and counted, and its page says so', async () => {
    await page.goto(`${app!.url}#/server/flooding`);
    const banner = page.getByTestId('dropped-frames');
    await banner.waitFor({ timeout: 30_000 }).catch(async (error: unknown) => {
      await page.screenshot({ path: join(SHOTS, '30-dropped-frames-FAILED.png') });
      throw error;
    });
    const count = Number(/([\d,]+)/.exec((await banner.textContent()) ?? '')?.[1]?.replace(/,/g, ''));
    expect(count).toBeGreaterThanOrEqual(500);
    await shotsAtEverySize(page, '30-dropped-frames');
  });

  it('a server whose wg error line holds escapes and direction overrides: shown cleaned, nothing run', async () => {
    await page.goto(`${app!.url}#/server/garbling`);
    await expect
      .poll(async () => (await page.locator('main').textContent()) ?? '', { timeout: 30_000 })
      .toContain('wg says');
    // Line breaks and tabs between elements are the page's own layout; everything else must be clean.
    const text = ((await page.locator('body').textContent()) ?? '').replace(/[\n\t]/g, ' ');
    expect(text).toContain('no');
    const unsafe = [...text].filter((c) => hasUnsafeText(c)).map((c) => c.codePointAt(0)!.toString(16));
    expect(unsafe).toEqual([]);
    expect(await page.title()).not.toContain('pwned');
    await shotsAtEverySize(page, '31-hostile-wg-error');
  });
});
