import type { HostKeyInfo } from '../../../shared/api.ts';
import type { HostKeyGate } from './dial.ts';
import { describeHostKey } from './fingerprint.ts';
import {
  checkHostKey,
  hostKeyError,
  orderHostKeyAlgorithms,
  preferredHostKeyAlgorithms,
  type HostKeySources,
} from './host-key-policy.ts';
import type { TrustStore } from './trust-store.ts';

export interface GateOptions {
  store: TrustStore;
  /** null: do not read ~/.ssh/known_hosts (tests); undefined: the default path. */
  userKnownHostsPath?: string | null;
  /** Pin an unknown key on first use without asking (`--accept-new`). Never overrides a changed key. */
  acceptNew?: boolean;
  /** Pin an unknown key only if it has exactly this fingerprint (what the admin was shown). */
  acceptFingerprint?: string;
  serverName?: string;
}

/** A HostKeyGate that also remembers the last key it saw, so `server add` can report what it pinned. */
export interface RecordingGate extends HostKeyGate {
  lastSeen: HostKeyInfo | null;
}

export function createHostKeyGate(options: GateOptions): RecordingGate {
  const sources: HostKeySources = {
    store: options.store,
    userKnownHostsPath: options.userKnownHostsPath,
  };
  const gate: RecordingGate = {
    lastSeen: null,
    async check(host, port, blob) {
      const verdict = await checkHostKey({ host, port, blob }, sources);
      const { keyType, fingerprint } = describeHostKey(blob);
      gate.lastSeen = { host, port, keyType, fingerprint };
      if (verdict.verdict === 'unknown') {
        if (options.acceptNew || options.acceptFingerprint === fingerprint) {
          await options.store.trust(host, port, keyType, blob);
          return;
        }
      }
      const error = hostKeyError({ host, port }, verdict, options.serverName);
      if (error) throw error;
    },
    async algorithms(host, port) {
      const preferred = await preferredHostKeyAlgorithms(host, port, sources);
      return preferred.length > 0 ? orderHostKeyAlgorithms(preferred) : undefined;
    },
  };
  return gate;
}
