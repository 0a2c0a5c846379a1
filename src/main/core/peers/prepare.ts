/**
 * From what the admin asked (`PeerChangeRequest`: names or keys, "generate a preshared key",
 * "rotate") to the changes a plan takes (`PeerChange`: public keys and key material). Key generation
 * happens here, on the laptop; the client's private key is returned to the caller (for the client
 * config, shown once) and never enters a plan or a command.
 */

import type { PeerChangeRequest } from '../../../shared/peers.ts';
import type { ConfigFile } from './config-file.ts';
import { resolvePeer } from './config-file.ts';
import type { KeyPair } from './keys.ts';
import { generateKeyPair, generatePresharedKey } from './keys.ts';
import type { PeerChange } from './plan.ts';
import type { FieldProblem } from './validate.ts';
import { PeerInputError, throwIfProblems } from './validate.ts';

export interface KeyMaker {
  keyPair(): KeyPair;
  presharedKey(): string;
}

export const LOCAL_KEYS: KeyMaker = { keyPair: generateKeyPair, presharedKey: generatePresharedKey };

export interface PreparedChanges {
  changes: PeerChange[];
  /** Public key → the client's private key, for the key pairs generated here. Secret: show once. */
  privateKeys: Map<string, string>;
  /** Public key → the preshared key generated here (new peers, rotations). Secret. */
  presharedKeys: Map<string, string>;
}

export function prepareChanges(
  file: ConfigFile,
  requests: readonly PeerChangeRequest[],
  keys: KeyMaker = LOCAL_KEYS,
): PreparedChanges {
  const prepared: PreparedChanges = { changes: [], privateKeys: new Map(), presharedKeys: new Map() };
  const problems: FieldProblem[] = [];
  requests.forEach((request, index) => {
    if (request.action === 'add') {
      const { draft } = request;
      let publicKey = draft.publicKey;
      if (publicKey === undefined) {
        const pair = keys.keyPair();
        publicKey = pair.publicKey;
        prepared.privateKeys.set(publicKey, pair.privateKey);
      }
      const presharedKey = draft.presharedKey ? keys.presharedKey() : null;
      if (presharedKey !== null) prepared.presharedKeys.set(publicKey, presharedKey);
      prepared.changes.push({
        action: 'add',
        publicKey,
        name: draft.name,
        presharedKey,
        allowedIps: draft.allowedIps,
        persistentKeepalive: draft.persistentKeepalive,
      });
      return;
    }
    let publicKey: string;
    try {
      const peer = resolvePeer(file, request.peer, `changes[${index}].peer`);
      publicKey = peer.publicKey!;
    } catch (error) {
      if (!(error instanceof PeerInputError)) throw error;
      problems.push(...error.problems);
      return;
    }
    if (request.action === 'remove') {
      prepared.changes.push({ action: 'remove', publicKey });
      return;
    }
    if (request.action !== 'edit') {
      const { disabledBy } = request;
      prepared.changes.push({ action: request.action, publicKey, ...(disabledBy ? { disabledBy } : {}) });
      return;
    }
    const { edit } = request;
    const change: PeerChange = { action: 'edit', publicKey };
    if (edit.name !== undefined) change.name = edit.name;
    if (edit.allowedIps !== undefined) change.allowedIps = edit.allowedIps;
    if (edit.persistentKeepalive !== undefined) change.persistentKeepalive = edit.persistentKeepalive;
    if (edit.checkAddress !== undefined) change.checkAddress = edit.checkAddress;
    if (edit.statusRule !== undefined) change.statusRule = edit.statusRule;
    if (edit.statusThresholds !== undefined) change.statusThresholds = edit.statusThresholds;
    if (edit.quota !== undefined) change.quota = edit.quota;
    if (edit.expiresAt !== undefined) change.expiresAt = edit.expiresAt;
    if (edit.schedule !== undefined) change.schedule = edit.schedule;
    if (edit.presharedKey === 'remove') change.presharedKey = null;
    if (edit.presharedKey === 'rotate') {
      change.presharedKey = keys.presharedKey();
      prepared.presharedKeys.set(publicKey, change.presharedKey);
    }
    prepared.changes.push(change);
  });
  throwIfProblems(problems);
  return prepared;
}
