// Issue 11, in Debian Chromium against browser mode and two real lab servers of 300 peers each:
// the palette and the peers table find an exact address first, the same on every poll, and a CIDR
// finds the peers inside it; a server whose SSH is cut stops counting as live (its card says when it
// was last seen, its rates are unknown, the overview names it and the fleet rate leaves it out).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab, type LabPeer } from './lab/lab.ts';
import { registerLab } from './lab/register.ts';
import { describeLab } from '../test/lab/support.ts';
import { startBrowserMode, type BrowserModeApp } from './support/browser-mode.ts';
import { launchChromium } from './support/chromium.ts';
import { shotsAtEverySize } from './support/screenshots.ts';

const INTERVAL = 2;
const PEERS = 300;

/** The lab's IPv4 tunnel address of a peer, without its /32. */
const v4 = (peer: LabPeer): string => peer.allowedIps[0]!.replace(/\/32$/, '');
const lastOctet = (peer: LabPeer): number => Number(v4(peer).split('.')[3]);

describeLab('peer search and down servers in Chromium against real servers', () => {
  let lab: Lab;
  let app: BrowserModeApp;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-search-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-search-home-'));

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdsearch', servers: 2, interfaces: 1, peers: PEERS, clients: 1 });
    await registerLab(lab, dataDir);
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ intervalSeconds: INTERVAL }));
    app = await startBrowserMode(dataDir, home);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await lab?.stop();
  });

  /** Moves within the app (no reload: the live state stays as it is). */
  const go = async (hash: string): Promise<void> => {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  };
  /** Scrolls the element to the top of the page (screenshots of what is below the fold). */
  const scrollToTop = async (selector: string): Promise<void> => {
    await page.evaluate(
      `document.querySelector(${JSON.stringify(selector)}).scrollIntoView({ block: 'start' })`,
    );
  };
  const palette = () => page.locator('[data-testid="command-palette"][open]');
  const options = () => palette().locator('[role="option"]');
  const openPalette = async (query: string): Promise<void> => {
    await page.keyboard.press('Escape');
    await page
      .locator('#main')
      .focus()
      .catch(() => undefined);
    await page.keyboard.press('Control+k');
    await palette().waitFor();
    await page.keyboard.type(query);
  };

  it('both lab servers stream', async () => {
    await page.goto(app.url);
    for (const server of lab.servers) {
      await expect
        .poll(
          () =>
            page
              .locator(
                `[data-testid="sidebar-server"][data-server="${server.name}"] [data-testid="connection-status"]`,
              )
              .getAttribute('data-state'),
          { timeout: 30_000 },
        )
        .toBe('connected');
    }
  });

  it('the palette puts the exact address first, on every poll, and Enter opens that peer', async () => {
    const wg0 = lab.servers[0]!.interfaces[0]!;
    // Host .15: ten other peers (.150–.159) start with the same text.
    const target = wg0.peers.find(
      (p) => lastOctet(p) === 15 && v4(p).split('.')[2] === v4(wg0.peers[0]!).split('.')[2],
    )!;
    await openPalette(v4(target));
    const first = options().first();
    await expect.poll(() => first.getAttribute('data-peer-key'), { timeout: 10_000 }).toBe(target.publicKey);
    expect(await options().count()).toBe(11);
    // Several polls later (new live state every INTERVAL s), still first, still highlighted.
    for (let i = 0; i < 4; i += 1) {
      await new Promise((r) => setTimeout(r, (INTERVAL * 1000) / 2));
      expect(await first.getAttribute('data-peer-key')).toBe(target.publicKey);
      expect(await first.getAttribute('aria-selected')).toBe('true');
    }
    await shotsAtEverySize(page, 'palette-exact-address');
    await page.keyboard.press('Enter');
    await page.getByTestId('peer-drawer').waitFor();
    expect(await page.getByTestId('drawer-public-key').textContent()).toBe(target.publicKey);
    expect(decodeURIComponent(new URL(page.url()).hash)).toContain(target.publicKey);
  });

  it('Enter right after typing opens the typed address, not a result of a shorter query', async () => {
    const target = lab.servers[1]!.interfaces[0]!.peers.find((p) => lastOctet(p) === 17)!;
    await openPalette(v4(target));
    await page.keyboard.press('Enter');
    await page.getByTestId('peer-drawer').waitFor();
    await expect.poll(() => page.getByTestId('drawer-public-key').textContent()).toBe(target.publicKey);
  });

  it('a CIDR in the palette finds the peers inside it, IPv4 and IPv6', async () => {
    const wg0 = lab.servers[0]!.interfaces[0]!;
    const third = v4(wg0.peers[0]!).split('.').slice(0, 3).join('.');
    // Hosts .0–.15 of server 0's tunnel subnet: .1 is the server, peers start at .2.
    const inside = wg0.peers.filter((p) => v4(p).startsWith(`${third}.`) && lastOctet(p) <= 15);
    expect(inside).toHaveLength(14);
    const keys = async () =>
      (await Promise.all((await options().all()).map((o) => o.getAttribute('data-peer-key')))).sort();
    await openPalette(`${third}.0/28`);
    await expect.poll(keys, { timeout: 10_000 }).toEqual(inside.map((p) => p.publicKey).sort());
    await shotsAtEverySize(page, 'palette-cidr');

    // The same hosts in the interface's IPv6 subnet (its Address line: 'PREFIX::1/64').
    const v6Prefix = wg0.addressV6.replace(/::1\/64$/, '::/124');
    await openPalette(v6Prefix);
    await expect.poll(keys, { timeout: 10_000 }).toEqual(inside.map((p) => p.publicKey).sort());
    await page.keyboard.press('Escape');
  });

  it('the peers table filter ranks the same way and finds a CIDR', async () => {
    const server = lab.servers[0]!;
    const wg0 = server.interfaces[0]!;
    const target = wg0.peers.find((p) => lastOctet(p) === 15)!;
    await go(`#/server/${server.name}`);
    const rows = page.locator('[data-testid="peers-table"] [data-peer-key]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const search = page.getByTestId('peer-search');
    await search.fill(v4(target));
    await expect.poll(() => page.getByTestId('peers-shown').textContent()).toBe(`11 of ${PEERS} peers`);
    const firstRow = page.locator('[data-testid="peers-table"] [data-row-index="0"]');
    for (let i = 0; i < 3; i += 1) {
      expect(await firstRow.getAttribute('data-peer-key')).toBe(target.publicKey);
      await new Promise((r) => setTimeout(r, INTERVAL * 1000));
    }
    expect(await firstRow.getAttribute('data-match')).toBe('exact');
    expect(await page.locator('[data-testid="peers-table"] [data-match="exact"]').count()).toBe(1);
    await shotsAtEverySize(page, 'peers-table-exact-address', {
      before: () => scrollToTop('[data-testid="peer-search"]'),
    });
    const third = v4(target).split('.').slice(0, 3).join('.');
    await search.fill(`${third}.0/28`);
    await expect.poll(() => page.getByTestId('peers-shown').textContent()).toBe(`14 of ${PEERS} peers`);
    await search.fill('');
  });

  const attr = async (selector: string, name = 'data-value'): Promise<string | null> => {
    const el = page.locator(selector).first();
    return (await el.count()) === 0 ? null : await el.getAttribute(name);
  };
  const text = async (selector: string): Promise<string | null> => {
    const el = page.locator(selector).first();
    return (await el.count()) === 0 ? null : await el.textContent();
  };
  const rate = (raw: string | null): number | null => (raw === null || raw === '' ? null : Number(raw));
  const card = (name: string) => `[data-testid="server-card"][data-server="${name}"]`;
  const cardOf = async (name: string) => ({
    rx: rate(await attr(`${card(name)} [data-testid="server-rx-rate"]`)),
    rxText: await text(`${card(name)} [data-testid="server-rx-rate"]`),
    cpu: await text(`${card(name)} [data-testid="server-cpu"]`),
    peers: await text(`${card(name)} [data-testid="server-peers"]`),
    lastSeen: await text(`${card(name)} [data-testid="server-last-seen"]`),
    state: await attr(`${card(name)} [data-testid="connection-status"]`, 'data-state'),
  });
  /** The overview's figures (read one after another: compare them inside expect.poll). */
  const overview = async () => ({
    fleetRx: rate(await attr('[data-testid="fleet-rx"]')),
    servers: await text('[data-testid="fleet-servers"] .stat-value'),
    fleetPeers: await text('[data-testid="fleet-peers"] .stat-value'),
    down: await text('[data-testid="fleet-down"]'),
    s0: await cardOf('lab-s0'),
    s1: await cardOf('lab-s1'),
  });

  it('a server whose SSH is cut: last seen, no rate, named as down, left out of the fleet rate', async () => {
    await go('#/');
    await page.getByTestId('server-card').first().waitFor();
    // Both up: the fleet rate is the sum of both cards.
    await expect
      .poll(
        async () => {
          const o = await overview();
          return o.s0.rx !== null && o.s1.rx !== null && o.s1.rx > 0 && o.fleetRx === o.s0.rx + o.s1.rx;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    expect((await overview()).down).toBeNull();
    await shotsAtEverySize(page, 'overview-all-up');

    await lab.killSshd(1);
    await expect.poll(async () => (await overview()).s1.state, { timeout: 20_000 }).not.toBe('connected');
    // A second later, "last seen" has ticked: it is a relative time, not a frozen value.
    await expect
      .poll(async () => (await overview()).s1.lastSeen, { timeout: 10_000 })
      .toMatch(/^last seen [1-9]\d* s ago$/);
    // The fleet rate is server 0's alone (read until no poll landed between the two reads).
    await expect
      .poll(async () => {
        const o = await overview();
        return o.fleetRx !== null && o.fleetRx === o.s0.rx;
      })
      .toBe(true);
    const o = await overview();
    expect(o.s1).toMatchObject({ rx: null, rxText: '—', cpu: '—' });
    expect(o.s1.peers).toBe(`— / ${PEERS}`);
    expect(o.down).toContain('1 of 2 servers down: lab-s1');
    expect(o.servers).toBe('1 / 2');
    expect(o.fleetPeers).toMatch(new RegExp(`^\\d+ / ${PEERS}$`));
    expect(o.s0.lastSeen).toBeNull();
    // The sidebar shows no peer count for it either.
    const entry = page.locator('[data-testid="sidebar-server"][data-server="lab-s1"]');
    expect(await entry.locator('.nav-count').count()).toBe(0);
    await shotsAtEverySize(page, 'overview-server-down');
    await shotsAtEverySize(page, 'overview-server-down-cards', {
      before: () => scrollToTop('#servers-heading-0'),
    });

    await go('#/server/lab-s1');
    await page.getByTestId('server-page-last-seen').waitFor();
    expect(await page.getByTestId('system-cpu').textContent()).toMatch(/^—/);
    expect(await page.getByTestId('interface-rx-rate').first().getAttribute('data-value')).toBe('');
    expect(await page.getByTestId('interface-peers-online').first().textContent()).toBe('—');
    await page.getByTestId('metrics-wg0').first().click();
    expect(
      await page.locator('[data-testid="health-panel"] [data-counter="rxBytes"]').getAttribute('data-rate'),
    ).toBe('');
    await shotsAtEverySize(page, 'server-page-down');

    // Back up: it streams and counts again.
    await lab.startSshd(1);
    await go('#/');
    await expect
      .poll(
        async () => {
          const now = await overview();
          return (
            now.down === null && now.s1.lastSeen === null && now.s1.rx !== null && now.servers === '2 / 2'
          );
        },
        { timeout: 90_000, interval: 500 },
      )
      .toBe(true);
  });
});
