/**
 * Who routes which addresses on an interface: next free address for a new peer, and overlap checks
 * for explicit allowed IPs.
 *
 * Claims come from every source at once — live peers (the dump), file peers, disabled peers — and
 * from the interface's own `Address` lines, so an address is never handed out twice, never the
 * server's, never the network or (IPv4) broadcast address.
 *
 * Routes vs addresses: WireGuard routes by longest prefix, so a peer that routes a prefix covering
 * a whole interface subnet (an exit node's `0.0.0.0/0`, a site's `198.18.0.0/16` around a `198.18.8.0/24`
 * subnet) does not own the addresses inside it: clients may still get /32s there. Such a prefix is a
 * route; any other prefix is an address claim. Two claims overlap when one contains the other (CIDR
 * blocks never partially overlap); that is an error unless the broader one is a route. The very same
 * prefix on two peers is always an error (wg would silently move it to the newer peer).
 *
 * Efficiency: claims are indexed two ways — by exact (masked) prefix, so the ≤ 129 possible
 * ancestors of a prefix are hash lookups, and sorted by start address, so the claims inside a prefix
 * are a binary search and a contiguous run. 10,000 peers cost a few milliseconds to index; each check
 * and each allocation is then fast.
 */

import type { FieldProblem } from './validate.ts';
import { PeerInputError } from './validate.ts';
import type { Family, Prefix } from './ip.ts';
import {
  containsPrefix,
  familyBits,
  formatPrefix,
  lastOf,
  masked,
  networkOf,
  parsePrefix,
  prefixKey,
} from './ip.ts';

export interface Claimant {
  /** null for a file peer without a valid key: its addresses still count. */
  publicKey: string | null;
  name: string | null;
  allowedIps: readonly string[];
}

interface Claim {
  prefix: Prefix;
  start: bigint;
  end: bigint;
  /** Public key of the claiming peer, '' for the interface itself or a keyless peer. */
  owner: string;
  label: string;
  /** The interface's own address: never a route, never skipped. */
  own: boolean;
}

/** How a peer is named in messages: `"alice" (K9gGyX8O…)`. Public keys are not secrets. */
export function peerLabel(publicKey: string | null, name: string | null): string {
  const key = publicKey === null ? 'a peer without a valid key' : `${publicKey.slice(0, 8)}…`;
  return name === null ? key : `${JSON.stringify(name)} (${key})`;
}

const MAX_REPORTED = 5;

export class AddressBook {
  /** The interface's subnets (masked) and its own addresses, from `Address`. */
  readonly subnets: readonly Prefix[];
  readonly #exact = new Map<string, Claim[]>();
  readonly #sorted: Record<Family, Claim[]> = { 4: [], 6: [] };
  #dirty = false;

  constructor(interfaceAddresses: readonly string[]) {
    const subnets: Prefix[] = [];
    for (const text of interfaceAddresses) {
      const prefix = parsePrefix(text);
      if (prefix === null) continue;
      subnets.push(masked(prefix));
      const own: Prefix = {
        family: prefix.family,
        address: prefix.address,
        length: familyBits(prefix.family),
      };
      this.#add(own, '', `the interface's own address (Address = ${text})`, true);
    }
    this.subnets = subnets;
  }

  /** Records a peer's allowed IPs (invalid entries are ignored: the file's problems report them). */
  claim(claimant: Claimant): void {
    const label = peerLabel(claimant.publicKey, claimant.name);
    for (const text of claimant.allowedIps) {
      const prefix = parsePrefix(text);
      if (prefix !== null) this.#add(masked(prefix), claimant.publicKey ?? '', label, false);
    }
  }

