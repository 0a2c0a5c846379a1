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
  /** Whether `persist` is honoured (false for memory, and for Linux's basic_text safeStorage backend). */
  readonly canPersist: boolean;
}

export class MemorySecretStore implements SecretStore {
  readonly canPersist = false;
  readonly #secrets = new Map<string, Credentials>();

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
}
