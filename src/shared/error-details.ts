import { z } from 'zod';

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const KEY_TYPE = /^[a-z0-9@.-]{1,64}$/;
const HOST = /^[A-Za-z0-9.:%-]{1,253}$/;
const SUDOERS =
  /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31} ALL=\(root\) NOPASSWD: \/[A-Za-z0-9_./-]{1,200}(?:, \/[A-Za-z0-9_./-]{1,200}){0,3}$/;
const FIELD = /^[A-Za-z0-9_.[\]]{1,120}$/;
const MAX_FINGERPRINTS = 16;
const MAX_PROBLEMS = 200;
const MAX_MESSAGE = 500;
const MAX_DIFF = 256 * 1024;

/**
 * Structured facts some errors carry, so a UI never has to parse a message to offer "trust this key"
 * or "add this sudoers line". Picked from an error object by field name and validated on both sides:
 * anything that does not look right is dropped, never shown. The schema states the picker's rules, so
 * whatever `pickErrorDetails` returns parses.
 */
export const errorDetailsSchema = z.object({
  host: z.string().regex(HOST).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  keyType: z.string().regex(KEY_TYPE).optional(),
  /** The fingerprint the server presented. */
  fingerprint: z.string().regex(FINGERPRINT).optional(),
  /** A changed key: the fingerprints on record. */
  expectedFingerprints: z.array(z.string().regex(FINGERPRINT)).max(MAX_FINGERPRINTS).optional(),
  /** Sudo refused: the line to add with visudo. */
  sudoersLine: z.string().regex(SUDOERS).optional(),
  /** Invalid input: each problem names its field (`changes[0].allowedIps[1]`), for forms to show in place. */
  problems: z
    .array(z.object({ field: z.string().regex(FIELD), message: z.string().max(MAX_MESSAGE) }))
    .max(MAX_PROBLEMS)
    .optional(),
  /** The config file changed behind our back: what changed (unified diff, secrets hidden). */
  diff: z.string().min(1).max(MAX_DIFF).optional(),
});
export type ErrorDetails = z.infer<typeof errorDetailsSchema>;

function own(source: object, key: string): unknown {
  return Object.hasOwn(source, key) ? (source as Record<string, unknown>)[key] : undefined;
}

/** The valid details found on `source` (an Error, or details received over a transport), if any. */
export function pickErrorDetails(source: unknown): ErrorDetails | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const details: ErrorDetails = {};
  const host = own(source, 'host');
  if (typeof host === 'string' && HOST.test(host)) details.host = host;
  const port = own(source, 'port');
  if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536) details.port = port;
  const keyType = own(source, 'keyType');
  if (typeof keyType === 'string' && KEY_TYPE.test(keyType)) details.keyType = keyType;
  const fingerprint = own(source, 'fingerprint');
  if (typeof fingerprint === 'string' && FINGERPRINT.test(fingerprint)) details.fingerprint = fingerprint;
  const expected = own(source, 'expectedFingerprints');
  if (Array.isArray(expected)) {
    const valid = expected
      .filter((f): f is string => typeof f === 'string' && FINGERPRINT.test(f))
      .slice(0, MAX_FINGERPRINTS);
    if (valid.length > 0) details.expectedFingerprints = valid;
  }
  const sudoersLine = own(source, 'sudoersLine');
  if (typeof sudoersLine === 'string' && SUDOERS.test(sudoersLine)) details.sudoersLine = sudoersLine;
  const problems = own(source, 'problems');
  if (Array.isArray(problems)) {
    const valid = problems
      .filter(
        (p): p is { field: string; message: string } =>
          typeof p === 'object' &&
          p !== null &&
          typeof (p as Record<string, unknown>)['field'] === 'string' &&
          FIELD.test((p as Record<string, string>)['field']!) &&
          typeof (p as Record<string, unknown>)['message'] === 'string',
      )
      .slice(0, MAX_PROBLEMS)
      .map((p) => ({ field: p.field, message: p.message.slice(0, MAX_MESSAGE) }));
    if (valid.length > 0) details.problems = valid;
  }
  const diff = own(source, 'diff');
  if (typeof diff === 'string' && diff.length > 0) details.diff = diff.slice(0, MAX_DIFF);
  return Object.keys(details).length > 0 ? details : undefined;
}
