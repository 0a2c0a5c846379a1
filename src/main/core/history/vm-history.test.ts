import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_VICTORIA_METRICS } from '../../../shared/exporter-settings.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings.ts';
import { startVictoria, type Victoria } from '../../../../test/support/victoria.ts';
import { HistoryStore } from './history-store.ts';
import { makeSnapshot } from './simulate.ts';
import { VmChartReader } from './vm-history.ts';

/**
 * The chart merge against a real victoria-metrics on loopback: the laptop recorded 0–10 and 20–30
 * minutes of a half hour (closed in between), VictoriaMetrics has all of it (pushed by a collector
 * that kept running) at different rates, so each bucket shows which source it came from.
 */

const SERVER = 'edge-1';
const PEER = 'k'.repeat(43) + '=';
const POLL_S = 5;
const MIN = 60_000;
/** Local rates (bytes/s) and VM's: different, so a value says where it came from. */
const LOCAL_RX = 1000;
const VM_RX = 2000;

let vm: Victoria;
let store: HistoryStore;
let dir: string;
let t0: number;

function settings(url: string | null, extra: Partial<Settings['victoriaMetrics']> = {}): Settings {
  return { ...DEFAULT_SETTINGS, victoriaMetrics: { ...DEFAULT_VICTORIA_METRICS, url, ...extra } };
}

function reader(s: Settings, secret?: string): VmChartReader {
  return new VmChartReader({ settings: () => Promise.resolve(s), secret: () => Promise.resolve(secret) });
}

