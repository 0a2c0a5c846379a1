import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Debian `victoria-metrics` on loopback, for the push and chart-read tests: its own storage
 * directory, a free port, and no deduplication (so a sample sent twice is seen twice by `exportRaw`).
 * `stop()`/`start()` make an outage of the same storage; `close()` removes everything.
 */
export interface Victoria {
  url: string;
  /** Stops the process (an outage); the storage stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and storage. */
  start(): Promise<void>;
  /** Makes what was imported searchable now (VM buffers ~1 s otherwise). */
  flush(): Promise<void>;
  /** Every raw sample of the series matching `match`, duplicates included, oldest first. */
  exportRaw(match: string, startSeconds?: number): Promise<RawSeries[]>;
  close(): Promise<void>;
}

export interface RawSeries {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`victoria-metrics exited (${child.exitCode}): ${log()}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`victoria-metrics did not become healthy in 20 s: ${log()}`);
}

export async function startVictoria(extraArgs: string[] = []): Promise<Victoria> {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-vm-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = '';
  const launch = async (): Promise<void> => {
    output = '';
    child = spawn(
      'victoria-metrics',
      [
        `-storageDataPath=${join(dir, 'data')}`,
        `-httpListenAddr=127.0.0.1:${port}`,
        '-retentionPeriod=100y',
        // Samples are queryable as soon as they are flushed (default: 30 s behind now).
        '-search.latencyOffset=0s',
        '-search.disableCache',
        '-loggerLevel=ERROR',
        ...extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    await waitHealthy(url, child, () => output);
  };
  const halt = async (): Promise<void> => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((r) => running.once('exit', () => r()));
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const flush = async (): Promise<void> => {
    const response = await fetch(`${url}/internal/force_flush`);
    if (!response.ok) throw new Error(`force_flush: HTTP ${response.status}`);
  };
  await launch();
  return {
    url,
    stop: halt,
    start: launch,
    flush,
    async exportRaw(match, startSeconds = 0) {
      await flush();
      const query = new URLSearchParams({ 'match[]': match, start: String(startSeconds) });
      const response = await fetch(`${url}/api/v1/export?${query.toString()}`);
      if (!response.ok) throw new Error(`export: HTTP ${response.status} ${await response.text()}`);
      const text = await response.text();
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as RawSeries);
    },
    async close() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
