import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/domain.ts';
import { DEFAULT_RETENTION } from '../../../shared/history.ts';
import { DomainEventBus } from '../bus/domain-events.ts';
import { HistoryService } from './history-service.ts';
import { HISTORY_FILE } from './index.ts';

const open: HistoryService[] = [];
afterEach(() => {
  for (const service of open.splice(0)) service.close();
});

function service(dataDir: string, records = true) {
  const bus = new DomainEventBus((error) => {
    throw error;
  });
  const history = new HistoryService({ dataDir, bus, records });
  open.push(history);
  return { bus, history };
}

const snapshot = (seq: number): Snapshot => ({
  seq,
  serverTime: 1_800_000_000 + seq * 5,
  monotonic: 1000 + seq * 5,
  interfaces: [],
  netdev: {},
  system: {
    cpuTotalJiffies: 1000 * seq,
    cpuIdleJiffies: 800 * seq,
    cpuCount: 2,
    memTotalBytes: 1000,
    memAvailableBytes: 500,
    diskTotalBytes: 1000,
    diskUsedBytes: 400,
    load1: 0.1,
    load5: 0.2,
    load15: 0.3,
    uptimeSeconds: 1000 + seq * 5,
  },
  wgError: null,
  ping: null,
});

describe('HistoryService', () => {
  it('records the samples the bus carries once opened, and answers queries', async () => {
    const { bus, history } = service(mkdtempSync(join(tmpdir(), 'wgdeck-hist-')));
    bus.publish([
      { type: 'server.sample', server: 'edge-1', snapshot: snapshot(1), receivedAt: 1, intervalSeconds: 5 },
    ]);
    await expect(history.query((h) => h.catalog())).rejects.toMatchObject({ code: 'HISTORY_UNAVAILABLE' });
    history.open(DEFAULT_RETENTION);
    const base = Date.now();
    for (let seq = 1; seq <= 3; seq += 1) {
      bus.publish([
        {
          type: 'server.sample',
          server: 'edge-1',
          snapshot: snapshot(seq),
          receivedAt: base + seq * 5000,
          intervalSeconds: 5,
        },
      ]);
    }
    const catalog = await history.query((h) => h.catalog());
    expect(catalog.map((s) => s.name)).toEqual(['edge-1']);
    expect(catalog[0]?.lastSample).toBe(base + 15_000);
  });

  it('one recorder per data dir: while another process records, this one runs live-only and says so', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-hist-'));
    // Another live process holds the recorder's lock (tryLock checks that its pid is alive).
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dataDir, `${HISTORY_FILE}.lock`), String(other.pid));
      const { history } = service(dataDir);
      history.open(DEFAULT_RETENTION);
      await expect(history.query((h) => h.catalog())).rejects.toMatchObject({
        code: 'HISTORY_UNAVAILABLE',
        message: expect.stringContaining('kept by another WG Deck process') as string,
      });
      other.kill();
      await once(other, 'exit');
      history.open(DEFAULT_RETENTION); // the other one is gone: this one records now
      await expect(history.query((h) => h.catalog())).resolves.toEqual([]);
    } finally {
      other.kill();
    }
  });

  it('a process that records nothing (one-shot CLI) never opens history.db', async () => {
    const { history } = service(mkdtempSync(join(tmpdir(), 'wgdeck-hist-')), false);
    history.open(DEFAULT_RETENTION);
    await expect(history.query((h) => h.catalog())).rejects.toMatchObject({
      message: 'This WG Deck process keeps no history.',
    });
  });
});
