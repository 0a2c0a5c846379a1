import type { PeerOptions } from '../../../shared/peer-options.ts';
import type { PeerNames } from '../../../shared/peer-ops.ts';
import type { ServerLive } from '../../../shared/domain.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { errorMessage } from '../errors.ts';
import type { PeerNamesStore } from '../store/peer-names-store.ts';
import { PeerNameBook } from './name-book.ts';

export interface PeerNamesOptions {
  emit: (names: PeerNames) => void;
  log?: (message: string) => void;
  /** Where names are remembered across runs (the data dir); none: this run only (tests). */
  store?: PeerNamesStore;
}

/**
 * Peer names, which live in the config files that monitoring never reads: learned from every file a
 * peer operation reads or writes, and read once per run when a server's session first comes up — as
 * root directly, through sudo only when sudo runs the read without a password (asked first without
 * trying: a refused sudo is a line in the server's auth log; see sudo-check.ts). Remembered in the
 * data dir, so every view names peers from the start; what a file says replaces what was remembered
 * of its interface (a rename or removal on the server shows once the file is read again).
 */
export class PeerNamesService {
  readonly #book = new PeerNameBook();
  /** Servers whose names were read on connect (once per run). */
  readonly #readOnConnect = new Set<string>();
  readonly #options: PeerNamesOptions;
  #loaded: Promise<void> | null = null;
  /** Learning and forgetting, one at a time and in order, each after the remembered names are loaded. */
  #queue: Promise<void> = Promise.resolve();

  constructor(options: PeerNamesOptions) {
    this.#options = options;
  }

  /** What is known, once what was remembered is loaded and what was learned so far is in. */
  async all(): Promise<PeerNames[]> {
    await this.#load();
    await this.#queue;
    return this.#book.all();
  }

  /** A peer's name as known at this moment (what is loaded and learned so far), or null. */
  nameOf(server: string, iface: string, publicKey: string): string | null {
    return this.#book.nameOf(server, iface, publicKey);
  }

  /** The monitoring options the interface's config file gives its peers, as known at this moment. */
  optionsOf(server: string, iface: string): Readonly<Record<string, PeerOptions>> | undefined {
    return this.#book.optionsOf(server, iface);
  }

  /** The lifecycle rules an interface's config file gives its peers, as known at this moment. */
  lifecycleOf(server: string, iface: string): ReturnType<PeerNameBook['lifecycleOf']> {
    return this.#book.lifecycleOf(server, iface);
  }

  /** Whether the interface's file was read in this run (the enforcer acts only then). */
  readThisRun(server: string, iface: string): boolean {
    return this.#book.readThisRun(server, iface);
  }

  /** A config file's text was seen (read or written by a peer operation). Remembered, then announced. */
  learn(server: string, iface: string, text: string): void {
    this.#enqueue(`peer names of ${server}`, async () => {
      const learned = this.#book.learn(server, iface, text);
      if (!learned) return;
      await this.#options.store?.put(learned).catch((error: unknown) => this.#logError('saving', error));
      this.#options.emit(learned);
    });
  }

  /** Another process on the data dir remembered names: take the ones that changed, and announce them. */
  reload(): void {
    this.#enqueue('peer names', async () => {
      for (const entry of (await this.#options.store?.list()) ?? []) {
        if (this.#book.set(entry)) this.#options.emit(entry);
      }
    });
  }

  /**
   * A live update: the first connected one of a server whose login can read the files (root, or
   * sudo) reads its interfaces' files. `read` returns the interfaces sudo would not read without a
   * password: not an error (names then come from peer operations), only a log line.
   */
  onLive(
    server: ServerConfig,
    live: ServerLive,
    read: (server: string, ifaces: string[]) => Promise<string[]>,
  ): void {
    if (live.state !== 'connected' || live.interfaces.length === 0) return;
    if (!server.sudo && server.user !== 'root') return; // no way to read /etc/wireguard
    if (this.#readOnConnect.has(server.name)) return;
    this.#readOnConnect.add(server.name);
    read(
      server.name,
      live.interfaces.map((i) => i.name),
    ).then(
      (skipped) => {
        if (skipped.length > 0)
          this.#options.log?.(
            `peer names of ${server.name}: sudo does not read the config files of ${skipped.join(', ')} ` +
              'without a password; names come from peer changes',
          );
      },
      (error: unknown) => this.#options.log?.(`peer names of ${server.name}: ${errorMessage(error)}`),
    );
  }

  forget(server: string): void {
    this.#readOnConnect.delete(server);
    this.#enqueue(`peer names of ${server}`, async () => {
      this.#book.forget(server);
      await this.#options.store?.forget(server);
    });
  }

  /** Resolves once everything learned or forgotten so far is remembered (tests, a clean exit). */
  async settled(): Promise<void> {
    await this.#queue;
  }

  #load(): Promise<void> {
    this.#loaded ??= (async () => {
      try {
        for (const entry of (await this.#options.store?.list()) ?? []) this.#book.set(entry);
      } catch (error) {
        this.#logError('loading', error);
      }
    })();
    return this.#loaded;
  }

  #enqueue(what: string, step: () => Promise<void>): void {
    this.#queue = this.#queue
      .then(() => this.#load())
      .then(step)
      .catch((error: unknown) => this.#options.log?.(`${what}: ${errorMessage(error)}`));
  }

  #logError(doing: string, error: unknown): void {
    this.#options.log?.(`${doing} remembered peer names: ${errorMessage(error)}`);
  }
}
