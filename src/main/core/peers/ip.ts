/**
 * IP prefixes as numbers, for allocation, overlap checks and set comparison of allowed IPs.
 *
 * The syntax check is the collector's (`ip-address.ts`: exactly what `inet_pton`/`inet_ntop` accept,
 * no leading zeros, no zones); this module only turns checked text into bigints and back. Both
 * families are bigints so one code path serves IPv4 and IPv6; a few thousand peers cost nothing.
 */

import { isCidr, isIPv4, isIPv6 } from '../collector/ip-address.ts';

export type Family = 4 | 6;

/** An address with a prefix length, as written (host bits may be set: see `hasHostBits`). */
export interface Prefix {
  readonly family: Family;
  readonly address: bigint;
  readonly length: number;
}

export function familyBits(family: Family): number {
  return family === 4 ? 32 : 128;
}

/** An address (no prefix) as a number, or null. */
export function parseAddress(text: string): { family: Family; value: bigint } | null {
  if (isIPv4(text)) return { family: 4, value: ipv4Value(text) };
  if (isIPv6(text)) return { family: 6, value: ipv6Value(text) };
  return null;
}

/**
 * `address/length`, or a bare address as /32 or /128 (as `wg` reads AllowedIPs) unless `bare` is
 * false. Null for anything else, including surrounding whitespace.
 */
export function parsePrefix(text: string, bare = true): Prefix | null {
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (!bare) return null;
    const address = parseAddress(text);
    return address && { family: address.family, address: address.value, length: familyBits(address.family) };
  }
  if (!isCidr(text)) return null;
  const address = parseAddress(text.slice(0, slash))!;
  return { family: address.family, address: address.value, length: Number(text.slice(slash + 1)) };
}

function ipv4Value(text: string): bigint {
  let value = 0;
  for (const octet of text.split('.')) value = value * 256 + Number(octet);
  return BigInt(value);
}

function ipv6Value(text: string): bigint {
  let head = text;
  let tail = '';
  const gap = text.indexOf('::');
  if (gap >= 0) {
    head = text.slice(0, gap);
    tail = text.slice(gap + 2);
  }
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const v4 = Number(ipv4Value(piece));
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const left = groups(head);
  const right = groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  let value = 0n;
  for (const group of all) value = (value << 16n) | BigInt(group);
  return value;
}

export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) {
    const n = Number(value);
    return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
  }
  if (value >> 32n === 0xffffn) {
    // IPv4-mapped, written as inet_ntop (and so wg) writes it.
    return `::ffff:${formatAddress(4, value & 0xffffffffn)}`;
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: the longest run (first on a tie) of two or more zero groups becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]): string => list.map((group) => group.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

export function formatPrefix(prefix: Prefix): string {
  return `${formatAddress(prefix.family, prefix.address)}/${prefix.length}`;
}

function hostMask(prefix: Prefix): bigint {
  return (1n << BigInt(familyBits(prefix.family) - prefix.length)) - 1n;
}

/** The first address of the prefix (host bits cleared). */
export function networkOf(prefix: Prefix): bigint {
  return prefix.address & ~hostMask(prefix);
}

/** The last address of the prefix (host bits set). */
export function lastOf(prefix: Prefix): bigint {
  return prefix.address | hostMask(prefix);
}

export function hasHostBits(prefix: Prefix): boolean {
  return (prefix.address & hostMask(prefix)) !== 0n;
}

/** The prefix with its host bits cleared: what the kernel stores and `wg show` prints. */
export function masked(prefix: Prefix): Prefix {
  return { family: prefix.family, address: networkOf(prefix), length: prefix.length };
}

/**
 * Canonical text of the masked prefix, to compare allowed IPs as sets (`198.18.0.5/24` →
 * `198.18.0.0/24`).
 */
export function prefixKey(prefix: Prefix): string {
  return formatPrefix(masked(prefix));
}

/** Whether `outer` contains every address of `inner` (a prefix contains itself). */
export function containsPrefix(outer: Prefix, inner: Prefix): boolean {
  return (
    outer.family === inner.family &&
    outer.length <= inner.length &&
    networkOf(outer) === (inner.address & ~hostMask(outer))
  );
}

/** CIDR blocks are nested or disjoint, so two overlap exactly when one contains the other. */
export function prefixesOverlap(a: Prefix, b: Prefix): boolean {
  return containsPrefix(a, b) || containsPrefix(b, a);
}

export function samePrefix(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.length === b.length && networkOf(a) === networkOf(b);
}
