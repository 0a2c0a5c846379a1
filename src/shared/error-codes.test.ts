import { describe, expect, it } from 'vitest';
import { deserializeError } from './rpc.ts';
import { ERROR_CODE_LIST, EXIT, explainErrorCode, exitCodeForCode, isErrorCode } from './error-codes.ts';

/**
 * The exit codes scripts rely on (README): pinned here code by code, so a table edit cannot move one
 * by accident. Every declared code not listed exits 1.
 */
const DOCUMENTED_EXIT: Record<string, number> = {
  USAGE: 2,
  INVALID_INPUT: 2,
  NO_SUCH_SERVER: 2,
  NO_SUCH_GROUP: 2,
  NO_SUCH_ALERT_RULE: 2,
  NO_SUCH_SSH_HOST: 2,
  UNREACHABLE: 3,
  STALLED: 3,
  DISCONNECTED: 3,
  EXEC_TIMEOUT: 3,
  PROTOCOL: 3,
  WEAK_SSH_ALGORITHM: 3,
  AUTH_FAILED: 4,
  PASSPHRASE_REQUIRED: 4,
  IDENTITY_MISSING: 4,
  IDENTITY_INVALID: 4,
  HOST_KEY_UNKNOWN: 5,
  HOST_KEY_CHANGED: 6,
  HOST_KEY_REVOKED: 6,
  FINGERPRINT_MISMATCH: 6,
  SUDO_PASSWORD_REQUIRED: 7,
  SUDO_DENIED: 7,
  SUDO_MISSING: 7,
  WG_MISSING: 8,
  WG_FAILED: 8,
  NO_INTERFACES: 8,
  FILE_CHANGED: 9,
  LIVE_CHANGED: 9,
  LOCKED: 9,
  ROLLBACK_PENDING: 9,
  ROLLED_BACK: 9,
  UNCONFIRMED: 9,
  VERIFY_FAILED: 9,
  ROLLBACK_FAILED: 10,
};

describe('the error code table', () => {
  it('gives every code a title, what to do, and an exit code that is not success', () => {
    expect(ERROR_CODE_LIST.length).toBeGreaterThan(60);
    const exits = new Set<number>(Object.values(EXIT));
    for (const code of ERROR_CODE_LIST) {
      const { title, hint } = explainErrorCode(code);
      expect(title.trim(), code).not.toBe('');
      expect(hint.trim(), code).not.toBe('');
      expect(exits.has(exitCodeForCode(code)), code).toBe(true);
      expect(exitCodeForCode(code), code).not.toBe(EXIT.ok);
    }
  });

  it('keeps the documented exit codes, and 1 for every other code', () => {
    for (const code of Object.keys(DOCUMENTED_EXIT)) expect(isErrorCode(code), code).toBe(true);
    for (const code of ERROR_CODE_LIST)
      expect([code, exitCodeForCode(code)]).toEqual([code, DOCUMENTED_EXIT[code] ?? 1]);
  });

  it('keeps the EXIT numbers', () => {
    expect(EXIT).toEqual({
      ok: 0,
      failure: 1,
      usage: 2,
      unreachable: 3,
      auth: 4,
      hostKeyUnknown: 5,
      hostKeyChanged: 6,
      privilege: 7,
      wireguard: 8,
      conflict: 9,
      rollbackFailed: 10,
    });
  });

  it('gives an unknown code a generic text and exit 1', () => {
    for (const code of [
      'FROM_A_NEWER_ENGINE',
      '',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
    ]) {
      expect(isErrorCode(code), code).toBe(false);
      expect(explainErrorCode(code)).toEqual({ title: 'Something went wrong', hint: '' });
      expect(exitCodeForCode(code)).toBe(EXIT.failure);
    }
    expect(isErrorCode(undefined)).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});

describe('codes from the other side of a transport', () => {
  it('keep an unknown code as a string, which then reads as generic', () => {
    const error = deserializeError({ name: 'WgDeckError', code: 'FROM_A_NEWER_ENGINE', message: 'new' });
    expect(error.code).toBe('FROM_A_NEWER_ENGINE');
    expect(explainErrorCode(error.code).title).toBe('Something went wrong');
    expect(exitCodeForCode(error.code)).toBe(1);
  });

  it('map a declared code to its text and exit code', () => {
    const error = deserializeError({ name: 'HostKeyError', code: 'HOST_KEY_CHANGED', message: 'changed' });
    expect(isErrorCode(error.code)).toBe(true);
    expect(explainErrorCode(error.code).title).toBe('Host key changed');
    expect(exitCodeForCode(error.code)).toBe(EXIT.hostKeyChanged);
  });
});
