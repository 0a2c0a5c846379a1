import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KeychainSecretStore, canPersistSecrets, type SafeStorageLike } from './keychain-secrets.ts';

function safe(options: { available?: boolean; backend?: string; key?: string } = {}): SafeStorageLike {
  const key = options.key ?? 'k1';
  return {
    isEncryptionAvailable: () => options.available ?? true,
    encryptString: (plain) => Buffer.from(`${key}:${Buffer.from(plain).toString('base64')}`),
    decryptString: (sealed) => {
      const [k, body] = sealed.toString().split(':');
      if (k !== key)
        throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(body!, 'base64').toString();
    },
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
  };
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-keychain-'));
  dirs.push(dir);
  return join(dir, 'secrets.json');
}

describe('canPersistSecrets (which backend may keep passwords)', () => {
  it.each([
    ['linux', true, 'gnome_libsecret', true],
    ['linux', true, 'kwallet5', true],
    ['linux', true, 'kwallet6', true],
    ['linux', true, 'basic_text', false], // a hard-coded key: no protection
    ['linux', true, 'unknown', false], // asked before ready
    ['linux', false, 'gnome_libsecret', false],
    ['darwin', true, 'unknown', true], // Keychain; the backend question is Linux-only
    ['win32', true, 'unknown', true], // DPAPI
    ['darwin', false, 'unknown', false],
  ] as const)('%s, available %s, backend %s → %s', (platform, available, backend, expected) => {
    expect(canPersistSecrets(safe({ available, backend }), platform)).toBe(expected);
  });
});

describe('KeychainSecretStore', () => {
  it('keeps secrets in memory only without a safe backend', async () => {
    const path = file();
    const store = new KeychainSecretStore(path, null);
    expect(store.canPersist).toBe(false);
    await store.set('a', { password: 'p' }, true);
    expect(await store.get('a')).toEqual({ password: 'p' });
    expect(existsSync(path)).toBe(false);
    expect(await new KeychainSecretStore(path, null).get('a')).toBeUndefined();
  });

  it('persists remembered secrets encrypted, mode 0600, and reads them in the next run', async () => {
    const path = file();
    const store = new KeychainSecretStore(path, safe());
    expect(store.canPersist).toBe(true);
    await store.set('edge-1', { password: 'correct horse', passphrase: 'battery' }, true);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain('battery');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await new KeychainSecretStore(path, safe()).get('edge-1')).toEqual({
      password: 'correct horse',
      passphrase: 'battery',
    });
  });

  it('does not write what the admin did not ask to remember, and forgets what it no longer should', async () => {
    const path = file();
    const store = new KeychainSecretStore(path, safe());
    await store.set('a', { password: 'once' }, false);
    expect(await store.get('a')).toEqual({ password: 'once' });
    expect(existsSync(path)).toBe(false);
    await store.set('b', { password: 'kept' }, true);
    await store.set('b', { password: 'not-kept' }, false);
    expect(await new KeychainSecretStore(path, safe()).get('b')).toBeUndefined();
  });

  it('deletes from memory and disk', async () => {
    const path = file();
    const store = new KeychainSecretStore(path, safe());
    await store.set('a', { password: 'p' }, true);
    await store.set('b', { password: 'q' }, true);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    const next = new KeychainSecretStore(path, safe());
    expect(await next.get('a')).toBeUndefined();
    expect(await next.get('b')).toEqual({ password: 'q' });
  });

  it('treats another keychain, damaged entries and a damaged file as "not remembered"', async () => {
    const path = file();
    await new KeychainSecretStore(path, safe({ key: 'k1' })).set('a', { password: 'p' }, true);
    expect(await new KeychainSecretStore(path, safe({ key: 'k2' })).get('a')).toBeUndefined();
    writeFileSync(path, JSON.stringify({ version: 1, servers: { a: 42, b: 'garbage', __proto__: 'x' } }));
    expect(await new KeychainSecretStore(path, safe()).get('a')).toBeUndefined();
    expect(await new KeychainSecretStore(path, safe()).get('b')).toBeUndefined();
    writeFileSync(path, '{not json');
    const store = new KeychainSecretStore(path, safe());
    expect(await store.get('a')).toBeUndefined();
    await store.set('c', { password: 'r' }, true); // a damaged file is replaced, not a crash
    expect(await new KeychainSecretStore(path, safe()).get('c')).toEqual({ password: 'r' });
  });

  it('serialises concurrent writes', async () => {
    const path = file();
    const store = new KeychainSecretStore(path, safe());
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`s${i}`, { password: `p${i}` }, true)));
    const next = new KeychainSecretStore(path, safe());
    for (let i = 0; i < 20; i++) expect(await next.get(`s${i}`)).toEqual({ password: `p${i}` });
  });
});

