/**
 * Which address a peer's ping check pings (seed 002), declared once for the engine, the CLI and the
 * UI: the peer's own check address (`# CheckAddress = …` in its config block) when it has one, else
 * the first AllowedIPs entry that is one host (a /32 or /128), without its prefix. A peer routed only
 * networks (a site behind it) has no address of its own to ping until it is given one.
 */
import { addressFamily, parsePrefix } from './ip-rules.ts';

const HOST_BITS = { 4: 32, 6: 128 } as const;

export function hostAddressOf(allowedIps: readonly string[]): string | null {
  for (const entry of allowedIps) {
    const prefix = parsePrefix(entry);
    if (prefix === null || prefix.length !== HOST_BITS[prefix.family]) continue;
    const slash = entry.indexOf('/');
    return slash < 0 ? entry : entry.slice(0, slash);
  }
  return null;
}

export function checkAddressOf(
  explicit: string | null | undefined,
  allowedIps: readonly string[],
): string | null {
  return explicit ?? hostAddressOf(allowedIps);
}

/**
 * Whether a ping round pings the peer now: it has a check address, and WireGuard an endpoint for it.
 * A peer that has not connected since its interface came up has none, so WireGuard has nowhere to
 * send the packet: the answer is known, and each such ping would wait out its 2 s on the server (a
 * 1,000-peer lab server of such peers ran rounds back to back, two processes per peer per round).
 * It is pinged from the first round after it connects.
 */
export function isPinged<T extends { checkAddress: string | null; endpoint: string | null }>(
  peer: T,
): peer is T & { checkAddress: string; endpoint: string } {
  return peer.checkAddress !== null && peer.endpoint !== null;
}

/** What a check address may be: one IPv4 or IPv6 address (the server pings it; no names, no prefix). */
export function checkAddressProblem(text: string): string | null {
  return addressFamily(text) === null ? 'must be one IPv4 or IPv6 address, without a prefix' : null;
}