/** VM's samples: every 5 s for the whole half hour; the peer's counter resets at 15 min. */
function vmLines(): string {
  const lines: string[] = [];
  for (let k = 0; k <= 360; k++) {
    const at = t0 + k * POLL_S * 1000;
    const s = k * POLL_S;
    const rx = s < 900 ? VM_RX * s : VM_RX * (s - 900) + 7;
    const peer = `server="${SERVER}",interface="wg0",public_key="${PEER}",device="wg0"`;
    const iface = `server="${SERVER}",interface="wg0"`;
    lines.push(
      `wireguard_peer_receive_bytes_total{${peer}} ${rx} ${at}`,
      `wireguard_peer_transmit_bytes_total{${peer}} ${(VM_RX / 2) * s} ${at}`,
      `wireguard_interface_receive_bytes_total{${iface}} ${VM_RX * s} ${at}`,
      `wireguard_interface_transmit_bytes_total{${iface}} ${VM_RX * s} ${at}`,
      `wgdeck_server_cpu_usage_ratio{server="${SERVER}"} 0.25 ${at}`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The laptop's own record: polls at 0–10 min and 20–30 min, 10 % CPU. */
function recordLocal(): void {
  const poll = (k: number) => {
    const s = k * POLL_S;
    store.record(
      SERVER,
      makeSnapshot({
        monotonic: 1000 + s,
        peers: [{ key: PEER, rx: LOCAL_RX * s, tx: (LOCAL_RX / 2) * s }],
        wg0: { rxBytes: LOCAL_RX * s, txBytes: LOCAL_RX * s },
        cpu: { total: 100 * k, idle: 90 * k },
      }),
      t0 + s * 1000,
      POLL_S,
    );
  };
  for (let k = 0; k < 120; k++) poll(k);
  store.markStopped(SERVER);
  for (let k = 240; k < 360; k++) poll(k);
}

beforeAll(async () => {
  vm = await startVictoria();
  dir = mkdtempSync(join(tmpdir(), 'wgdeck-vmread-'));
  store = HistoryStore.open(join(dir, 'history.db'));
  // Near now (VictoriaMetrics refuses samples far from it), whole minutes so buckets line up.
  t0 = Math.floor((Date.now() - 32 * MIN) / MIN) * MIN;
  recordLocal();
  const response = await fetch(`${vm.url}/api/v1/import/prometheus`, { method: 'POST', body: vmLines() });
  expect(response.status).toBe(204);
  await vm.flush();
}, 60_000);

afterAll(async () => {
  store?.close();
  await vm?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const range = () => ({ from: t0, to: t0 + 30 * MIN, points: 30 });
const at = (t: number[], minute: number) => t.indexOf(t0 + minute * MIN);

describe('charts merged with VictoriaMetrics', () => {
  it('fills the span local lacks from VM, keeps local where it has data, and says which is which', async () => {
    const q = { server: SERVER, iface: 'wg0', peer: PEER, ...range() };
    const local = store.peerSeries(q);
    expect(local.step).toBe(MIN);
    expect(local.rxRate[at(local.t, 12)]).toBeNull();
    const merged = await reader(settings(vm.url)).peer(q, local);
    expect(merged.victoriaMetrics).toEqual({ error: null });
    expect(merged.sources).toEqual([
      { from: t0, to: t0 + 10 * MIN, source: 'local' },
      { from: t0 + 10 * MIN, to: t0 + 20 * MIN, source: 'victoria-metrics' },
      { from: t0 + 20 * MIN, to: t0 + 30 * MIN, source: 'local' },
    ]);
    // Local wins where both have data.
    expect(merged.rxRate[at(merged.t, 5)]).toBeCloseTo(LOCAL_RX, 0);
    expect(merged.rxRate[at(merged.t, 25)]).toBeCloseTo(LOCAL_RX, 0);
    // VM fills the closed-laptop span: rate per second, like the store; the reset at 15 min is no spike.
    for (let m = 10; m < 20; m++) {
      expect(merged.rxRate[at(merged.t, m)]).toBeGreaterThan(VM_RX * 0.9);
      expect(merged.rxRate[at(merged.t, m)]).toBeLessThan(VM_RX * 1.1);
      expect(merged.txRate[at(merged.t, m)]).toBeCloseTo(VM_RX / 2, 0);
    }
    expect(merged.rxMin[at(merged.t, 12)]).toBeCloseTo(VM_RX, 0);
    expect(merged.rxMax[at(merged.t, 12)]).toBeCloseTo(VM_RX, 0);
    // The filled span is no gap any more: nothing of the outage is left across whole buckets.
    for (const [a, b] of merged.gaps) expect(b - a).toBeLessThan(MIN);
  });

  it('merges interface counters, server gauges and the fleet the same way', async () => {
    const r = reader(settings(vm.url));
    const iq = { server: SERVER, iface: 'wg0', counters: ['rxBytes', 'txBytes'] as const, ...range() };
    const iface = await r.interface(iq, store.interfaceSeries(iq));
    expect(iface.counters.rxBytes!.rate[at(iface.t, 15)]).toBeCloseTo(VM_RX, 0);
    expect(iface.counters.rxBytes!.rate[at(iface.t, 25)]).toBeCloseTo(LOCAL_RX, 0);

    const sq = { server: SERVER, metrics: ['cpu'] as const, ...range() };
    const server = await r.server(sq, store.serverSeries(sq));
    expect(server.cpu!.avg[at(server.t, 15)]).toBeCloseTo(25, 5);
    expect(server.cpu!.avg[at(server.t, 25)]).toBeCloseTo(10, 5);

    const fleet = await r.fleet(range(), store.fleetSeries(range()));
    expect(fleet.rxRate[at(fleet.t, 15)]).toBeCloseTo(VM_RX, 0);
    expect(fleet.servers[at(fleet.t, 15)]).toBe(1);
    expect(fleet.rxRate[at(fleet.t, 25)]).toBeCloseTo(LOCAL_RX, 0);
    expect(fleet.sources?.map((s) => s.source)).toEqual(['local', 'victoria-metrics', 'local']);
  });

  it('does not ask VM when local has every bucket, nor when chart reads are off', async () => {
    const q = { server: SERVER, iface: 'wg0', peer: PEER, from: t0 + 21 * MIN, to: t0 + 29 * MIN, points: 8 };
    const local = store.peerSeries(q);
    // A URL nothing listens on: asking it would fail.
    const merged = await reader(settings('http://127.0.0.1:9')).peer(q, local);
    expect(merged.victoriaMetrics).toEqual({ error: null });
    expect(merged.sources).toEqual([{ from: q.from, to: q.to, source: 'local' }]);

    const whole = { ...q, ...range() };
    const off = await reader(settings(vm.url, { readCharts: false })).peer(whole, store.peerSeries(whole));
    expect(off.victoriaMetrics).toBeUndefined();
    expect(off.rxRate[at(off.t, 15)]).toBeNull();
  });

  it('shows local data only, flagged, when VM cannot be read', async () => {
    const q = { server: SERVER, iface: 'wg0', peer: PEER, ...range() };
    const local = store.peerSeries(q);
    await vm.stop();
    try {
      const merged = await reader(settings(vm.url)).peer(q, local);
      expect(merged.victoriaMetrics?.error).toMatch(/ECONNREFUSED|connect/i);
      expect(merged.rxRate).toEqual(local.rxRate);
      expect(merged.gaps).toEqual(local.gaps);
      expect(merged.sources?.every((s) => s.source === 'local')).toBe(true);
    } finally {
      await vm.start();
    }
  });
});

describe('chart reads with authentication', () => {
  let secured: Victoria;
  beforeAll(async () => {
    secured = await startVictoria(['-httpAuth.username=wgdeck', '-httpAuth.password=s3cret']);
  }, 60_000);
  afterAll(async () => {
    await secured?.close();
  });

  it('sends basic auth with the keychain secret, and says so when it is refused', async () => {
    const q = { server: SERVER, iface: 'wg0', peer: PEER, ...range() };
    const local = store.peerSeries(q);
    const basic = settings(secured.url, { auth: 'basic', username: 'wgdeck' });
    const ok = await reader(basic, 's3cret').peer(q, local);
    expect(ok.victoriaMetrics).toEqual({ error: null });
    const refused = await reader(basic, 'wrong').peer(q, local);
    expect(refused.victoriaMetrics?.error).toBe('HTTP 401: check the username and password or token');
    const noToken = await reader(settings(secured.url, { auth: 'bearer' })).peer(q, local);
    expect(noToken.victoriaMetrics?.error).toMatch(/no token/);
  });
});