describe('KeychainSecretStore items (generic secrets by id)', () => {
  // Ids carry a WireGuard public key: base64, so `:`, `+`, `/` and `=` are all ordinary.
  const id = 'peer-key:edge-1:wg0:ab+/cdEFghIJklMNopQRstUVwxYZ0123456789+/AB=';
  const other = 'peer-key:edge-1:wg0:Zz9+/yXwVuTsRqPoNmLkJiHgFeDcBa0123456789+/Q=';
  const key = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';

  it('persists a kept item encrypted, mode 0600, and reads it in the next run', async () => {
    const path = file();
    const store = new KeychainSecretStore(path, safe());
    await store.setItem(id, key, true);
    expect(await store.getItem(id)).toBe(key);
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(key);
    expect(Object.keys((JSON.parse(text) as { items: object }).items)).toEqual([id]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const next = new KeychainSecretStore(path, safe());
    expect(await next.getItem(id)).toBe(key);
    expect(await next.getItem(other)).toBeUndefined();
  });

  it('keeps items and servers side by side in the same file', async () => {
    const path = file();
    const store = new KeychainSecretStore(path, safe());
    await store.set('edge-1', { password: 'p' }, true);
    await store.setItem(id, key, true);
    await store.set('edge-2', { password: 'q' }, true);
    await store.delete('edge-1');
    const next = new KeychainSecretStore(path, safe());
    expect(await next.get('edge-1')).toBeUndefined();
    expect(await next.get('edge-2')).toEqual({ password: 'q' });
    expect(await next.getItem(id)).toBe(key);
    expect(await next.getItem('edge-2')).toBeUndefined(); // separate namespaces
    expect(await next.get(id)).toBeUndefined();
  });

  it('does not write an item not asked to be kept, and persist false forgets a kept one', async () => {
    const path = file();
    const store = new KeychainSecretStore(path, safe());
    await store.setItem(id, 'once', false);
    expect(await store.getItem(id)).toBe('once'); // memory for the run
    expect(existsSync(path)).toBe(false);
    await store.setItem(other, key, true);
    expect(await new KeychainSecretStore(path, safe()).getItem(other)).toBe(key);
    await store.setItem(other, 'replaced', false);
    expect(await store.getItem(other)).toBe('replaced');
    expect(await new KeychainSecretStore(path, safe()).getItem(other)).toBeUndefined();
    expect(readFileSync(path, 'utf8')).not.toContain('items'); // the empty record is left out
  });

  it('keeps items in memory only where the backend cannot persist', async () => {
    const path = file();
    // What main does: a backend that cannot keep secrets safely (basic_text, unavailable) is no backend.
    for (const backend of [safe({ backend: 'basic_text' }), safe({ available: false })]) {
      const store = new KeychainSecretStore(path, canPersistSecrets(backend, 'linux') ? backend : null);
      expect(store.canPersist).toBe(false);
      await store.setItem(id, key, true);
      expect(await store.getItem(id)).toBe(key);
      expect(existsSync(path)).toBe(false);
      expect(await new KeychainSecretStore(path, null).getItem(id)).toBeUndefined();
      expect(await new KeychainSecretStore(path, safe()).getItem(id)).toBeUndefined();
    }
  });

  it('reads a file written before items existed, and keeps its servers when adding one', async () => {
    const path = file();
    await new KeychainSecretStore(path, safe()).set('edge-1', { password: 'p' }, true);
    const before = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(before).sort()).toEqual(['servers', 'version']); // the format as before
    const store = new KeychainSecretStore(path, safe());
    expect(await store.getItem(id)).toBeUndefined();
    await store.setItem(id, key, true);
    const next = new KeychainSecretStore(path, safe());
    expect(await next.get('edge-1')).toEqual({ password: 'p' });
    expect(await next.getItem(id)).toBe(key);
  });

  it('treats another keychain, damaged or moved entries as "not kept"', async () => {
    const path = file();
    await new KeychainSecretStore(path, safe({ key: 'k1' })).setItem(id, key, true);
    expect(await new KeychainSecretStore(path, safe({ key: 'k2' })).getItem(id)).toBeUndefined();
    const sealed = (JSON.parse(readFileSync(path, 'utf8')) as { items: Record<string, string> }).items[id]!;
    const seal = (plain: string): string => safe().encryptString(plain).toString('base64');
    writeFileSync(
      path,
      JSON.stringify({
        version: 1,
        servers: { a: 'garbage' },
        items: {
          [other]: sealed, // a kept key moved to another peer's id
          a: 42,
          b: 'garbage',
          c: seal(JSON.stringify({ id: 'c', value: 7 })),
          d: seal('"just a string"'),
          e: seal('not json'),
          ['__proto__']: seal(JSON.stringify({ id: '__proto__', value: 'x' })),
        },
      }),
    );
    const store = new KeychainSecretStore(path, safe());
    for (const name of [other, 'a', 'b', 'c', 'd', 'e', 'toString'])
      expect(await store.getItem(name)).toBeUndefined();
    expect(await store.getItem(id)).toBeUndefined();
    expect(await store.getItem('__proto__')).toBe('x'); // just a key
    writeFileSync(path, JSON.stringify({ version: 1, servers: {}, items: 'nope' }));
    expect(await new KeychainSecretStore(path, safe()).getItem(id)).toBeUndefined();
    writeFileSync(path, '{not json');
    const fresh = new KeychainSecretStore(path, safe());
    expect(await fresh.getItem(id)).toBeUndefined();
    await fresh.setItem(id, key, true); // a damaged file is replaced, not a crash
    expect(await new KeychainSecretStore(path, safe()).getItem(id)).toBe(key);
  });

  it('serialises concurrent writes of items and servers', async () => {
    const path = file();
    const store = new KeychainSecretStore(path, safe());
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2
          ? store.setItem(`peer-key:s:wg0:${i}`, `v${i}`, true)
          : store.set(`s${i}`, { password: `p${i}` }, true),
      ),
    );
    const next = new KeychainSecretStore(path, safe());
    for (let i = 0; i < 20; i++) {
      if (i % 2) expect(await next.getItem(`peer-key:s:wg0:${i}`)).toBe(`v${i}`);
      else expect(await next.get(`s${i}`)).toEqual({ password: `p${i}` });
    }
  });
});
