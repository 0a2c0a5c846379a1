import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { fleetSeries, labelObject } from './fleet-series.ts';
import { hostAllowed, startMetricsEndpoint, type MetricsEndpoint } from './metrics-endpoint.ts';
import { MetricsPage } from './metrics-page.ts';
import { PEER_FAMILIES } from './metric-families.ts';
import { testInput, testKey, testPeer, testServer } from './exporters.testkit.ts';

const fleet = [
  testInput(
    testServer('edge-1', [
      testPeer(1),
      testPeer(2, {
        latestHandshake: null,
        endpoint: null,
        ping: { ok: true, rttMs: 12.5, at: 1, failing: false, error: null },
      }),
      testPeer(3, { latestHandshake: 1_800_000_000 - 600 }),
    ]),
  ),
  testInput(testServer('edge-2', [testPeer(4)], { state: 'reconnecting', error: 'connection lost' })),
];
const names = (_server: string, _iface: string, key: string): string | null =>
  key === testKey(1) ? 'alice "the admin"\\laptop' : null;

let endpoint: MetricsEndpoint | null = null;
afterEach(async () => {
  await endpoint?.close();
  endpoint = null;
});

async function scrape(profile: 'mdlayher' | 'mindflavor' = 'mdlayher'): Promise<string> {
  endpoint = await startMetricsEndpoint(
    '127.0.0.1:0',
    new MetricsPage(profile, () => fleetSeries(fleet, profile, names)),
  );
  const response = await fetch(endpoint.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return await response.text();
}

function promtool(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error)
    throw new Error(`promtool could not run (${result.error.message}): apt-get install prometheus`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('/metrics', () => {
  it('passes promtool check metrics, in both name profiles', async () => {
    for (const profile of ['mdlayher', 'mindflavor'] as const) {
      const text = await scrape(profile);
      const check = promtool(text);
      expect(check.output).toBe('');
      expect(check.status).toBe(0);
      await endpoint?.close();
      endpoint = null;
    }
  });

  it('has the servers own values, counters as counters, a down server only as up 0', async () => {
    const text = await scrape();
    const key1 = testKey(1);
    expect(text).toContain('# TYPE wireguard_peer_receive_bytes_total counter');
    expect(text).toContain('# TYPE wireguard_peer_last_handshake_seconds gauge');
    expect(text).toContain(
      `wireguard_peer_receive_bytes_total{server="edge-1",interface="wg0",public_key="${key1}",device="wg0"} 1000\n`,
    );
    expect(text).toContain(
      `wireguard_peer_last_handshake_seconds{server="edge-1",interface="wg0",public_key="${testKey(2)}",device="wg0"} 0\n`,
    );
    // A name is untrusted text: quotes and backslashes escaped, the line stays one line.
    expect(text).toContain(`name="alice \\"the admin\\"\\\\laptop"`);
    expect(text).toContain('wireguard_interface_transmit_dropped_total{server="edge-1",interface="wg0"} 6\n');
    expect(text).toContain('wireguard_peers{server="edge-1",interface="wg0"} 3\n');
    // Peer 1: a handshake 10 s ago; peer 2: none, but its ping answers; peer 3: 10 min ago.
    expect(text).toContain('wireguard_peers_active{server="edge-1",interface="wg0"} 2\n');
    expect(text).toContain(
      `wireguard_peer_ping_rtt_seconds{server="edge-1",interface="wg0",public_key="${testKey(2)}",device="wg0"} 0.0125\n`,
    );
    expect(text).toContain('wgdeck_server_memory_usage_ratio{server="edge-1"} 0.25\n');
    expect(text).toContain('wgdeck_server_up{server="edge-2"} 0\n');
    expect(text).not.toMatch(/wireguard_[a-z_]+\{server="edge-2"/);
    expect(text).toContain('wgdeck_collector_frames_total{server="edge-2"} 7\n');
    expect(text).toMatch(/^wgdeck_process_cpu_seconds_total /m);
  });

  it('the mindflavor profile: its names, allowed_ips and friendly_name on the peer counters', async () => {
    const text = await scrape('mindflavor');
    expect(text).toContain(
      `wireguard_sent_bytes_total{server="edge-1",interface="wg0",public_key="${testKey(3)}",allowed_ips="198.18.100.3/32"} 6000\n`,
    );
    expect(text).toContain('# TYPE wireguard_latest_handshake_seconds gauge');
    expect(text).not.toContain('wireguard_peer_receive_bytes_total');
  });

  it('answers only GET/HEAD /metrics, and on loopback only to an address or localhost as Host', async () => {
    await scrape();
    const base = endpoint!.url.replace('/metrics', '');
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(endpoint!.url, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(endpoint!.url, { method: 'HEAD' })).status).toBe(200);
    expect(hostAllowed('127.0.0.1', 'evil.example:9586')).toBe(false);
    expect(hostAllowed('127.0.0.1', 'localhost:9586')).toBe(true);
    expect(hostAllowed('127.0.0.1', '[::1]:9586')).toBe(true);
    expect(hostAllowed('127.0.0.1', undefined)).toBe(false);
    expect(hostAllowed('198.18.0.5', 'collector.example')).toBe(true);
  });

  it("says the VictoriaMetrics push's backlog and failure, and passes promtool with them", async () => {
    endpoint = await startMetricsEndpoint(
      '127.0.0.1:0',
      new MetricsPage(
        'mdlayher',
        () => fleetSeries(fleet, 'mdlayher', names),
        () => ({
          state: 'failing',
          lastPushAt: 1_800_000_000_000,
          backlogSamples: 1234,
          backlogBytes: 5678,
          error: 'x',
        }),
      ),
    );
    const text = await (await fetch(endpoint.url)).text();
    expect(text).toContain('\nwgdeck_push_backlog_samples 1234\n');
    expect(text).toContain('\nwgdeck_push_backlog_bytes 5678\n');
    expect(text).toContain('\nwgdeck_push_failing 1\n');
    expect(text).toContain('\nwgdeck_push_last_success_timestamp_seconds 1800000000\n');
    expect(promtool(text).status).toBe(0);
  });

  it('names a port in use', async () => {
    await scrape();
    const port = new URL(endpoint!.url).port;
    await expect(
      startMetricsEndpoint(`127.0.0.1:${port}`, new MetricsPage('mdlayher', () => new Map())),
    ).rejects.toThrow(/in use/);
  });

  it('labels line up with the families', () => {
    const series = fleetSeries(fleet, 'mdlayher', names).get(PEER_FAMILIES.info)!;
    expect(labelObject(PEER_FAMILIES.info, 'mdlayher', series[1]!)).toEqual({
      server: 'edge-1',
      interface: 'wg0',
      public_key: testKey(2),
      name: '',
      allowed_ips: '198.18.100.2/32',
      endpoint: '',
      device: 'wg0',
    });
  });
});
