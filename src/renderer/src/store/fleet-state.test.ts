import { describe, expect, it } from 'vitest';
import { DeltaEncoder, type ServerDelta } from '../../../shared/live-delta.ts';
import {
  applyDeltas,
  bufferDelta,
  EMPTY_FLEET,
  fleetFromSync,
  removeServer,
  type DeltaBuffer,
} from './fleet-state.ts';
import { iface, peer, server } from './test-fixtures.ts';

function peers(n: number) {
  return Array.from({ length: n }, (_, i) => peer(i));
}

describe('fleetFromSync', () => {
  it('holds every synced server with its seq', () => {
    const a = server('a', [iface('wg0', peers(2))]);
    const fleet = fleetFromSync([{ name: 'a', seq: 7, live: a }]);
    expect(fleet['a']).toEqual({ seq: 7, live: a });
  });
});

describe('applyDeltas', () => {
  it('applies a batch from several servers in order, in one new object', () => {
    const encA = new DeltaEncoder();
    const encB = new DeltaEncoder();
    const a1 = server('a', [iface('wg0', peers(3))]);
    const b1 = server('b', [iface('wg0', peers(2))]);
    const a2 = server('a', [iface('wg0', [peer(0, { rxBytes: 999 }), peer(1), peer(2)])]);
    const deltas = [encA.encode(a1), encB.encode(b1), encA.encode(a2)];
    const { fleet, gaps } = applyDeltas(EMPTY_FLEET, deltas);
    expect(gaps).toEqual([]);
    expect(fleet['a']!.seq).toBe(2);
    expect(fleet['a']!.live.interfaces[0]!.peers[0]!.rxBytes).toBe(999);
    expect(fleet['b']!.live).toEqual(b1);
  });

  it('keeps the identity of unchanged peers and of untouched servers', () => {
    const enc = new DeltaEncoder();
    const list = peers(1000);
    const before = applyDeltas(EMPTY_FLEET, [
      enc.encode(server('a', [iface('wg0', list)])),
      { name: 'b', seq: 1, full: server('b', []) },
    ]).fleet;
    const changed = list.map((p, i) => (i === 500 ? { ...p, rxBytes: p.rxBytes + 1 } : p));
    const after = applyDeltas(before, [enc.encode(server('a', [iface('wg0', changed)]))]).fleet;
    const oldPeers = before['a']!.live.interfaces[0]!.peers;
    const newPeers = after['a']!.live.interfaces[0]!.peers;
    expect(newPeers[0]).toBe(oldPeers[0]);
    expect(newPeers[999]).toBe(oldPeers[999]);
    expect(newPeers[500]).not.toBe(oldPeers[500]);
    expect(after['b']).toBe(before['b']);
  });

  it('reports a seq gap and leaves that server as it was', () => {
    const enc = new DeltaEncoder();
    const held = applyDeltas(EMPTY_FLEET, [enc.encode(server('a', [iface('wg0', peers(2))]))]).fleet;
    enc.encode(server('a', [iface('wg0', peers(3))])); // lost on the way
    const third = enc.encode(server('a', [iface('wg0', peers(4))]));
    const { fleet, gaps } = applyDeltas(held, [third]);
    expect(gaps).toEqual(['a']);
    expect(fleet).toBe(held);
  });

  it('reports a gap for a non-full delta of a server it does not hold', () => {
    const delta: ServerDelta = { name: 'x', seq: 5, server: { ...server('x', []) }, interfaces: [] };
    expect(applyDeltas(EMPTY_FLEET, [delta]).gaps).toEqual(['x']);
  });

  it('skips deltas a sync already included, and always applies a full one', () => {
    const live = server('a', [iface('wg0', peers(1))]);
    const held = fleetFromSync([{ name: 'a', seq: 5, live }]);
    const old: ServerDelta = { name: 'a', seq: 4, server: live, interfaces: [] };
    expect(applyDeltas(held, [old])).toEqual({ fleet: held, gaps: [] });
    const restarted = server('a', [], { state: 'connecting' });
    const { fleet } = applyDeltas(held, [{ name: 'a', seq: 1, full: restarted }]);
    expect(fleet['a']).toEqual({ seq: 1, live: restarted });
  });

  it('returns the same fleet for an empty batch', () => {
    const held = fleetFromSync([]);
    expect(applyDeltas(held, []).fleet).toBe(held);
  });
});

describe('removeServer', () => {
  it('drops a server and keeps the object when there is nothing to drop', () => {
    const fleet = fleetFromSync([{ name: 'a', seq: 1, live: server('a', []) }]);
    expect(removeServer(fleet, 'a')).toEqual({});
    expect(removeServer(fleet, 'zzz')).toBe(fleet);
  });
});

describe('bufferDelta', () => {
  const d = (name: string, seq: number, full = false): ServerDelta =>
    full ? { name, seq, full: server(name, []) } : { name, seq, server: server(name, []), interfaces: [] };

  it('a full delta makes earlier deltas of the same server pointless', () => {
    const buffer: DeltaBuffer = { deltas: [], overflowed: false };
    bufferDelta(buffer, d('a', 1));
    bufferDelta(buffer, d('b', 1));
    bufferDelta(buffer, d('a', 2));
    bufferDelta(buffer, d('a', 1, true));
    expect(buffer.deltas.map((x) => `${x.name}${x.seq}`)).toEqual(['b1', 'a1']);
  });

  it('past the cap empties itself and asks for a resync', () => {
    const buffer: DeltaBuffer = { deltas: [], overflowed: false };
    for (let i = 1; i <= 4; i++) bufferDelta(buffer, d('a', i), 3);
    expect(buffer).toEqual({ deltas: [], overflowed: true });
    bufferDelta(buffer, d('a', 5), 3);
    expect(buffer.deltas).toEqual([]);
  });
});
