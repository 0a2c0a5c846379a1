import { describe, expect, it } from 'vitest';
import type { PeerLive, ServerLive } from '../shared/domain.ts';
import { NULL_RATES } from '../shared/domain.ts';
import { displayWidth } from './fit-table.ts';
import { renderWatch, type WatchOptions } from './watch-view.ts';

const NOW = 1_700_000_000;
const key = (i: number): string => Buffer.alloc(32, i).toString('base64');

function peer(i: number, status: PeerLive['status']): PeerLive {
  return {
    publicKey: key(i),
    presharedKey: false,
    endpoint: `198.18.0.${i}:51820`,
    allowedIps: [`198.18.128.${i}/32`],
    latestHandshake: status === 'never' ? null : NOW - 30,
    rxBytes: i * 1000,
    txBytes: i * 2000,
    persistentKeepalive: null,
    status,
    rxRate: i,
    txRate: i * 3,
    resets: 0,
    checkAddress: null,
    ping: null,
  };
}

function server(name: string, peers: PeerLive[]): ServerLive {
  return {
    name,
    host: `${name}.example.net`,
    state: 'connected',
    updatedAt: 1,
    serverTime: NOW,
    system: null,
    droppedFrames: 0,
    interfaces: [
      {
        name: 'wg0',
        publicKey: key(0),
        listenPort: 51820,
        fwmark: null,
        counters: null,
        rates: { ...NULL_RATES },
        peers,
      },
    ],
  };
}

// eslint-disable-next-line no-control-regex -- the screen's own colour codes
const plainOf = (screen: string): string => screen.replace(/\u001b\[\d+m/g, '');

const names: WatchOptions['names'] = () => ({ [key(3)]: 'zed phone', [key(4)]: 'alice laptop' });
const at = (columns: number, rows: number, color = true): WatchOptions => ({
  columns,
  rows,
  intervalSeconds: 5,
  color,
  names,
});

describe('the watch screen', () => {
  const peers = Array.from({ length: 60 }, (_, i) =>
    peer(i + 1, i % 7 === 0 ? 'online' : i % 5 === 0 ? 'offline' : 'never'),
  );
  const fleet = [server('lab-s0', peers), server('lab-s1', peers.slice(0, 10))];

  it('fits 80×24: no line wider than 80, at most 23 lines, the rest counted', () => {
    const lines = plainOf(renderWatch(fleet, at(80, 24))).split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const l of lines) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^WG Deck — 2 servers/);
    const more = lines.filter((l) => /… \d+ more peers?$/.test(l));
    expect(more.length).toBe(2);
    // Every peer is on screen or counted.
    const shownRows = lines.filter((l) => /^ {2}[●○]/.test(l)).length;
    const counted = more.reduce((sum, l) => sum + Number(/(\d+) more/.exec(l)![1]), 0);
    expect(shownRows + counted).toBe(70);
  });

  it('fits narrow and short terminals too', () => {
    for (const [columns, rows] of [
      [40, 10],
      [120, 50],
      [20, 4],
    ] as const) {
      const lines = plainOf(renderWatch(fleet, at(columns, rows))).split('\n');
      expect(lines.length).toBeLessThanOrEqual(Math.max(3, rows - 1));
      for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(Math.max(20, columns));
    }
  });

  it('keeps one row order whatever order the poll returned: online first, then by name, then key', () => {
    const a = renderWatch([server('s', peers)], at(120, 80, false));
    const shuffled = [...peers].reverse().sort((x, y) => (x.publicKey < y.publicKey ? 1 : -1));
    expect(renderWatch([server('s', shuffled)], at(120, 80, false))).toBe(a);
    const rows = a.split('\n').filter((l) => /^ {2}(online|offline|never)/.test(l));
    const statuses = rows.map((l) => l.trim().split(/\s+/)[0]);
    expect(statuses.indexOf('offline')).toBeGreaterThan(statuses.lastIndexOf('online'));
    // Among the never-seen: named peers first (alice before zed), unnamed after.
    const never = rows.filter((l) => l.trim().startsWith('never'));
    expect(never[0]).toContain('alice laptop');
    expect(never[1]).toContain('zed phone');
  });

  it('shows no name for an unnamed peer instead of repeating its key', () => {
    const text = renderWatch([server('s', [peer(9, 'online')])], at(120, 24, false));
    const peerLine = text.split('\n').find((l) => l.includes('198.18.128.9/32'))!;
    expect(peerLine).toContain('—');
    expect(peerLine.split(key(9).slice(0, 8)).length).toBe(2); // the key prefix once, in its column
  });

  it('says "1 peer", not "1 peers"', () => {
    const text = renderWatch([server('s', [peer(9, 'online')])], at(120, 24, false));
    expect(text).toContain('1/1 peer online');
    expect(text).toMatch(/— 1 server,/);
  });
});
