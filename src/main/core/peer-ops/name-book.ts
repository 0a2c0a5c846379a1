/**
 * Peer names, as the config files say (`# Name = …`), for the live views: the collector streams
 * `wg show` only, which knows keys, not names. Learned from every config file the engine reads or
 * writes, or remembered from earlier runs; one entry per server and interface.
 */

import type { PeerNames } from '../../../shared/peer-ops.ts';
import type { PeerOptions } from '../../../shared/peer-options.ts';
import { configPeers, parseConfig, type FilePeer } from '../peers/config-file.ts';

/** A peer's own monitoring options from its comments, or null when it sets none. */
function optionsOfPeer(peer: FilePeer): PeerOptions | null {
  const options: PeerOptions = {};
  if (peer.checkAddress !== null) options.checkAddress = peer.checkAddress;
  if (peer.statusRule !== null) options.rule = peer.statusRule;
  if (peer.statusThresholds !== null) {
    options.onlineSeconds = peer.statusThresholds.onlineSeconds;
    options.staleSeconds = peer.statusThresholds.staleSeconds;
  }
  return Object.keys(options).length > 0 ? options : null;
}

export class PeerNameBook {
  readonly #names = new Map<string, PeerNames>();

  /** Learns the names in `fileText`; returns them when they differ from what was known. */
  learn(server: string, iface: string, fileText: string): PeerNames | null {
    const names: Record<string, string> = {};
    const options: Record<string, PeerOptions> = {};
    for (const peer of configPeers(parseConfig(fileText))) {
      if (peer.publicKey === null) continue;
      if (peer.name !== null) names[peer.publicKey] = peer.name;
      const own = optionsOfPeer(peer);
      if (own) options[peer.publicKey] = own;
    }
    // Only files that set some carry the field: the others' entries stay as they were.
    const entry: PeerNames =
      Object.keys(options).length > 0 ? { server, iface, names, options } : { server, iface, names };
    return this.set(entry) ? entry : null;
  }

  /** Takes `entry` as what is known of its interface (remembered in the data dir); whether that changed anything. */
  set(entry: PeerNames): boolean {
    const key = `${entry.server}\n${entry.iface}`;
    const known = this.#names.get(key);
    if (
      known &&
      JSON.stringify(known.names) === JSON.stringify(entry.names) &&
      JSON.stringify(known.options ?? {}) === JSON.stringify(entry.options ?? {})
    )
      return false;
    this.#names.set(key, entry);
    return true;
  }

  /** A peer's name as known now, or null. */
  nameOf(server: string, iface: string, publicKey: string): string | null {
    return this.#names.get(`${server}\n${iface}`)?.names[publicKey] ?? null;
  }

  /** The monitoring options of an interface's peers (peer-options.ts), or undefined when none are known. */
  optionsOf(server: string, iface: string): Readonly<Record<string, PeerOptions>> | undefined {
    return this.#names.get(`${server}\n${iface}`)?.options;
  }

  all(): PeerNames[] {
    return [...this.#names.values()];
  }

  forget(server: string): void {
    for (const key of [...this.#names.keys()]) if (key.startsWith(`${server}\n`)) this.#names.delete(key);
  }
}
