/**
 * Drift reconciled live → file: the config file rewritten so it describes what runs (`wg showconf`),
 * editing only the peers that differ, so names, comments and disabled peers elsewhere stay as they are.
 *
 * - a peer only live is added (without a name, and without its endpoint: a live endpoint is usually
 *   where a roaming client happens to be, not something to pin);
 * - a peer enabled in the file but not live is disabled (kept, so it can come back), not deleted;
 * - a peer disabled in the file but live is enabled;
 * - a differing peer gets the live allowed IPs, keepalive and preshared key.
 * The interface's own settings (key, port, fwmark) are not rewritten; they are reported instead.
 */

import type { ConfigFile } from './config-file.ts';
import {
  addPeer,
  configInterface,
  configPeers,
  disablePeer,
  enablePeer,
  parseConfig,
  serializeConfig,
  updatePeer,
} from './config-file.ts';
import { compareDriftOf } from './drift.ts';
import type { InterfaceDump } from '../../../shared/domain.ts';

export interface LiveToFileResult {
  text: string;
  notes: string[];
}

export function fileFromLive(fileText: string, showconfText: string, live: InterfaceDump): LiveToFileResult {
  const file = parseConfig(fileText);
  const running = new Map(
    configPeers(parseConfig(showconfText))
      .filter((peer) => peer.publicKey !== null)
      .map((peer) => [peer.publicKey!, peer]),
  );
  const drift = compareDriftOf(configInterface(file), configPeers(file), live);
  const notes: string[] = [];
  let next: ConfigFile = file;
  for (const peer of drift.onlyLive) {
    const state = running.get(peer.publicKey);
    if (state === undefined) continue;
    next = addPeer(next, {
      publicKey: peer.publicKey,
      name: null,
      presharedKey: state.presharedKey,
      allowedIps: state.allowedIps,
      persistentKeepalive: state.persistentKeepalive,
    });
  }
  for (const peer of drift.onlyFile) next = disablePeer(next, peer.publicKey);
  for (const peer of drift.disabledButLive) next = enablePeer(next, peer.publicKey);
  for (const peer of [...drift.disabledButLive, ...drift.different]) {
    const state = running.get(peer.publicKey);
    if (state === undefined) continue;
    next = updatePeer(next, peer.publicKey, {
      allowedIps: state.allowedIps,
      persistentKeepalive: state.persistentKeepalive,
      presharedKey: state.presharedKey,
    });
  }
  if (drift.onlyLive.length > 0)
    notes.push(
      `${drift.onlyLive.length} live-only peer(s) are added without a name and without their current endpoint (name them afterwards).`,
    );
  if (drift.onlyFile.length > 0)
    notes.push(
      `${drift.onlyFile.length} peer(s) missing live are kept in the file as disabled, not deleted.`,
    );
  for (const difference of drift.interface) {
    notes.push(
      `The interface's ${difference.field} differs (file ${difference.file.slice(0, 12)}, live ${difference.live.slice(0, 12)}); ` +
        'live → file does not rewrite the [Interface] section: edit it by hand.',
    );
  }
  return { text: serializeConfig(next), notes };
}
