import { describe, expect, it } from 'vitest';
import { makeDumpText, makeFrameText } from './fixtures.ts';
import { FrameDecoder } from './frame-decoder.ts';
import { parseFrame } from './parse-frame.ts';

describe('fixtures', () => {
  it('are deterministic per seed', () => {
    const options = { interfaces: 2, peersPerInterface: 20, seed: 5 };
    expect(makeDumpText(options)).toBe(makeDumpText(options));
    expect(makeDumpText(options)).not.toBe(makeDumpText({ ...options, seed: 6 }));
  });

  it('make frames that parse, with the variety the parser must handle', () => {
    const text = makeFrameText({ seq: 1, dump: { interfaces: 2, peersPerInterface: 500, seed: 11 } });
    const result = parseFrame(new FrameDecoder().push(text)[0]!);
    if (!result.ok) throw new Error(result.error);
    expect(result.warnings).toEqual([]);
    const peers = result.snapshot.interfaces.flatMap((dump) => dump.peers);
    expect(peers).toHaveLength(1000);
    expect(peers.some((peer) => peer.endpoint === null)).toBe(true);
    expect(peers.some((peer) => peer.endpoint?.startsWith('['))).toBe(true);
    expect(peers.some((peer) => peer.allowedIps.length === 0)).toBe(true);
    expect(peers.some((peer) => peer.allowedIps.length >= 3)).toBe(true);
    expect(peers.some((peer) => peer.latestHandshake === null)).toBe(true);
    expect(peers.some((peer) => peer.persistentKeepalive === null)).toBe(true);
    expect(peers.some((peer) => peer.presharedKey)).toBe(true);
    expect(result.snapshot.interfaces.map((dump) => dump.fwmark)).toEqual([null, 0xca6d]);
  });
});
