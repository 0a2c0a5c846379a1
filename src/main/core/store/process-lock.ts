import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock between processes on one machine: a file holding the owner's pid. It appears
 * whole: the pid is written to a private temporary file first, which is then hard-linked into place
 * (link(2) fails when the name exists), so no reader ever sees an empty lock and takes it for a stale
 * one. A lock whose owner is gone (crash, kill -9) is taken over. Returns the release function, or the
 * pid of the live owner.
 */
export function tryLock(path: string): { release: () => void } | { heldBy: number } {
  for (let attempt = 0; attempt < 3; attempt++) {
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(temp, String(process.pid), { mode: 0o600, flag: 'wx' });
    let linked = false;
    try {
      linkSync(temp, path);
      linked = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temp);
    }
    if (linked) return { release: () => release(path) };
    let owner: number;
    try {
      owner = Number(readFileSync(path, 'utf8').trim());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile: try again
      throw error;
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner))
      return { heldBy: owner };
    // Stale: its owner is gone (or it is a leftover of an earlier process that had our pid). Removed
    // only if it still names that owner: another process may have taken it over meanwhile. (Two
    // processes taking over the same stale lock in the same instant remains possible: after a crash.)
    try {
      if (Number(readFileSync(path, 'utf8').trim()) === owner) unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`could not take the lock ${path}`);
}

function release(path: string): void {
  try {
    if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
  } catch {
    // already gone
  }
}
