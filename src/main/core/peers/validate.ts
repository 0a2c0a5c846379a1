/**
 * Input rules for peer changes, checked before anything else happens. Every problem names its field;
 * key values are never quoted (a private key pasted into the wrong box must not end up in a log),
 * other values are quoted bounded and escaped (a newline shows as `\n`).
 */

import { keepaliveProblem, peerNameProblem } from '../../../shared/peers.ts';
import { quote } from '../collector/text-fields.ts';
import { isWireGuardKey } from '../collector/wg-key.ts';
import { WgDeckError } from '../errors.ts';
import type { Prefix } from './ip.ts';
import {
  containsPrefix,
  formatAddress,
  formatPrefix,
  hasHostBits,
  networkOf,
  parsePrefix,
  samePrefix,
} from './ip.ts';

export interface FieldProblem {
  field: string;
  message: string;
}

/** Invalid input for a peer change; `problems` lists every one found, each naming its field. */
export class PeerInputError extends WgDeckError {
  readonly problems: readonly FieldProblem[];
  constructor(problems: readonly FieldProblem[]) {
    super('INVALID_INPUT', problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '));
    this.name = 'PeerInputError';
    this.problems = problems;
  }
}

/** Throws a PeerInputError with all the problems, if there are any. */
export function throwIfProblems(problems: readonly FieldProblem[]): void {
  if (problems.length > 0) throw new PeerInputError(problems);
}

/** At most this many allowed IPs per peer: a hub's client has one or two, a site a handful. */
export const MAX_ALLOWED_IPS = 256;

export const KEY_MESSAGE = 'is not a WireGuard key (base64 of 32 bytes, 44 characters)';

export function checkKey(field: string, value: string, problems: FieldProblem[]): boolean {
  if (isWireGuardKey(value)) return true;
  problems.push({ field, message: KEY_MESSAGE });
  return false;
}

export function checkName(field: string, value: string, problems: FieldProblem[]): boolean {
  const problem = peerNameProblem(value);
  if (problem === null) return true;
  problems.push({ field, message: problem });
  return false;
}

export function checkKeepalive(field: string, value: number | null, problems: FieldProblem[]): boolean {
  const problem = keepaliveProblem(value);
  if (problem === null) return true;
  problems.push({ field, message: problem });
  return false;
}

/**
 * A peer's allowed IPs: each a valid address/prefix (a bare address is /32 or /128) without host
 * bits (`198.18.0.5/24` is almost always a typo for /32), no entry twice or inside another of the same
 * list. Returns the prefixes in order when all are valid, else null (problems added).
 */
export function checkAllowedIps(
  field: string,
  values: readonly string[],
  problems: FieldProblem[],
): Prefix[] | null {
  if (values.length === 0) {
    problems.push({ field, message: 'at least one address/prefix is needed' });
    return null;
  }
  if (values.length > MAX_ALLOWED_IPS) {
    problems.push({ field, message: `at most ${MAX_ALLOWED_IPS} entries` });
    return null;
  }
  const prefixes: Prefix[] = [];
  let ok = true;
  values.forEach((value, index) => {
    const entryField = `${field}[${index}]`;
    const prefix = parsePrefix(value);
    if (prefix === null) {
      problems.push({ field: entryField, message: `${quote(value)} is not an IPv4 or IPv6 address/prefix` });
      ok = false;
      return;
    }
    if (hasHostBits(prefix)) {
      const host = `${formatAddress(prefix.family, prefix.address)}/${prefix.family === 4 ? 32 : 128}`;
      const network = `${formatAddress(prefix.family, networkOf(prefix))}/${prefix.length}`;
      problems.push({
        field: entryField,
        message: `${quote(value)} has host bits set: did you mean ${host} or ${network}?`,
      });
      ok = false;
      return;
    }
    for (const [otherIndex, other] of prefixes.entries()) {
      if (samePrefix(prefix, other)) {
        problems.push({ field: entryField, message: `${formatPrefix(prefix)} is listed twice` });
        ok = false;
        return;
      }
      if (containsPrefix(other, prefix) || containsPrefix(prefix, other)) {
        problems.push({
          field: entryField,
          message: `${formatPrefix(prefix)} overlaps ${formatPrefix(other)} (${field}[${otherIndex}])`,
        });
        ok = false;
        return;
      }
    }
    prefixes.push(prefix);
  });
  return ok ? prefixes : null;
}

/**
 * `"198.18.0.2/32, 2001:2:0:1000::2/128"` (CLI) → entries; commas separate, spaces around them are
 * ignored.
 */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((entry) => entry !== '');
}
