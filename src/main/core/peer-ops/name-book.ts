/**
 * Peer names, as the config files say (`# Name = …`), for the live views: the collector streams
 * `wg show` only, which knows keys, not names. Learned from every config file the engine reads or
 * writes, or remembered from earlier runs; one entry per server and interface.
 */

import type { PeerNames } from '../../../shared/peer-ops.ts';
import { configPeers, parseConfig } from '../peers/config-file.ts';

export class PeerNameBook {
  readonly #names = new Map<string, PeerNames>();

  /** Learns the names in `fileText`; returns them when they differ from what was known. */
  learn(server: string, iface: string, fileText: string): PeerNames | null {
    const names: Record<string, string> = {};
    const checkAddresses: Record<string, string> = {};
    for (const peer of configPeers(parseConfig(fileText))) {
      if (peer.publicKey === null) continue;
      if (peer.name !== null) names[peer.publicKey] = peer.name;
      if (peer.checkAddress !== null) checkAddresses[peer.publicKey] = peer.checkAddress;
    }
    // Only files that set some carry the field: the others' entries stay as they were.
    const entry: PeerNames =
      Object.keys(checkAddresses).length > 0
        ? { server, iface, names, checkAddresses }
        : { server, iface, names };
    return this.set(entry) ? entry : null;
  }

  /** Takes `entry` as what is known of its interface (remembered in the data dir); whether that changed anything. */
  set(entry: PeerNames): boolean {
    const key = `${entry.server}\n${entry.iface}`;
    const known = this.#names.get(key);
    if (
      known &&
      JSON.stringify(known.names) === JSON.stringify(entry.names) &&
      JSON.stringify(known.checkAddresses ?? {}) === JSON.stringify(entry.checkAddresses ?? {})
    )
      return false;
    this.#names.set(key, entry);
    return true;
  }

  /** A peer's name as known now, or null. */
  nameOf(server: string, iface: string, publicKey: string): string | null {
    return this.#names.get(`${server}\n${iface}`)?.names[publicKey] ?? null;
  }

  /** The check addresses of an interface's peers (`# CheckAddress = …`), or undefined when none are known. */
  checkAddressesOf(server: string, iface: string): Readonly<Record<string, string>> | undefined {
    return this.#names.get(`${server}\n${iface}`)?.checkAddresses;
  }

  all(): PeerNames[] {
    return [...this.#names.values()];
  }

  forget(server: string): void {
    for (const key of [...this.#names.keys()]) if (key.startsWith(`${server}\n`)) this.#names.delete(key);
  }
}
