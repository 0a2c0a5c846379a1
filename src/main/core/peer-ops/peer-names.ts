import type { PeerNames } from '../../../shared/peer-ops.ts';
import type { ServerLive } from '../../../shared/domain.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { errorMessage } from '../errors.ts';
import { PeerNameBook } from './name-book.ts';

/**
 * Peer names, which live in the config files that monitoring never reads: learned from every file a
 * peer operation reads or writes, and — for a root login — read once when its session comes up.
 * Through sudo only `wg` may be allowed: a `sudo /bin/sh` attempt would be a failed sudo in the
 * server's auth log, so there names come from peer operations only.
 */
export class PeerNamesService {
  readonly #book = new PeerNameBook();
  /** Servers whose names were read on connect (once per run). */
  readonly #readOnConnect = new Set<string>();
  readonly #emit: (names: PeerNames) => void;
  readonly #log: ((message: string) => void) | undefined;

  constructor(emit: (names: PeerNames) => void, log?: (message: string) => void) {
    this.#emit = emit;
    this.#log = log;
  }

  all(): PeerNames[] {
    return this.#book.all();
  }

  /** A config file's text was seen (read or written by a peer operation). */
  learn(server: string, iface: string, text: string): void {
    const learned = this.#book.learn(server, iface, text);
    if (learned) this.#emit(learned);
  }

  /** A live update: the first connected one of a root login reads its interfaces' files. */
  onLive(
    server: ServerConfig,
    live: ServerLive,
    read: (server: string, ifaces: string[]) => Promise<void>,
  ): void {
    if (live.state !== 'connected' || live.interfaces.length === 0) return;
    if (server.sudo || server.user !== 'root' || this.#readOnConnect.has(server.name)) return;
    this.#readOnConnect.add(server.name);
    read(
      server.name,
      live.interfaces.map((i) => i.name),
    ).catch((error: unknown) => this.#log?.(`peer names of ${server.name}: ${errorMessage(error)}`));
  }

  forget(server: string): void {
    this.#book.forget(server);
    this.#readOnConnect.delete(server);
  }
}
