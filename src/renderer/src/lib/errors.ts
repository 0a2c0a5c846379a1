/**
 * Engine errors as the UI shows them. Errors cross the transport as { name, code, message, details };
 * the code decides what the UI offers (trust dialog, password form, sudoers line), the message says
 * what happened, and the validated details carry the facts to act on. Parsing the message is only a
 * fallback for an engine that sends no details.
 */
import { pickErrorDetails, type ErrorDetails } from '../../../shared/error-details.ts';
import { keyTypeLabel } from '../../../shared/key-type.ts';

export interface ApiError {
  code: string;
  message: string;
  details?: ErrorDetails;
}

export function toApiError(error: unknown): ApiError {
  if (typeof error === 'object' && error !== null) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'INTERNAL';
    const message =
      'message' in error && typeof error.message === 'string' && error.message !== ''
        ? error.message
        : 'Unknown error.';
    const details = pickErrorDetails('details' in error ? error.details : undefined);
    return details ? { code, message, details } : { code, message };
  }
  return { code: 'INTERNAL', message: String(error) };
}

/** The key an unknown host presented: from the error's details, else from its message. */
export function presentedHostKey(error: ApiError): PresentedHostKey | null {
  const d = error.details;
  if (d?.fingerprint && d.keyType) {
    const host = d.host === undefined ? null : d.host.includes(':') ? `[${d.host}]` : d.host;
    return {
      hostPort: host === null ? null : `${host}:${d.port ?? 22}`,
      keyType: keyTypeLabel(d.keyType),
      fingerprint: d.fingerprint,
    };
  }
  return parseUnknownHostKey(error.message);
}

/** The sudoers line to add: from the details, else from the message. */
export function sudoersLineOf(details: ErrorDetails | undefined, message: string): string | null {
  return details?.sudoersLine ?? parseSudoersLine(message);
}

/** The fingerprints on record for a changed key: from the details, else from the message. */
export function expectedFingerprintsOf(details: ErrorDetails | undefined, message: string): string[] {
  return details?.expectedFingerprints ?? parseChangedHostKey(message).expected;
}

export interface PresentedHostKey {
  /** `host:port` as the engine wrote it ([v6]:port for IPv6), or null when the message has none. */
  hostPort: string | null;
  /** As the engine labels it: ED25519, RSA, ECDSA… */
  keyType: string;
  fingerprint: string;
}

const FINGERPRINT = 'SHA256:[A-Za-z0-9+/]{43}';

/**
 * The key an unknown host presented, from HOST_KEY_UNKNOWN's message:
 * "The authenticity of host 198.18.1.2:22 can't be established. ED25519 key fingerprint is SHA256:…. …"
 */
export function parseUnknownHostKey(message: string): PresentedHostKey | null {
  const key = new RegExp(`([A-Za-z0-9-]+) key fingerprint is (${FINGERPRINT})`).exec(message);
  if (!key) return null;
  const host = /authenticity of host (\S+) can't be established/.exec(message);
  return { hostPort: host?.[1] ?? null, keyType: key[1]!, fingerprint: key[2]! };
}

/** HOST_KEY_CHANGED's message: the fingerprints that were expected and the one presented. */
export function parseChangedHostKey(message: string): { expected: string[]; presented: string | null } {
  const expectedPart = /Expected (.+?) \(recorded in/.exec(message)?.[1] ?? '';
  const expected = expectedPart.match(new RegExp(FINGERPRINT, 'g')) ?? [];
  const presented = new RegExp(`presented (${FINGERPRINT})`).exec(message)?.[1] ?? null;
  return { expected, presented };
}

/** The sudoers line SUDO_PASSWORD_REQUIRED names: "ops ALL=(root) NOPASSWD: /usr/bin/wg". */
export function parseSudoersLine(message: string): string | null {
  return /(\S+ ALL=\(root\) NOPASSWD: \S+)\s*$/.exec(message)?.[1] ?? null;
}

export { keyTypeLabel } from '../../../shared/key-type.ts';

// What the UI says about a code: the one table's text (shared/error-codes.ts), generic if unknown.
export { explainErrorCode as explainError, type ErrorExplanation } from '../../../shared/error-codes.ts';
