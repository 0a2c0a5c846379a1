import type { SerializedError } from '../shared/api.ts';
import type { EventMessage, InvokeMessage, ResultMessage } from '../shared/rpc.ts';
import type { Credentials } from './core/ssh/auth.ts';
import type { FleetSummary } from './fleet-summary.ts';

/**
 * Messages between the main process and the engine's utility process (`postMessage`, structured
 * clone). Calls and events use the shared wire protocol (shared/rpc.ts); on top of it the engine asks
 * main for secrets, because only main may use safeStorage, and reports a fleet summary for the tray.
 */

/** `id` numbers the request; `item` is a generic secret's id (`peer-key:SERVER:IF:PUBKEY`). */
export type SecretsRequest =
  | { type: 'secrets'; id: number; op: 'get'; server: string }
  | { type: 'secrets'; id: number; op: 'set'; server: string; credentials: Credentials; persist: boolean }
  | { type: 'secrets'; id: number; op: 'delete'; server: string }
  | { type: 'secrets'; id: number; op: 'getItem'; item: string }
  | { type: 'secrets'; id: number; op: 'setItem'; item: string; value: string; persist: boolean };

/** `value`: the credentials for `get`, the item's string for `getItem`; absent if none is held. */
export type SecretsReply =
  | { type: 'secrets-result'; id: number; ok: true; value?: Credentials | string }
  | { type: 'secrets-result'; id: number; ok: false; error: SerializedError };

export type ToEngine = InvokeMessage | SecretsReply;

export type FromEngine =
  | ResultMessage
  | EventMessage
  | SecretsRequest
  | { type: 'summary'; summary: FleetSummary }
  | { type: 'ready' };

export interface EngineProcessOptions {
  dataDir: string;
  canPersistSecrets: boolean;
}

/** The utility process's command line (it has no other configuration channel before its first message). */
export function engineArgs(options: EngineProcessOptions): string[] {
  return ['--data-dir', options.dataDir, '--can-persist-secrets', options.canPersistSecrets ? 'yes' : 'no'];
}

export function parseEngineArgs(argv: readonly string[]): EngineProcessOptions {
  const value = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const dataDir = value('--data-dir');
  if (!dataDir) throw new Error('engine process: --data-dir is required');
  return { dataDir, canPersistSecrets: value('--can-persist-secrets') === 'yes' };
}

/** Credentials as they may cross from the engine process: only the two string fields, bounded. */
export function checkCredentials(value: unknown): Credentials | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const credentials: Credentials = {};
  for (const key of ['password', 'passphrase'] as const) {
    const field = Object.hasOwn(record, key) ? record[key] : undefined;
    if (field === undefined) continue;
    if (typeof field !== 'string' || field.length > 4096) return null;
    credentials[key] = field;
  }
  return credentials;
}

/** The longest generic secret id, and the characters it may use (`peer-key:SERVER:IF:` + base64). */
export const MAX_ITEM_ID = 256;
const ITEM_ID = /^[A-Za-z0-9:+/=._-]+$/;
/** The longest generic secret value (a WireGuard key is 44 characters). */
export const MAX_ITEM_VALUE = 4096;

/** A generic secret's id as it may cross between the processes, or null. */
export function checkItemId(value: unknown): string | null {
  return typeof value === 'string' && value.length <= MAX_ITEM_ID && ITEM_ID.test(value) ? value : null;
}

/** A generic secret's value as it may cross between the processes, or null. */
export function checkItemValue(value: unknown): string | null {
  return typeof value === 'string' && value.length <= MAX_ITEM_VALUE ? value : null;
}
