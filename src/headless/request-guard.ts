import { isIP } from 'node:net';

/**
 * Who may talk to browser mode. The token is the real gate; these checks stop the classic attacks on
 * local web servers around it: DNS rebinding (a foreign name resolving to 127.0.0.1, so the browser
 * sends `Host: evil.example`) and cross-site WebSocket hijacking (a foreign page opening our socket,
 * recognisable by its `Origin`).
 */

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export function isWildcard(listen: string): boolean {
  return WILDCARDS.has(listen);
}

export function isLoopback(listen: string): boolean {
  const host = listen.toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** `host:port` as it appears in a Host header and a URL (IPv6 in brackets). */
export function hostWithPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host.toLowerCase()}]` : host.toLowerCase()}:${port}`;
}

/**
 * The Host header values we answer to: the loopback names, the explicit listen address, and for a
 * wildcard listen the machine's own addresses and name (given by the caller, so this stays pure).
 */
export function allowedHosts(listen: string, port: number, machineNames: string[] = []): Set<string> {
  const names = ['127.0.0.1', 'localhost', '::1'];
  if (isWildcard(listen)) names.push(...machineNames);
  else names.push(listen);
  const allowed = new Set<string>();
  for (const name of names) {
    allowed.add(hostWithPort(name, port));
    if (port === 80) allowed.add(isIP(name) === 6 ? `[${name.toLowerCase()}]` : name.toLowerCase());
  }
  return allowed;
}

export function isAllowedHost(host: string | undefined, allowed: Set<string>): boolean {
  return typeof host === 'string' && allowed.has(host.toLowerCase());
}

/** A WebSocket's Origin must be this very server as the browser reached it: `http://` + the Host header. */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (typeof origin !== 'string' || typeof host !== 'string') return false;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}
