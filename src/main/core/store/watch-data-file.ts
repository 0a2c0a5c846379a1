/**
 * Another process on the same data dir (the CLI, a second app, `serve`) changed a file: tell this one
 * within about a second. Polling `stat`, not inotify: every write replaces the file by rename, which a
 * watch on the old inode would miss, and polling works the same on every platform and file system.
 */

import { unwatchFile, watchFile, type Stats } from 'node:fs';

export const WATCH_INTERVAL_MS = 1000;

export function watchDataFile(
  path: string,
  onChange: () => void,
  intervalMs = WATCH_INTERVAL_MS,
): () => void {
  const listener = (now: Stats, before: Stats): void => {
    if (now.ino !== before.ino || now.mtimeMs !== before.mtimeMs || now.size !== before.size) onChange();
  };
  // A watcher must not keep a CLI process (or a test) alive on its own.
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
