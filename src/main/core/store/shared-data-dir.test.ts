import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerStore } from './server-store.ts';
import { SettingsStore } from './settings-store.ts';

const WRITER = join(import.meta.dirname, 'store-writer.testkit.ts');
const dirs: string[] = [];
const dataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-shared-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function writer(dir: string, prefix: string, count: number, startAt: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', WRITER, dir, prefix, String(count), String(startAt)],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}

describe('one data dir, several processes', () => {
  it('two processes adding servers at once (and this one too) lose no write', async () => {
    const dir = dataDir();
    const store = new ServerStore(dir);
    const startAt = Date.now() + 1500; // every writer loaded and waiting: they start together
    const children = [writer(dir, 'a', 30, startAt), writer(dir, 'b', 30, startAt)];
    const local = (async () => {
      await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
      for (let i = 0; i < 30; i++) {
        await store.save({ name: `here-${i}`, host: '198.18.0.11', port: 22, user: 'root', sudo: false });
      }
    })();
    const codes = await Promise.all([...children, local]);
    expect(codes.slice(0, 2)).toEqual([0, 0]);
    const names = (await store.list()).map((s) => s.name);
    expect(names).toHaveLength(90);
    for (const prefix of ['a', 'b', 'here'])
      expect(names.filter((n) => n.startsWith(`${prefix}-`))).toHaveLength(30);
  }, 60_000);

  it('concurrent updates in one process are applied one after the other, none lost', async () => {
    const dir = dataDir();
    const store = new ServerStore(dir);
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.save({ name: `s-${i}`, host: '198.18.0.12', port: 22, user: 'root', sudo: false }),
      ),
    );
    expect(await store.list()).toHaveLength(25);
    const settings = new SettingsStore(dir);
    await Promise.all([settings.update({ intervalSeconds: 7 }), settings.update({ intervalSeconds: 9 })]);
    expect([7, 9]).toContain((await settings.get()).intervalSeconds);
  });
});
