// kill -9 during ingest: a child process records (and maintains) in a loop, printing each index after
// record() returns; it is killed with SIGKILL at random moments, several times. After each kill the
// database must pass integrity_check, open, hold every acknowledged sample (at most the one in flight
// more), and its cumulative must be exact: nothing lost or doubled across crashes.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { makeRandom } from '../../src/main/core/collector/fixtures.ts';
import { HistoryStore } from '../../src/main/core/history/index.ts';

const NODE = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));
const HISTORY = pathToFileURL(
  fileURLToPath(new URL('../../src/main/core/history/index.ts', import.meta.url)),
).href;
const SIMULATE = pathToFileURL(
  fileURLToPath(new URL('../../src/main/core/history/simulate.ts', import.meta.url)),
).href;
const T0 = Date.UTC(2025, 5, 2);
const KEY = `${'K'.repeat(43)}=`;

// Acknowledgements go out with writeSync: process.stdout is asynchronous on a pipe, and the loop
// never yields.
const CHILD = `
import { writeSync } from 'node:fs';
import { HistoryStore } from ${JSON.stringify(HISTORY)};
import { makeSnapshot } from ${JSON.stringify(SIMULATE)};
const path = process.argv[2];
const T0 = ${T0};
const store = HistoryStore.open(path, { retention: { rawHours: 100000 } });
const last = store.catalog().find((s) => s.name === 's')?.lastSample ?? null;
let i = last === null ? 0 : Math.round((last - T0) / 5000) + 1;
writeSync(1, 'start ' + i + '\\n');
for (;;) {
  store.record('s', makeSnapshot({
    monotonic: 1000 + i * 5,
    peers: [{ key: ${JSON.stringify(KEY)}, rx: 1000 * i + 500, tx: 7 * i, handshake: 1750000000 + Math.floor(i / 24) * 120 }],
    wg0: { rxBytes: 3000 * i, txBytes: 11 * i },
    cpu: { total: 100000 + i * 1000, idle: 50000 + i * 600 },
    memUsed: 1e9 + (i % 97) * 4096,
  }), T0 + i * 5000, 5);
  writeSync(1, i + '\\n');
  if (i % 5 === 0) store.maintain(2);
  i++;
}
`;

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()!();
});

async function runAndKill(script: string, path: string, delayMs: number): Promise<number> {
  const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', script, path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const closed = once(child, 'close'); // after stdout is fully read ('exit' may come before)
  const deadline = Date.now() + 20_000;
  while (!/start \d+\n\d+\n/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`child did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGKILL');
  const [code, signal] = (await closed) as [number | null, string | null];
  expect(signal, err).toBe('SIGKILL');
  expect(code).toBeNull();
  const acked = out.split('\n').filter((line) => /^\d+$/.test(line));
  return Number(acked[acked.length - 1]);
}

it('survives kill -9 during ingest and maintenance, several times', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-history-crash-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'child.mjs');
  writeFileSync(script, CHILD);
  const path = join(dir, 'history.db');
  const random = makeRandom(77);
  let previous = -1;
  for (let run = 0; run < 6; run++) {
    const acked = await runAndKill(script, path, 150 + Math.floor(random() * 900));
    expect(acked).toBeGreaterThan(previous);

    const db = new DatabaseSync(path);
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();

    // Raw kept for the whole run, so every restart gap is visible at poll resolution.
    const store = HistoryStore.open(path, { retention: { rawHours: 100_000 } });
    try {
      const lastSample = store.catalog()[0]!.lastSample!;
      const last = (lastSample - T0) / 5000;
      expect(last).toBeGreaterThanOrEqual(acked); // every acknowledged batch is there
      expect(last).toBeLessThanOrEqual(acked + 1); // at most the one in flight more
      previous = last;
      const to = lastSample + 1;
      // The cumulative is exact: rx(i) = 1000 i + 500, so everything since the first sample is 1000 × last.
      const usage = store.usage({ server: 's', iface: 'wg0', peer: KEY, by: 'month', from: T0, to });
      expect(usage.reduce((a, u) => a + u.rxBytes, 0)).toBe(1000 * last);
      const iface = store.usage({ server: 's', iface: 'wg0', by: 'month', from: T0, to });
      expect(iface.reduce((a, u) => a + u.rxBytes, 0)).toBe(3000 * last);
      // Rates read back from chunks, sealed blocks and replayed frames alike: 1000 B per 5 s.
      const r = store.peerSeries({
        server: 's',
        iface: 'wg0',
        peer: KEY,
        from: T0,
        to,
        points: 400,
        tier: 'raw',
      });
      const rates = r.rxRate.filter((v): v is number => v !== null);
      expect(rates.length).toBeGreaterThan(0);
      expect(rates.every((v) => Math.abs(v - 200) < 1e-9)).toBe(true);
      // Each restart of the child is a gap (recording was not running).
      expect(r.gaps.length).toBeGreaterThanOrEqual(run);
    } finally {
      store.close();
    }
  }
  expect(previous).toBeGreaterThan(720); // the runs went through compactions and a minute rollup
}, 180_000);
