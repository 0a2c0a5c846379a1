import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_FILE } from '../history/index.ts';
import { openDatabase } from '../history/schema.ts';
import { dataDirExposure, ensurePrivateFile } from './private-files.ts';

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
const dirs: string[] = [];
const sharedDir = (): string => {
  // The case the review found: an existing data dir that is 0755, a process umask of 022.
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-private-'));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('data files', () => {
  it('the history database and its -wal and -shm files are created 0600, whatever the umask', () => {
    const previous = process.umask(0o022);
    try {
      const path = join(sharedDir(), HISTORY_FILE);
      const db = openDatabase(path);
      db.exec('CREATE TABLE probe (x); INSERT INTO probe VALUES (1)');
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect(existsSync(file), file).toBe(true);
        expect(mode(file), file).toBe('600');
      }
      db.close();
    } finally {
      process.umask(previous);
    }
  });

  it('an existing database left 0644 by an older version is made private', () => {
    const path = join(sharedDir(), HISTORY_FILE);
    writeFileSync(path, '', { mode: 0o644 });
    chmodSync(path, 0o644);
    ensurePrivateFile(path);
    expect(mode(path)).toBe('600');
    openDatabase(path).close();
    expect(mode(path)).toBe('600');
  });

  it('a data dir that other users can enter is reported, a private one is not', () => {
    const dir = sharedDir();
    expect(dataDirExposure(dir)).toMatch(/every local user \(mode 0755\).*chmod 700/);
    chmodSync(dir, 0o750);
    expect(dataDirExposure(dir)).toMatch(/its group \(mode 0750\)/);
    chmodSync(dir, 0o700);
    expect(dataDirExposure(dir)).toBeNull();
    expect(dataDirExposure(join(dir, 'missing'))).toBeNull();
  });
});
