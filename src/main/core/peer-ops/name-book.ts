/**
 * Peer names, as the config files say (`# Name = …`), for the live views: the collector streams
 * `wg show` only, which knows keys, not names. Learned from every config file the engine reads or
 * writes, or remembered from earlier runs; one entry per server and interface.
 */

import type { PeerLifecycle } from '../../../shared/peer-lifecycle.ts';
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

/** A peer's lifecycle rules, or null when it has none (and no enforcer's reason for being disabled). */
function lifecycleOfPeer(peer: FilePeer): PeerLifecycle | null {
  const { quota, expiresAt, schedule, disabledBy } = peer;
  if (quota === null && expiresAt === null && schedule === null && disabledBy === null) return null;
  return { quota, expiresAt, schedule, disabledBy };
}

export class PeerNameBook {
  readonly #names = new Map<string, PeerNames>();
  /**
   * Interfaces whose file was read in this run: what the enforcer acts on (a remembered entry may
   * be from before someone changed the file by hand, and a peer must not be disabled on that).
   */
  readonly #readThisRun = new Set<string>();

  /** Learns the names in `fileText`; returns them when they differ from what was known. */
  learn(server: string, iface: string, fileText: string): PeerNames | null {
    const names: Record<string, string> = {};
    const options: Record<string, PeerOptions> = {};
    const lifecycle: Record<string, PeerLifecycle> = {};
    for (const peer of configPeers(parseConfig(fileText))) {
      if (peer.publicKey === null) continue;
      if (peer.name !== null) names[peer.publicKey] = peer.name;
      const own = optionsOfPeer(peer);
      if (own) options[peer.publicKey] = own;
      const rules = lifecycleOfPeer(peer);
      if (rules) lifecycle[peer.publicKey] = rules;
    }
    // Only files that set some carry the fields: the others' entries stay as they were.
    let entry: PeerNames = { server, iface, names };
    if (Object.keys(options).length > 0) entry.options = options;
    if (Object.keys(lifecycle).length > 0) entry.lifecycle = lifecycle;
    // Names and options are slices of the file's text, which they would keep alive for as long as
    // the entry lives (measured: the whole 165 KB file of a 1,000-peer interface): a copy of its own.
    entry = JSON.parse(JSON.stringify(entry)) as PeerNames;
    this.#readThisRun.add(`${server}\n${iface}`);
    return this.set(entry) ? entry : null;
  }

  /** Takes `entry` as what is known of its interface (remembered in the data dir); whether that changed anything. */
  set(entry: PeerNames): boolean {
    const key = `${entry.server}\n${entry.iface}`;
    const known = this.#names.get(key);
    if (
      known &&
      JSON.stringify(known.names) === JSON.stringify(entry.names) &&
      JSON.stringify(known.options ?? {}) === JSON.stringify(entry.options ?? {}) &&
      JSON.stringify(known.lifecycle ?? {}) === JSON.stringify(entry.lifecycle ?? {})
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

  /** The lifecycle rules of an interface's peers, or undefined when none are known. */
  lifecycleOf(server: string, iface: string): Readonly<Record<string, PeerLifecycle>> | undefined {
    return this.#names.get(`${server}\n${iface}`)?.lifecycle;
  }

  /** Whether the interface's file itself was read in this run (not only remembered from an earlier one). */
  readThisRun(server: string, iface: string): boolean {
    return this.#readThisRun.has(`${server}\n${iface}`);
  }

  all(): PeerNames[] {
    return [...this.#names.values()];
  }

  forget(server: string): void {
    for (const key of [...this.#names.keys()]) if (key.startsWith(`${server}\n`)) this.#names.delete(key);
    for (const key of [...this.#readThisRun])
      if (key.startsWith(`${server}\n`)) this.#readThisRun.delete(key);
  }
}
