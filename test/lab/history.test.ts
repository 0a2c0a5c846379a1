import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from '../../e2e/lab/lab.ts';
import { registerLab } from '../../e2e/lab/register.ts';
import { Engine } from '../../src/main/core/engine.ts';
import { describeLab } from './support.ts';

const INTERVAL = 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function peerRx(lab: Lab, key: string): Promise<number> {
  const out = await lab.exec(0, 'wg show wg0 dump');
  const line = out.stdout.split('\n').find((l) => l.split('\t')[0] === key);
  return Number(line?.split('\t')[5] ?? Number.NaN);
}

function engineOn(dataDir: string): Engine {
  return new Engine({ dataDir, userKnownHostsPath: null, recordHistory: true });
}

describeLab('history recorded from a real server', () => {
  let lab: Lab;
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-history-'));

  beforeAll(async () => {
    lab = await startLab({ name: 'wgdhist', servers: 1, interfaces: 1, peers: 3, clients: 1 });
    await registerLab(lab, dataDir);
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('keeps continuous, correct usage across an engine restart and a WireGuard restart', async () => {
    const client = lab.clients[0]!;
    const server = lab.servers[0]!.name;
    const started = Date.now();

    let engine = engineOn(dataDir);
    await engine.handlers['settings:update']({ intervalSeconds: INTERVAL });
    const atStart = await peerRx(lab, client.publicKey);
    await engine.start();
    await sleep(6000);
    engine.stop(); // the app quits: a gap

    const stoppedAt = Date.now();
    await sleep(4000);
    engine = engineOn(dataDir);
    await engine.start();
    await sleep(4000);
    const beforeReset = await peerRx(lab, client.publicKey);
    await lab.restartWireGuard(0); // counters drop to zero
    const restartedAt = Date.now();
    // The restarted server has no session: the pinging client re-handshakes after WireGuard's rekey
    // timeout (up to ~15 s); then traffic is counted again from zero.
    for (let i = 0; i < 60 && (await peerRx(lab, client.publicKey)) < 2000; i++) await sleep(500);
    await sleep(4000);
    const afterReset = await peerRx(lab, client.publicKey);
    expect(afterReset).toBeLessThan(beforeReset); // the server really reset the counter

    try {
      const range = {
        server,
        iface: 'wg0',
        peer: client.publicKey,
        from: started - 1000,
        to: Date.now() + 1000,
      };
      const series = await engine.handlers['history:peer']({ ...range, points: 2000 });
      const rates = series.rxRate.filter((r): r is number => r !== null);
      expect(rates.length).toBeGreaterThan(5);
      expect(Math.min(...rates)).toBeGreaterThanOrEqual(0); // never negative
      const typical = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!;
      expect(Math.max(...rates)).toBeLessThan(typical * 20); // no giant spike at the reset
      // The app was not running: a gap there, never a line across it.
      expect(
        series.gaps.some(([from, to]) => from <= stoppedAt + INTERVAL * 1000 && to >= stoppedAt + 3000),
      ).toBe(true);
      // Data on both sides of the WireGuard restart.
      expect(series.t.some((t, i) => t > restartedAt && (series.rxRate[i] ?? 0) > 0)).toBe(true);

      // Cumulative usage goes on across the reset instead of starting over.
      const usage = await engine.handlers['history:usage']({
        server,
        iface: 'wg0',
        peer: client.publicKey,
        by: 'day',
        from: range.from,
        to: range.to,
      });
      const total = usage.reduce((sum, day) => sum + day.rxBytes, 0);
      // Everything transferred while recorded: before the reset (minus what predates recording) plus
      // after it. Lost pre-reset bytes or a double count both break these bounds; the slack covers the
      // bytes between our readings and the samples, and the untracked seconds while the app was down.
      const expected = beforeReset - atStart + afterReset;
      expect(total).toBeGreaterThan(0.6 * expected);
      expect(total).toBeLessThanOrEqual(expected + 0.1 * expected);

      // Interface counters and server metrics were kept too.
      const iface = await engine.handlers['history:interface']({
        server,
        iface: 'wg0',
        counters: ['rxBytes', 'rxErrors'],
        from: range.from,
        to: range.to,
        points: 200,
      });
      expect(iface.counters.rxBytes?.rate.some((r) => r !== null && r > 0)).toBe(true);
      const metrics = await engine.handlers['history:server']({
        server,
        metrics: ['cpu', 'mem'],
        from: range.from,
        to: range.to,
        points: 200,
      });
      expect(metrics.memUsed?.avg.some((v) => v !== null && v > 0)).toBe(true);
    } finally {
      engine.stop();
    }

    // Offline: every server unreachable, the past still answers.
    await lab.killSshd(0);
    const offline = engineOn(dataDir);
    await offline.start();
    try {
      const series = await offline.handlers['history:peer']({
        server,
        iface: 'wg0',
        peer: client.publicKey,
        from: started - 1000,
        to: Date.now(),
        points: 500,
      });
      expect(series.rxRate.some((r) => r !== null && r > 0)).toBe(true);
    } finally {
      offline.stop();
      await lab.startSshd(0);
    }
  });
});
