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
    await this.#update((servers) => {
      if (persist) servers[server] = safe.encryptString(JSON.stringify(credentials)).toString('base64');
      else delete servers[server];
    });
  }

  async delete(server: string): Promise<void> {
    this.#memory.delete(server);
    if (!this.#safe) return;
    await this.#update((servers) => {
      delete servers[server];
    });
  }

  async #read(): Promise<SecretsFile> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.#file, 'utf8'));
    } catch {
      return { version: 1, servers: {} };
    }
    const servers: Record<string, string> = Object.create(null) as Record<string, string>;
    const raw = (parsed as { servers?: unknown } | null)?.servers;
    if (typeof raw === 'object' && raw !== null) {
      for (const [name, value] of Object.entries(raw)) if (typeof value === 'string') servers[name] = value;
    }
    return { version: 1, servers };
  }

  /** Read-modify-write, one at a time, written atomically with mode 0600. */
  #update(change: (servers: Record<string, string>) => void): Promise<void> {
    const next = this.#writes.then(async () => {
      const file = await this.#read();
      const before = JSON.stringify(file.servers);
      change(file.servers);
      if (JSON.stringify(file.servers) === before) return;
      await writeFileAtomic(
        this.#file,
        `${JSON.stringify({ version: 1, servers: { ...file.servers } }, null, 2)}\n`,
      );
    });
    this.#writes = next.catch(() => undefined);
    return next;
  }
}
