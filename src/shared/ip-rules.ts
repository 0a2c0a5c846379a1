/**
 * The one rule set for addresses, prefixes and interface names: forms, the contract's schemas, the
 * CLI and the engine all ask here, so every door accepts and refuses the same text with the same
 * words. Syntax comes from `ip-address`; on top of it WG Deck is stricter where `wg` and the kernel
 * are: no IPv6 zone (`%eth0`), no brackets, and a prefix length in plain decimal (`/64`, not `/064`).
 *
 * The collector parses dumps of thousands of peers with a byte-level scanner of the same rule
 * (`main/core/collector/ip-address.ts`); both are held to the table in `ip-rules.testkit.ts`.
 */

import { Address4, Address6 } from 'ip-address';

export type IpFamily = 4 | 6;

/** What `wg-quick` and the kernel accept as an interface name (IFNAMSIZ - 1 characters). */
export const INTERFACE_NAME_PATTERN = '[a-zA-Z0-9_=+.-]{1,15}';
export const INTERFACE_NAME_RE = new RegExp(`^${INTERFACE_NAME_PATTERN}$`);
export const INTERFACE_NAME_RULE = 'an interface name is 1–15 letters, digits or _ = + . -';

export function isInterfaceName(name: string): boolean {
  return INTERFACE_NAME_RE.test(name);
}

/**
 * What the kernel accepts (`ip link add …`): any 1–15 characters but whitespace, "/" and ":". A
 * monitored interface may have such a name; one WG Deck manages through wg-quick has the rule above.
 */
export const LINUX_INTERFACE_NAME_RE = /^[^\s/:]{1,15}$/;
export const LINUX_INTERFACE_NAME_RULE = 'an interface name is 1–15 characters without spaces, "/" or ":"';

/** A dotted quad, four decimal octets without leading zeros (`198.18.0.1`, not `198.18.0.01`). */
export function isIPv4(text: string): boolean {
  return !text.includes('/') && Address4.isValid(text);
}

/** An IPv6 address as `inet_pton` reads it (an embedded IPv4 tail included); no zone, no brackets. */
export function isIPv6(text: string): boolean {
  return !text.includes('/') && !text.includes('%') && Address6.isValid(text);
}

export function addressFamily(text: string): IpFamily | null {
  if (isIPv4(text)) return 4;
  if (isIPv6(text)) return 6;
  return null;
}

/**
 * "Everything through the tunnel" for a client with these tunnel addresses: only the families it has.
 * `::/0` for a client without an IPv6 tunnel address would send its IPv6 into a tunnel that cannot
 * carry it, and cut it off every IPv6 site. No address known: both families (the old default).
 */
export function fullTunnelFor(addresses: readonly string[]): string[] {
  const families = new Set(addresses.map((a) => addressFamily(a.split('/')[0]!)));
  const routes: string[] = [];
  if (families.has(4)) routes.push('0.0.0.0/0');
  if (families.has(6)) routes.push('::/0');
  return routes.length > 0 ? routes : ['0.0.0.0/0', '::/0'];
}

const PREFIX_LENGTH = /^(?:0|[1-9]\d{0,2})$/;

/** `address/length`, the length 0–32 or 0–128 in plain decimal. */
export function isCidr(text: string): boolean {
  return cidrProblem(text, { bare: false }) === null;
}

/**
 * Why `text` is not an address/prefix, in words for a form or an error, or null. A bare address
 * counts as /32 or /128 (as `wg` reads AllowedIPs) unless `bare` is false.
 */
export function cidrProblem(text: string, options: { bare?: boolean } = {}): string | null {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = addressFamily(address);
  if (family === null) {
    if (address.split('::').length > 2) return `"${text}" is not an IPv6 address ("::" twice)`;
    return `"${text}" is not an IPv4 or IPv6 address/prefix`;
  }
  if (slash === -1) return options.bare === false ? `"${text}" has no prefix length (/N)` : null;
  const length = text.slice(slash + 1);
  const max = family === 4 ? 32 : 128;
  if (!PREFIX_LENGTH.test(length) || Number(length) > max) {
    return `"${text}": the prefix length is 0 to ${max}, in plain digits`;
  }
  return null;
}

/** An address or prefix as numbers, for containment: the network's first address and its length. */
export interface Prefix {
  family: IpFamily;
  /** The network address (host bits cleared), as an unsigned integer of 32 or 128 bits. */
  network: bigint;
  length: number;
}

const BITS: Record<IpFamily, bigint> = { 4: 32n, 6: 128n };

function maskOf(family: IpFamily, length: number): bigint {
  const bits = BITS[family];
  const all = (1n << bits) - 1n;
  return all ^ ((1n << (bits - BigInt(length))) - 1n);
}

/**
 * `198.18.0.15`, `198.18.0.15/32` or `198.18.0.0/28` as a prefix (a bare address is a host prefix,
 * as `wg` reads AllowedIPs); null when the text breaks the rule above. Host bits are cleared, so
 * `198.18.0.5/28` is the network `198.18.0.0/28`, as the kernel routes it.
 */
export function parsePrefix(text: string): Prefix | null {
  if (cidrProblem(text) !== null) return null;
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = addressFamily(address)!;
  const length = slash === -1 ? Number(BITS[family]) : Number(text.slice(slash + 1));
  const value = family === 4 ? new Address4(address).bigInt() : new Address6(address).bigInt();
  return { family, network: value & maskOf(family, length), length };
}

/** Whether every address of `inner` lies in `outer` (same family; a prefix contains itself). */
export function prefixContains(outer: Prefix, inner: Prefix): boolean {
  if (outer.family !== inner.family || inner.length < outer.length) return false;
  return (inner.network & maskOf(outer.family, outer.length)) === outer.network;
}

export function samePrefix(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.length === b.length && a.network === b.network;
}
