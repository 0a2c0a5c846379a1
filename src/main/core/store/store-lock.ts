/**
 * Read-modify-write of a data-dir file by several processes at once (the app, `wgdeck serve`, CLI
 * commands): each update runs under `<file>.lock`, so no process writes from a stale read and no write
 * is lost. Inside one process updates queue on a promise chain first: the pid lock cannot tell two
 * callers of the same process apart.
 */

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { WgDeckError } from '../errors.ts';
import { tryLock } from './process-lock.ts';

const queues = new Map<string, Promise<unknown>>();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withStoreLock<T>(path: string, update: () => Promise<T>, waitMs = 10_000): Promise<T> {
  const lockPath = `${path}.lock`;
  const previous = queues.get(lockPath) ?? Promise.resolve();
  const run = previous.then(
    () => underFileLock(lockPath, update, waitMs),
    () => underFileLock(lockPath, update, waitMs),
  );
  const settled = run.catch(() => undefined);
  queues.set(lockPath, settled);
  try {
    return await run;
  } finally {
    if (queues.get(lockPath) === settled) queues.delete(lockPath);
  }
}

async function underFileLock<T>(lockPath: string, update: () => Promise<T>, waitMs: number): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + waitMs;
  for (;;) {
    const lock = tryLock(lockPath);
    if ('release' in lock) {
      try {
        return await update();
      } finally {
        lock.release();
      }
    }
    if (Date.now() > deadline) {
      throw new WgDeckError(
        'STORE_BUSY',
        `${lockPath} has been held by process ${lock.heldBy} for over ${waitMs / 1000} s; is it stuck?`,
      );
    }
    await sleep(5 + Math.random() * 20); // jitter: two waiters do not retry in lockstep
  }
}
