import type { Credentials } from './ssh/auth.ts';

/**
 * Where a server's password / key passphrase lives. The engine never writes secrets to its data dir:
 * the Electron shell backs this with safeStorage (OS keychain); browser mode and the CLI keep them in
 * memory for the run only.
 */
export interface SecretStore {
  get(server: string): Promise<Credentials | undefined>;
  /** `persist`: keep across runs (keychain) — refused silently by stores that cannot do it safely. */
  set(server: string, credentials: Credentials, persist: boolean): Promise<void>;
  delete(server: string): Promise<void>;
  /**
   * Other secrets, by id (a new peer's private key the admin chose to keep, `peer-key:SERVER:IF:PUBKEY`):
   * the same rules — `persist` only where the keychain is real, memory for the run otherwise.
   */
  getItem(id: string): Promise<string | undefined>;
  setItem(id: string, value: string, persist: boolean): Promise<void>;
  /** Whether `persist` is honoured (false for memory, and for Linux's basic_text safeStorage backend). */
  readonly canPersist: boolean;
}

export class MemorySecretStore implements SecretStore {
  readonly canPersist = false;
  readonly #secrets = new Map<string, Credentials>();
  readonly #items = new Map<string, string>();

  get(server: string): Promise<Credentials | undefined> {
    return Promise.resolve(this.#secrets.get(server));
  }

  set(server: string, credentials: Credentials): Promise<void> {
    this.#secrets.set(server, { ...credentials });
    return Promise.resolve();
  }

  delete(server: string): Promise<void> {
    this.#secrets.delete(server);
    return Promise.resolve();
  }

  getItem(id: string): Promise<string | undefined> {
    return Promise.resolve(this.#items.get(id));
  }

  setItem(id: string, value: string): Promise<void> {
    this.#items.set(id, value);
    return Promise.resolve();
  }
}