  #add(prefix: Prefix, owner: string, label: string, own: boolean): void {
    const claim: Claim = { prefix, start: networkOf(prefix), end: lastOf(prefix), owner, label, own };
    const key = prefixKey(prefix);
    const list = this.#exact.get(key);
    // The same peer seen live and in the file claims once.
    if (owner !== '' && list?.some((other) => other.owner === owner)) return;
    if (list) list.push(claim);
    else this.#exact.set(key, [claim]);
    this.#sorted[prefix.family].push(claim);
    this.#dirty = true;
  }

  #sortedClaims(family: Family): Claim[] {
    if (this.#dirty) {
      for (const list of Object.values(this.#sorted)) {
        list.sort((a, b) =>
          a.start < b.start ? -1 : a.start > b.start ? 1 : a.prefix.length - b.prefix.length,
        );
      }
      this.#dirty = false;
    }
    return this.#sorted[family];
  }

  /** Claims inside [start, end], in address order. */
  #inside(family: Family, start: bigint, end: bigint): Claim[] {
    const list = this.#sortedClaims(family);
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (list[mid]!.start < start) low = mid + 1;
      else high = mid;
    }
    const out: Claim[] = [];
    for (let i = low; i < list.length && list[i]!.start <= end; i++) {
      if (list[i]!.end <= end) out.push(list[i]!);
    }
    return out;
  }

  /** A prefix that covers a whole interface subnet (or everything) routes rather than claims. */
  isRoute(prefix: Prefix): boolean {
    return prefix.length === 0 || this.subnets.some((subnet) => containsPrefix(prefix, subnet));
  }

  /**
   * Problems with giving `prefixes` to the peer `publicKey` (its own current claims do not count):
   * the same prefix elsewhere, or an overlap where neither side is a route. `field` names the list.
   */
  check(publicKey: string, prefixes: readonly Prefix[], field = 'allowedIps'): FieldProblem[] {
    const problems: FieldProblem[] = [];
    prefixes.forEach((raw, index) => {
      const prefix = masked(raw);
      const messages: string[] = [];
      let total = 0;
      const report = (message: string): void => {
        total++;
        if (messages.length < MAX_REPORTED) messages.push(message);
      };
      const bits = familyBits(prefix.family);
      // Claims equal to or containing this prefix: one exact-key lookup per possible length.
      for (let length = prefix.length; length >= 0; length--) {
        const outer: Prefix = { family: prefix.family, address: prefix.address, length };
        for (const claim of this.#exact.get(prefixKey(outer)) ?? []) {
          if (claim.owner === publicKey && claim.owner !== '') continue;
          if (length === prefix.length && length === bits && claim.own) {
            report(`${formatPrefix(prefix)} is ${claim.label}`);
          } else if (length === prefix.length) {
            report(`${formatPrefix(prefix)} is already routed to ${claim.label}`);
          } else if (claim.own || !this.isRoute(claim.prefix)) {
            report(`${formatPrefix(prefix)} is inside ${formatPrefix(claim.prefix)} of ${claim.label}`);
          }
        }
      }
      // Claims strictly inside it, unless it is a route.
      if (!this.isRoute(prefix)) {
        for (const claim of this.#inside(prefix.family, networkOf(prefix), lastOf(prefix))) {
          if (claim.prefix.length === prefix.length) continue; // equal: reported above
          if (claim.owner === publicKey && claim.owner !== '') continue;
          report(`${formatPrefix(prefix)} contains ${formatPrefix(claim.prefix)}, ${claim.label}`);
        }
      }
      if (total > messages.length) messages.push(`and ${total - messages.length} more`);
      for (const message of messages) problems.push({ field: `${field}[${index}]`, message });
    });
    return problems;
  }

  /**
   * The next free host address in each family the interface has (first subnet with room, in
   * `Address` order), as /32 and /128. Throws a PeerInputError when the interface has no usable
   * `Address` or a family has no free address.
   */
  allocate(field = 'allowedIps'): Prefix[] {
    if (this.subnets.length === 0) {
      throw new PeerInputError([
        {
          field,
          message:
            'the interface has no Address in its config file to allocate from: give the allowed IPs explicitly',
        },
      ]);
    }
    const result: Prefix[] = [];
    const problems: FieldProblem[] = [];
    for (const family of [4, 6] as const) {
      const subnets = this.subnets.filter((subnet) => subnet.family === family);
      if (subnets.length === 0) continue;
      let found: bigint | null = null;
      for (const subnet of subnets) {
        found = this.#firstFree(subnet);
        if (found !== null) break;
      }
      if (found === null) {
        problems.push({
          field,
          message: `no free IPv${family} address in ${subnets.map(formatPrefix).join(', ')}`,
        });
      } else {
        result.push({ family, address: found, length: familyBits(family) });
      }
    }
    if (problems.length > 0) throw new PeerInputError(problems);
    return result;
  }

  #firstFree(subnet: Prefix): bigint | null {
    const bits = familyBits(subnet.family);
    const network = networkOf(subnet);
    const last = lastOf(subnet);
    let candidate = network;
    let end = last;
    if (subnet.family === 4 && subnet.length <= 30) {
      candidate = network + 1n; // not the network address
      end = last - 1n; // nor broadcast
    } else if (subnet.family === 6 && subnet.length <= bits - 2) {
      candidate = network + 1n; // not the subnet-router anycast address
    }
    for (const claim of this.#inside(subnet.family, network, last)) {
      if (!claim.own && this.isRoute(claim.prefix)) continue;
      if (claim.start > candidate) break;
      if (claim.end >= candidate) candidate = claim.end + 1n;
    }
    return candidate <= end ? candidate : null;
  }
}

/** An AddressBook with every claimant recorded. */
export function buildAddressBook(
  interfaceAddresses: readonly string[],
  claimants: Iterable<Claimant>,
): AddressBook {
  const book = new AddressBook(interfaceAddresses);
  for (const claimant of claimants) book.claim(claimant);
  return book;
}
