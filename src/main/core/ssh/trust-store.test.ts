import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  generateKey,
  keygenFind,
  keygenFingerprints,
  keyText,
  tempDir,
} from '../../../../test/fixtures/ssh/keygen.ts';
import type { GeneratedKey } from '../../../../test/fixtures/ssh/keygen.ts';
import { TrustStore, TrustStoreConflictError } from './trust-store.ts';

let tmp: ReturnType<typeof tempDir>;
let ed: GeneratedKey;
let ed2: GeneratedKey;
let ec: GeneratedKey;
let rsa: GeneratedKey;
let dataDir: string;
let counter = 0;

beforeAll(() => {
  tmp = tempDir();
  ed = generateKey(tmp.dir, 'ed25519');
  ed2 = generateKey(tmp.dir, 'ed25519', 'ed25519-new');
  ec = generateKey(tmp.dir, 'ecdsa384');
  rsa = generateKey(tmp.dir, 'rsa');
});
afterAll(() => tmp.cleanup());
beforeEach(() => {
  dataDir = path.join(tmp.dir, `data-${++counter}`, 'nested');
});

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

describe('TrustStore', () => {
  it('starts empty without a file', async () => {
    const store = new TrustStore(dataDir);
    expect(await store.entries()).toEqual([]);
    expect(await store.forget('a.example', 22)).toBe(0);
    expect(existsSync(store.path)).toBe(false);
  });

  it('writes <dataDir>/known_hosts with mode 0600 that ssh-keygen reads', async () => {
    const store = new TrustStore(dataDir);
    await store.trust('198.18.1.2', 22, ed.keyType, ed.blob);
    await store.trust('Web.Example', 2222, ec.keyType, ec.blob);
    expect(store.path).toBe(path.join(dataDir, 'known_hosts'));
    expect(mode(store.path)).toBe(0o600);
    expect(mode(dataDir)).toBe(0o700);

    const text = readFileSync(store.path, 'utf8');
    expect(text).toMatch(/^# WG Deck/);
    expect(text).toContain(`\n198.18.1.2 ${keyText(ed)}\n`);
    expect(text).toContain(`\n[web.example]:2222 ${keyText(ec)}\n`); // unhashed, lower-cased, bracketed
    expect(readdirSync(dataDir)).toEqual(['known_hosts']); // no temp file left behind

    expect(keygenFind(store.path, '198.18.1.2')).toEqual([3]);
    expect(keygenFind(store.path, '[web.example]:2222')).toEqual([4]);
    expect(keygenFind(store.path, 'web.example')).toEqual([]);
    expect(keygenFingerprints(store.path)).toEqual([ed.fingerprint, ec.fingerprint]);

    const entries = await store.entries();
    expect(entries.map((e) => [e.hostField, e.keyType, e.line, e.file])).toEqual([
      ['198.18.1.2', 'ssh-ed25519', 3, store.path],
      ['[web.example]:2222', 'ecdsa-sha2-nistp384', 4, store.path],
    ]);
  });

  it('trusting the same key twice is a no-op; another key type is added', async () => {
    const store = new TrustStore(dataDir);
    await store.trust('a.example', 22, ed.keyType, ed.blob);
    const before = readFileSync(store.path, 'utf8');
    await store.trust('A.EXAMPLE', 22, ed.keyType, ed.blob);
    expect(readFileSync(store.path, 'utf8')).toBe(before);
    await store.trust('a.example', 22, rsa.keyType, rsa.blob);
    expect((await store.entries()).map((e) => e.keyType)).toEqual(['ssh-ed25519', 'ssh-rsa']);
  });

  it('refuses to add a different key of the same type: replacing must be deliberate', async () => {
    const store = new TrustStore(dataDir);
    await store.trust('a.example', 22, ed.keyType, ed.blob);
    const err = await store.trust('a.example', 22, ed2.keyType, ed2.blob).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrustStoreConflictError);
    expect(err).toMatchObject({ code: 'TRUST_STORE_CONFLICT', host: 'a.example', port: 22 });
    expect((err as Error).message).toMatch(
      /already trusts a different ssh-ed25519 key for a\.example \(line 3\)/,
    );
    // the same key on another port is another host
    await store.trust('a.example', 2222, ed2.keyType, ed2.blob);
  });

  it('forget removes every key for that host:port only, then a new key can be trusted', async () => {
    const store = new TrustStore(dataDir);
    await store.trust('a.example', 22, ed.keyType, ed.blob);
    await store.trust('a.example', 22, rsa.keyType, rsa.blob);
    await store.trust('a.example', 2222, ed.keyType, ed.blob);
    await store.trust('b.example', 22, ed.keyType, ed.blob);
    expect(await store.forget('A.example', 22)).toBe(2);
    expect((await store.entries()).map((e) => e.hostField)).toEqual(['[a.example]:2222', 'b.example']);
    expect(keygenFind(store.path, 'a.example')).toEqual([]);
    expect(await store.forget('a.example', 22)).toBe(0);

    await store.trust('a.example', 22, ed2.keyType, ed2.blob);
    expect(keygenFind(store.path, 'a.example')).toHaveLength(1);
    expect((await store.entries()).at(-1)?.blob.equals(ed2.blob)).toBe(true);
    expect(mode(store.path)).toBe(0o600);
  });

  it('keeps what an admin added: comments, other lines; forget never drops @revoked', async () => {
    mkdirSync(dataDir, { recursive: true });
    const store = new TrustStore(dataDir);
    writeFileSync(
      store.path,
      [
        '# maintained by ops',
        `@revoked * ${keyText(rsa)}`,
        `a.example,c.example ${keyText(ec)}`,
        'garbage line',
        `b.example ${keyText(ed)}`,
      ].join('\n'), // no trailing newline
      { mode: 0o644 },
    );
    const { warnings } = await store.read();
    expect(warnings).toEqual([{ file: store.path, line: 4, message: expect.any(String) as string }]);
    await store.trust('d.example', 22, ed.keyType, ed.blob);
    let text = readFileSync(store.path, 'utf8');
    expect(text.split('\n')).toEqual([
      '# maintained by ops',
      `@revoked * ${keyText(rsa)}`,
      `a.example,c.example ${keyText(ec)}`,
      'garbage line',
      `b.example ${keyText(ed)}`,
      `d.example ${keyText(ed)}`,
      '',
    ]);
    expect(mode(store.path)).toBe(0o600); // rewritten files are 0600 whatever the old mode

    // the comma-list line covers a.example, so it goes (c.example will simply be asked about again)
    expect(await store.forget('a.example', 22)).toBe(1);
    text = readFileSync(store.path, 'utf8');
    expect(text).toContain('@revoked *');
    expect(text).toContain('# maintained by ops');
    expect(text).not.toContain('a.example');
  });

  it('serialises concurrent writes from one process', async () => {
    const store = new TrustStore(dataDir);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.trust(`h${i}.example`, 22, ed.keyType, ed.blob)),
    );
    const hosts = (await store.entries()).map((e) => e.hostField).sort();
    expect(hosts).toHaveLength(20);
    expect(new Set(hosts).size).toBe(20);
    expect(readdirSync(dataDir)).toEqual(['known_hosts']);
  });

  it('rejects host names and ports that could change the meaning of a line', async () => {
    const store = new TrustStore(dataDir);
    const hostile = [
      '',
      'a b',
      'a,b',
      'a\nb ssh-ed25519 AAAA',
      '*.example',
      'h?',
      '!a',
      '[a]:22',
      '|1|abc|def',
      '@revoked',
      '#x',
      '-oProxyCommand=touch',
      '$(touch /tmp/x)',
      'a;rm -rf ~',
      'a`id`',
      'x'.repeat(300),
    ];
    for (const host of hostile) {
      await expect(store.trust(host, 22, ed.keyType, ed.blob), JSON.stringify(host)).rejects.toThrow(
        /invalid host name/,
      );
    }
    for (const port of [0, -1, 65536, 22.5, Number.NaN]) {
      await expect(store.trust('a.example', port, ed.keyType, ed.blob)).rejects.toThrow(/invalid port/);
    }
    await expect(store.trust('a.example', 22, 'ssh-rsa', ed.blob)).rejects.toThrow(/does not match/);
    await expect(store.trust('a.example', 22, 'ssh-ed25519', Buffer.from('junk'))).rejects.toThrow(
      /malformed SSH public key/,
    );
    expect(existsSync(store.path)).toBe(false);
    // IPv6 literals are fine
    await store.trust('2001:2:0:1db8::1', 2222, ed.keyType, ed.blob);
    expect(keygenFind(store.path, '[2001:2:0:1db8::1]:2222')).toEqual([3]);
  });

  // root ignores directory permissions
  it('fails loudly when the store cannot be written, leaving the old file intact', async () => {
    const store = new TrustStore(dataDir);
    await store.trust('a.example', 22, ed.keyType, ed.blob);
    const before = readFileSync(store.path, 'utf8');
    const restore = makeUnwritable(dataDir);
    try {
      await expect(store.trust('b.example', 22, ed.keyType, ed.blob)).rejects.toThrow(/EACCES|EPERM/);
    } finally {
      restore();
    }
    expect(readFileSync(store.path, 'utf8')).toBe(before);
    await store.trust('b.example', 22, ed.keyType, ed.blob); // the queue is not stuck after a failure
  });

  it('an unreadable store is an error, not an empty store', async () => {
    const store = new TrustStore(dataDir);
    mkdirSync(store.path, { recursive: true }); // a directory where the file should be
    await expect(store.entries()).rejects.toThrow(/EISDIR/);
    await expect(store.trust('a.example', 22, ed.keyType, ed.blob)).rejects.toThrow(/EISDIR/);
    expect(readdirSync(dataDir)).toEqual(['known_hosts']);
  });
});

/**
 * A directory nobody can create files in. Root ignores permission bits, so as root (CI) the directory
 * is made immutable instead (ext4/xfs/btrfs support it); if that fails the test fails, it never skips.
 */
function makeUnwritable(dir: string): () => void {
  if (process.getuid?.() !== 0) {
    chmodSync(dir, 0o500);
    return () => chmodSync(dir, 0o700);
  }
  execFileSync('chattr', ['+i', dir]);
  return () => execFileSync('chattr', ['-i', dir]);
}
