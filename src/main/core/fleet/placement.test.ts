import { describe, expect, it } from 'vitest';
import type { PeerLive, ServerLive } from '../../../shared/domain.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { placementRow, rankPlacement, type PlacementInput } from './placement.ts';

const NOW = 1_800_000_000_000;
const GIB = 1024 ** 3;

function peers(online: number, offline = 0): PeerLive[] {
  return Array.from({ length: online + offline }, (_, i) => ({
    publicKey: `${String(i).padStart(43, 'A')}=`,
    presharedKey: false,
    endpoint: null,
    allowedIps: [`198.18.128.${i % 250}/32`],
    latestHandshake: null,
    rxBytes: 0,
    txBytes: 0,
    persistentKeepalive: null,
    status: i < online ? 'online' : 'offline',
    rxRate: null,
    txRate: null,
    resets: 0,
    checkAddress: null,
    ping: null,
  }));
}

function input(
  name: string,
  o: {
    online: number;
    offline?: number;
    max?: number;
    weight?: number;
    cpu?: number | null;
    mem?: number | null;
  },
  { live: liveChanges, ...rest }: Omit<Partial<PlacementInput>, 'live'> & { live?: Partial<ServerLive> } = {},
): PlacementInput {
  const config: ServerConfig = { name, host: `${name}.example.net`, port: 22, user: 'root', sudo: false };
  if (o.max !== undefined) config.maxPeers = o.max;
  if (o.weight !== undefined) config.weight = o.weight;
  const live: ServerLive = {
    name,
    host: config.host,
    state: 'connected',
    updatedAt: NOW - 1000,
    serverTime: NOW / 1000,
    interfaces: [
      {
        name: 'wg0',
        publicKey: null,
        listenPort: 51820,
        fwmark: null,
        counters: null,
        rates: { rxBytes: null, txBytes: null, rxPackets: null, txPackets: null },
        peers: peers(o.online, o.offline),
      } as ServerLive['interfaces'][number],
    ],
    system:
      o.cpu === null && o.mem === null
        ? null
        : ({
            cpuPercent: o.cpu ?? null,
            memTotalBytes: 10 * GIB,
            memUsedBytes: o.mem === undefined || o.mem === null ? null : (o.mem / 100) * 10 * GIB,
          } as ServerLive['system']),
    droppedFrames: 0,
    ...liveChanges,
  };
  return { config, live, intervalSeconds: 5, priority: 0, ...rest };
}

describe("seed 001's placement formula", () => {
  it("scores the seed's three nodes by its stated thresholds", () => {
    // Seed 001: A 40 peers CPU 85 % mem 60 %; B 50, 30 %, 45 %; C 30, 50 %, 75 % (of 100 peers each).
    const a = placementRow(input('node-a', { online: 40, max: 100, cpu: 85, mem: 60 }), NOW);
    const b = placementRow(input('node-b', { online: 50, max: 100, cpu: 30, mem: 45 }), NOW);
    const c = placementRow(input('node-c', { online: 30, max: 100, cpu: 50, mem: 75 }), NOW);
    expect([a.base, a.cpuPenalty, a.memoryPenalty, a.score]).toEqual([0.4, 0.5, 0.05, 0.95]);
    expect([b.base, b.cpuPenalty, b.memoryPenalty, b.score]).toEqual([0.5, 0, 0, 0.5]);
    expect([c.base, c.cpuPenalty, c.memoryPenalty, c.score]).toEqual([0.3, 0.05, 0.15, 0.5]);
  });

  it.each([
    [40, 0],
    [40.1, 0.05],
    [60, 0.05],
    [60.1, 0.2],
    [80, 0.2],
    [80.1, 0.5],
    [100, 0.5],
  ])('CPU %d %% → +%d (strictly above each threshold)', (cpu, expected) => {
    expect(placementRow(input('s', { online: 0, max: 10, cpu, mem: 0 }), NOW).cpuPenalty).toBe(expected);
  });

  it.each([
    [50, 0],
    [50.1, 0.05],
    [70, 0.05],
    [70.1, 0.15],
    [85, 0.15],
    [85.1, 0.4],
  ])('memory %d %% → +%d', (mem, expected) => {
    expect(placementRow(input('s', { online: 0, max: 10, cpu: 0, mem }), NOW).memoryPenalty).toBe(expected);
  });

  it('weight divides the base; only online peers are active', () => {
    const row = placementRow(
      input('s', { online: 20, offline: 30, max: 100, weight: 2, cpu: 0, mem: 0 }),
      NOW,
    );
    expect(row.activePeers).toBe(20);
    expect(row.totalPeers).toBe(50);
    expect(row.base).toBe(0.1);
  });

  it('without CPU/memory metrics the score is the base alone, and says so', () => {
    const row = placementRow(input('s', { online: 5, max: 10, cpu: null, mem: null }), NOW);
    expect(row).toMatchObject({ base: 0.5, cpuPenalty: 0, memoryPenalty: 0, score: 0.5, eligible: true });
    expect(row.reason).toMatch(/base alone/);
  });

  it('full, down, stale or without capacity: not eligible, with the reason', () => {
    const full = placementRow(input('s', { online: 2, offline: 8, max: 10, cpu: 0, mem: 0 }), NOW);
    expect(full).toMatchObject({ eligible: false, reason: 'full (10 of 10 peers)' });
    const down = placementRow(input('s', { online: 1, max: 10 }, { live: { state: 'reconnecting' } }), NOW);
    expect(down).toMatchObject({ eligible: false, reason: 'down (not streaming)' });
    const stale = placementRow(
      input('s', { online: 1, max: 10 }, { live: { updatedAt: NOW - 16_000 } }),
      NOW,
    );
    expect(stale).toMatchObject({ eligible: false, reason: 'no fresh metrics' });
    const uncapped = placementRow(input('s', { online: 1 }), NOW);
    expect(uncapped).toMatchObject({ eligible: false, base: null, score: null, reason: 'no max peers set' });
  });

  it('ranks lowest score first; ties by group priority (higher first), then name; ineligible last', () => {
    const ranking = rankPlacement(
      [
        input('node-a', { online: 40, max: 100, cpu: 85, mem: 60 }),
        input('node-c', { online: 30, max: 100, cpu: 50, mem: 75 }),
        input('node-b', { online: 50, max: 100, cpu: 30, mem: 45 }),
        input('node-d', { online: 50, max: 100, cpu: 30, mem: 45 }, { priority: 10 }),
        input('full', { online: 0, offline: 5, max: 5 }),
      ],
      'US-East',
      NOW,
    );
    expect(ranking.servers.map((s) => s.name)).toEqual(['node-d', 'node-b', 'node-c', 'node-a', 'full']);
    expect(ranking.chosen).toBe('node-d');
    expect(ranking.group).toBe('US-East');
  });

  it('chooses none when no server is eligible', () => {
    expect(rankPlacement([input('s', { online: 0 })], null, NOW).chosen).toBeNull();
    expect(rankPlacement([], null, NOW)).toEqual({ group: null, servers: [], chosen: null });
  });
});
