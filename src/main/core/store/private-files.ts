/**
 * Everything WG Deck writes to its data dir is for the user alone: server list, trust store, history
 * (peer names, endpoints, traffic). SQLite creates its database with the process umask (0644 in a
 * typical 0755 home) and gives the `-wal` and `-shm` files the database's own mode, so creating the
 * database file 0600 first keeps all three private.
 */

import { chmodSync, closeSync, openSync, statSync } from 'node:fs';

/** Creates `path` 0600 if missing, and takes group/world access away from one that exists. */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
}

/**
 * A warning when the data dir lets other local users in (group or world bits set), or null. Not
 * changed silently: the admin may share it on purpose, but should know that others can read it.
 */
export function dataDirExposure(dir: string): string | null {
  let mode: number;
  try {
    mode = statSync(dir).mode & 0o777;
  } catch {
    return null; // not there yet: it is created 0700
  }
  if ((mode & 0o077) === 0) return null;
  const who = mode & 0o007 ? 'every local user' : 'its group';
  return (
    `The data dir ${dir} is accessible to ${who} (mode ${mode.toString(8).padStart(4, '0')}); ` +
    `its files are created 0600, but consider: chmod 700 ${dir}`
  );
}
