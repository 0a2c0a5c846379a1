import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tryLock } from './process-lock.ts';

describe('tryLock', () => {
  it('is exclusive while held, free after release', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wgdeck-lock-')), 'x.lock');
    const first = tryLock(path);
    expect('release' in first).toBe(true);
    // Another process sees it held (same process would be taken for a stale self-lock).
    writeFileSync(path, String(process.ppid));
    expect(tryLock(path)).toEqual({ heldBy: process.ppid });
    writeFileSync(path, String(process.pid));
    if ('release' in first) first.release();
    const again = tryLock(path);
    expect('release' in again).toBe(true);
    if ('release' in again) again.release();
  });

  it('takes over a lock whose owner died', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wgdeck-lock-')), 'x.lock');
    const dead = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim();
    writeFileSync(path, dead);
    const lock = tryLock(path);
    expect('release' in lock).toBe(true);
  });
});
