import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SegmentStore } from './segment-store.ts';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-seg-'));
  dirs.push(dir);
  return join(dir, 'vm-buffer');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const record = (n: number, size = 100) => ({ body: Buffer.alloc(size, n % 256), samples: n });
const names = (records: { body: Uint8Array }[]) => records.map((r) => r.body[0]);

describe('SegmentStore (the outage buffer)', () => {
  it('gives records back oldest first, in batches, and forgets only what was consumed', () => {
    const store = new SegmentStore(freshDir());
    store.append([record(1), record(2), record(3)]);
    expect(store.backlog).toEqual({ samples: 6, bytes: 3 * 116 });
    expect(names(store.peek(150))).toEqual([1]);
    expect(names(store.peek(250))).toEqual([1, 2]);
    store.consume(2);
    expect(names(store.peek(10_000))).toEqual([3]);
    expect(store.backlog.samples).toBe(3);
    store.consume(1);
    expect(store.empty).toBe(true);
    expect(store.peek(10_000)).toEqual([]);
  });

  it('is private: the directory 0700, its files 0600', () => {
    const dir = freshDir();
    const store = new SegmentStore(dir);
    store.append([record(1)]);
    store.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777, name).toBe(0o600);
  });

  it('a new process resumes at the first record not sent: nothing lost, nothing sent twice', () => {
    const dir = freshDir();
    const first = new SegmentStore(dir);
    first.append([record(1), record(2), record(3)]);
    first.consume(1);
    first.close();
    const second = new SegmentStore(dir);
    expect(names(second.peek(10_000))).toEqual([2, 3]);
    expect(second.backlog.samples).toBe(5);
    second.append([record(4)]);
    second.consume(2);
    second.close();
    const third = new SegmentStore(dir);
    expect(names(third.peek(10_000))).toEqual([4]);
  });

  it('a record cut short by a crash is dropped and the ones before it are kept', () => {
    const dir = freshDir();
    const logs: string[] = [];
    const store = new SegmentStore(dir);
    store.append([record(1), record(2)]);
    store.close();
    const [segment] = readdirSync(dir).filter((n) => n.endsWith('.seg'));
    const path = join(dir, segment!);
    truncateSync(path, statSync(path).size - 30);
    const reopened = new SegmentStore(dir, { log: (m) => logs.push(m) });
    expect(names(reopened.peek(10_000))).toEqual([1]);
    expect(logs.join('\n')).toMatch(/cut record/);
    expect(statSync(path).size).toBe(116);
  });

  it('a record whose bytes were damaged is dropped by its checksum', () => {
    const dir = freshDir();
    const store = new SegmentStore(dir);
    store.append([record(1)]);
    store.close();
    const [segment] = readdirSync(dir).filter((n) => n.endsWith('.seg'));
    appendFileSync(join(dir, segment!), Buffer.alloc(200, 7)); // garbage after a good record
    expect(names(new SegmentStore(dir, { log: () => undefined }).peek(10_000))).toEqual([1]);
  });

  it('past its cap it drops the oldest segments and says how many samples went', () => {
    const logs: string[] = [];
    const store = new SegmentStore(freshDir(), { capBytes: 512 * 1024, log: (m) => logs.push(m) });
    const big = 16 * 1024;
    for (let i = 1; i <= 80; i++) store.append([record(i, big)]);
    expect(store.backlog.bytes).toBeLessThanOrEqual(512 * 1024);
    expect(store.dropped).toBeGreaterThan(0);
    const left = store.peek(10 ** 9);
    // What is left is the newest, in order, up to the last one appended.
    expect(names(left).at(-1)).toBe(80);
    expect(store.backlog.samples).toBe(left.reduce((s, r) => s + r.samples, 0));
    expect(logs.join('\n')).toMatch(/buffer is full .* dropped its oldest \d+ samples/);
  });

  it('rolls segments and removes each one once it was sent', () => {
    const dir = freshDir();
    const store = new SegmentStore(dir, { capBytes: 8 * 1024 * 1024 });
    for (let i = 1; i <= 40; i++) store.append([record(i, 64 * 1024)]);
    const segments = () => readdirSync(dir).filter((n) => n.endsWith('.seg')).length;
    expect(segments()).toBeGreaterThan(2);
    let sent = 0;
    while (!store.empty) {
      const batch = store.peek(256 * 1024);
      sent += batch.length;
      store.consume(batch.length);
    }
    expect(sent).toBe(40);
    expect(segments()).toBe(0);
  });
});
