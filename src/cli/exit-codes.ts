import { ZodError } from 'zod';
import { errorCode } from '../main/core/errors.ts';

/** Exit codes scripts can rely on (documented in the README). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  unreachable: 3,
  auth: 4,
  hostKeyUnknown: 5,
  hostKeyChanged: 6,
  privilege: 7,
  wireguard: 8,
  /** A peer change did not happen or was undone: someone else's change, a lock, a rollback. */
  conflict: 9,
  /** A change was not confirmed AND the server's rollback refused to restore: look at the server now. */
  rollbackFailed: 10,
} as const;

const BY_CODE: Record<string, number> = {
  USAGE: EXIT.usage,
  INVALID_INPUT: EXIT.usage,
  NO_SUCH_SERVER: EXIT.usage,
  UNREACHABLE: EXIT.unreachable,
  STALLED: EXIT.unreachable,
  DISCONNECTED: EXIT.unreachable,
  EXEC_TIMEOUT: EXIT.unreachable,
  PROTOCOL: EXIT.unreachable,
  // No connection can be made until the server offers more than SHA-1.
  WEAK_SSH_ALGORITHM: EXIT.unreachable,
  AUTH_FAILED: EXIT.auth,
  PASSPHRASE_REQUIRED: EXIT.auth,
  IDENTITY_MISSING: EXIT.auth,
  IDENTITY_INVALID: EXIT.auth,
  HOST_KEY_UNKNOWN: EXIT.hostKeyUnknown,
  HOST_KEY_CHANGED: EXIT.hostKeyChanged,
  HOST_KEY_REVOKED: EXIT.hostKeyChanged,
  FINGERPRINT_MISMATCH: EXIT.hostKeyChanged,
  SUDO_PASSWORD_REQUIRED: EXIT.privilege,
  SUDO_DENIED: EXIT.privilege,
  SUDO_MISSING: EXIT.privilege,
  WG_MISSING: EXIT.wireguard,
  WG_FAILED: EXIT.wireguard,
  NO_INTERFACES: EXIT.wireguard,
  FILE_CHANGED: EXIT.conflict,
  LIVE_CHANGED: EXIT.conflict,
  LOCKED: EXIT.conflict,
  ROLLBACK_PENDING: EXIT.conflict,
  ROLLED_BACK: EXIT.conflict,
  ROLLBACK_FAILED: EXIT.rollbackFailed,
  UNCONFIRMED: EXIT.conflict,
  VERIFY_FAILED: EXIT.conflict,
};

export function exitCodeForCode(code: string): number {
  return BY_CODE[code] ?? EXIT.failure;
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof ZodError) return EXIT.usage;
  return exitCodeForCode(errorCode(error));
}
