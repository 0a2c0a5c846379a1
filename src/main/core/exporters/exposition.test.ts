import { describe, expect, it } from 'vitest';
import { ExpositionWriter, escapeLabelValue, seriesPrefix } from './exposition.ts';
import { fleetSeries } from './fleet-series.ts';
import { PEER_FAMILIES } from './metric-families.ts';
import { testInput, testKey, testPeer, testServer } from './exporters.testkit.ts';

describe('the text format', () => {
  it('escapes backslash, quote and line feed in label values, nothing else', () => {
    expect(escapeLabelValue('a\\b"c\nd\te')).toBe('a\\\\b\\"c\\nd\te');
    expect(seriesPrefix('m', ['a', 'b', 'c'], ['1', '', 'x"y'])).toBe('m{a="1",c="x\\"y"}');
    expect(seriesPrefix('m', ['a'], [''])).toBe('m');
  });

  it('stamps every sample when asked (the push), and reprints only what changed', () => {
    const writer = new ExpositionWriter('mdlayher');
    const first = fleetSeries([testInput(testServer('s', [testPeer(1)]))], 'mdlayher');
    const text1 = writer.write(first, { timestampMs: () => 1_800_000_000_000 });
    const line = `wireguard_peer_receive_bytes_total{server="s",interface="wg0",public_key="${testKey(1)}",device="wg0"}`;
    expect(text1).toContain(`${line} 1000 1800000000000\n`);
    // The next poll: the counter moved, the peer was renamed (info reprinted), its endpoint too.
    const next = fleetSeries(
      [testInput(testServer('s', [testPeer(1, { rxBytes: 1500, endpoint: '198.18.1.77:4444' })]))],
      'mdlayher',
      () => 'renamed',
    );
    const text2 = writer.write(next, { timestampMs: () => 1_800_000_005_000 });
    expect(text2).toContain(`${line} 1500 1800000005000\n`);
    expect(text2).toContain('name="renamed",allowed_ips="198.18.100.1/32",endpoint="198.18.1.77:4444"');
    // Without timestamps (a scrape), the same series as plain samples.
    expect(writer.write(next)).toContain(`${line} 1500\n`);
  });

  it('a series gone from the fleet is gone from the text', () => {
    const writer = new ExpositionWriter('mdlayher');
    writer.write(fleetSeries([testInput(testServer('s', [testPeer(1), testPeer(2)]))], 'mdlayher'));
    const text = writer.write(fleetSeries([testInput(testServer('s', [testPeer(2)]))], 'mdlayher'));
    expect(text).not.toContain(testKey(1));
    expect(text).toContain(testKey(2));
    expect(fleetSeries([testInput(testServer('s', []))], 'mdlayher').get(PEER_FAMILIES.up)).toBeUndefined();
  });

  it("a server's network devices, every one but lo, from its last frame", () => {
    const counters = {
      rxBytes: 5,
      txBytes: 7,
      rxPackets: 0,
      txPackets: 0,
      rxErrors: 0,
      txErrors: 0,
      rxDropped: 0,
      txDropped: 0,
      multicast: 0,
    };
    const input = { ...testInput(testServer('s', [])), netdev: { lo: counters, eth0: counters } };
    const text = new ExpositionWriter('mdlayher').write(fleetSeries([input], 'mdlayher'));
    expect(text).toContain('wgdeck_server_network_receive_bytes_total{server="s",device="eth0"} 5\n');
    expect(text).toContain('wgdeck_server_network_transmit_bytes_total{server="s",device="eth0"} 7\n');
    expect(text).not.toContain('device="lo"');
  });
});
