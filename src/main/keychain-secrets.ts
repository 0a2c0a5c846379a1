import { readFile } from 'node:fs/promises';
import type { Credentials } from './core/ssh/auth.ts';
import type { SecretStore } from './core/secrets.ts';
import { writeFileAtomic } from './core/store/atomic-file.ts';
import { checkCredentials } from './engine-protocol.ts';

/** Electron's safeStorage, as far as this store uses it (a fake in tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export const SECRETS_FILE = 'secrets.json';

/**
 * Whether remembered passwords can be kept across runs safely. Linux's `basic_text` backend (no
 * keyring running) "encrypts" with a hard-coded key, which is no protection at all; `unknown` means
 * it was asked before the app was ready. Both: memory only, and the UI asks once per run.
 */
export function canPersistSecrets(
  safe: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (!safe.isEncryptionAvailable()) return false;
  if (platform !== 'linux') return true;
  const backend = safe.getSelectedStorageBackend?.() ?? 'unknown';
  return backend !== 'basic_text' && backend !== 'unknown';
}

interface SecretsFile {
  version: 1;
  /** Server name → safeStorage ciphertext of the credentials' JSON, base64. */
  servers: Record<string, string>;
  /**
   * Other secrets (a kept peer private key): id → safeStorage ciphertext of `{ id, value }`'s JSON,
   * base64. The id is sealed with the value so an entry moved to another id reads as damaged. Absent
   * in files written before items existed, and left out while empty.
   */
  items: Record<string, string>;
}

/** A record with no prototype: ids such as `__proto__` are plain keys. */
function record(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** The string-valued entries of `raw`, if it is an object; anything else is dropped. */
function stringEntries(raw: unknown): Record<string, string> {
  const entries = record();
  if (typeof raw === 'object' && raw !== null) {
    for (const [name, value] of Object.entries(raw)) if (typeof value === 'string') entries[name] = value;
  }
  return entries;
}

/**
 * A SecretStore backed by safeStorage (the OS keychain's key): every secret is held in memory for the
 * run; the ones the admin asked to remember are also written encrypted to the data dir — only where
 * `canPersistSecrets` holds. `safe: null` keeps everything in memory.
 */
export class KeychainSecretStore implements SecretStore {
  readonly canPersist: boolean;
  readonly #file: string;
  readonly #safe: SafeStorageLike | null;
  readonly #memory = new Map<string, Credentials>();
  readonly #items = new Map<string, string>();
  #writes: Promise<unknown> = Promise.resolve();

  constructor(file: string, safe: SafeStorageLike | null) {
    this.#file = file;
    this.#safe = safe;
    this.canPersist = safe !== null;
  }

  async get(server: string): Promise<Credentials | undefined> {
    const held = this.#memory.get(server);
    if (held) return { ...held };
    if (!this.#safe) return undefined;
    const file = await this.#read();
    const sealed = Object.hasOwn(file.servers, server) ? file.servers[server] : undefined;
    if (!sealed) return undefined;
    try {
      const credentials = checkCredentials(
        JSON.parse(this.#safe.decryptString(Buffer.from(sealed, 'base64'))),
      );
      if (!credentials) return undefined;
      this.#memory.set(server, credentials);
      return { ...credentials };
    } catch {
      return undefined; // another keychain, or a damaged entry: as if never remembered
    }
  }

  async set(server: string, credentials: Credentials, persist: boolean): Promise<void> {
    this.#memory.set(server, { ...credentials });
    if (!this.#safe) return;
    const safe = this.#safe;
    // Not remembering now also forgets what was remembered before.
    await this.#update(({ servers }) => {
      if (persist) servers[server] = safe.encryptString(JSON.stringify(credentials)).toString('base64');
      else delete servers[server];
    });
  }

  async delete(server: string): Promise<void> {
    this.#memory.delete(server);
    if (!this.#safe) return;
    await this.#update(({ servers }) => {
      delete servers[server];
    });
  }

  async getItem(id: string): Promise<string | undefined> {
    const held = this.#items.get(id);
    if (held !== undefined) return held;
    if (!this.#safe) return undefined;
    const file = await this.#read();
    const sealed = Object.hasOwn(file.items, id) ? file.items[id] : undefined;
    if (!sealed) return undefined;
    try {
      const opened = JSON.parse(this.#safe.decryptString(Buffer.from(sealed, 'base64'))) as unknown;
      if (typeof opened !== 'object' || opened === null) return undefined;
      const { id: sealedId, value } = opened as { id?: unknown; value?: unknown };
      if (sealedId !== id || typeof value !== 'string') return undefined;
      this.#items.set(id, value);
      return value;
    } catch {
      return undefined; // another keychain, or a damaged entry: as if never kept
    }
  }

  async setItem(id: string, value: string, persist: boolean): Promise<void> {
    this.#items.set(id, value);
    if (!this.#safe) return;
    const safe = this.#safe;
    // Not keeping it now also forgets what was kept before.
    await this.#update(({ items }) => {
      if (persist) items[id] = safe.encryptString(JSON.stringify({ id, value })).toString('base64');
      else delete items[id];
    });
  }

  async #read(): Promise<SecretsFile> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.#file, 'utf8'));
    } catch {
      return { version: 1, servers: record(), items: record() };
    }
    const file = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    return {
      version: 1,
      servers: stringEntries(Object.hasOwn(file, 'servers') ? file['servers'] : undefined),
      items: stringEntries(Object.hasOwn(file, 'items') ? file['items'] : undefined),
    };
  }

  /** Read-modify-write, one at a time, written atomically with mode 0600. */
  #update(change: (file: SecretsFile) => void): Promise<void> {
    const next = this.#writes.then(async () => {
      const file = await this.#read();
      const snapshot = (): string => JSON.stringify([file.servers, file.items]);
      const before = snapshot();
      change(file);
      if (snapshot() === before) return;
      const items = Object.keys(file.items).length > 0 ? { items: { ...file.items } } : {};
      await writeFileAtomic(
        this.#file,
        `${JSON.stringify({ version: 1, servers: { ...file.servers }, ...items }, null, 2)}\n`,
      );
    });
    this.#writes = next.catch(() => undefined);
    return next;
  }
}
