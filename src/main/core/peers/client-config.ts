/**
 * The config a new peer's device imports: a wg-quick file (and the same text as a QR code, which the
 * WireGuard mobile apps scan). It holds the client's private key, the only place that key ever goes.
 *
 * ```
 * [Interface]
 * PrivateKey = …
 * Address = 198.18.8.7/32, 2001:2:0:1042::7/128
 * DNS = 198.18.53.53
 * MTU = 1420
 *
 * [Peer]
 * PublicKey = <server>
 * PresharedKey = …
 * Endpoint = vpn.example.com:51820        ([2001:2:0:1db8::1]:51820 for an IPv6 address)
 * AllowedIPs = 0.0.0.0/0, ::/0            (full tunnel unless told otherwise)
 * PersistentKeepalive = 25
 * ```
 */

import QRCode from 'qrcode';
import { isValidHost } from '../../../shared/validation.ts';
import { isIPv4, isIPv6 } from '../collector/ip-address.ts';
import { quote } from '../collector/text-fields.ts';
import type { Prefix } from './ip.ts';
import { formatPrefix, parsePrefix } from './ip.ts';
import type { FieldProblem } from './validate.ts';
import { checkAllowedIps, checkKeepalive, checkKey, checkName, throwIfProblems } from './validate.ts';

export const FULL_TUNNEL: readonly string[] = ['0.0.0.0/0', '::/0'];

export interface ClientConfigInput {
  /** Written as a `# Name = …` comment at the top, so the file says whose it is. */
  name?: string | null;
  privateKey: string;
  /** The peer's addresses, as the server routes them (e.g. `198.18.8.7/32`). */
  addresses: readonly string[];
  /** DNS servers (IP addresses) or search domains, as wg-quick reads them. */
  dns?: readonly string[];
  mtu?: number | null;
  serverPublicKey: string;
  presharedKey?: string | null;
  /** The server's host name or address as clients reach it (IPv6 with or without brackets). */
  endpointHost: string;
  endpointPort: number;
  /** Default: full tunnel, `0.0.0.0/0, ::/0`. */
  allowedIps?: readonly string[];
  persistentKeepalive?: number | null;
}

const MTU_MIN = 576;
const MTU_MAX = 65535;

/** `host:port`, brackets around an IPv6 address. */
export function formatEndpoint(host: string, port: number): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.includes(':') ? `[${bare}]:${port}` : `${bare}:${port}`;
}

function checkHost(field: string, host: string, problems: FieldProblem[]): void {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ok = bare.includes(':') ? isIPv6(bare) : isValidHost(bare);
  if (!ok) problems.push({ field, message: 'must be a DNS name, an IPv4 address or an IPv6 address' });
}

/** The client's own addresses: host bits are fine here (`198.18.8.7/24` names the address and its subnet). */
function checkAddresses(values: readonly string[], problems: FieldProblem[]): Prefix[] | null {
  if (values.length === 0) {
    problems.push({ field: 'addresses', message: 'at least one address is needed' });
    return null;
  }
  const prefixes: Prefix[] = [];
  values.forEach((value, index) => {
    const prefix = parsePrefix(value);
    if (prefix === null)
      problems.push({
        field: `addresses[${index}]`,
        message: `${quote(value)} is not an address or address/prefix`,
      });
    else prefixes.push(prefix);
  });
  return prefixes.length === values.length ? prefixes : null;
}

/** Validates every field (all problems at once, each naming its field) and returns the file's text. */
export function buildClientConfig(input: ClientConfigInput): string {
  const problems: FieldProblem[] = [];
  if (input.name != null) checkName('name', input.name, problems);
  checkKey('privateKey', input.privateKey, problems);
  checkKey('serverPublicKey', input.serverPublicKey, problems);
  if (input.presharedKey != null) checkKey('presharedKey', input.presharedKey, problems);
  const addresses = checkAddresses(input.addresses, problems);
  const allowedIps = checkAllowedIps('allowedIps', input.allowedIps ?? FULL_TUNNEL, problems);
  checkKeepalive('persistentKeepalive', input.persistentKeepalive ?? null, problems);
  checkHost('endpointHost', input.endpointHost, problems);
  if (!Number.isInteger(input.endpointPort) || input.endpointPort < 1 || input.endpointPort > 65535) {
    problems.push({ field: 'endpointPort', message: 'must be a port number (1–65535)' });
  }
  const mtu = input.mtu ?? null;
  if (mtu !== null && (!Number.isInteger(mtu) || mtu < MTU_MIN || mtu > MTU_MAX)) {
    problems.push({ field: 'mtu', message: `must be an integer from ${MTU_MIN} to ${MTU_MAX}` });
  }
  (input.dns ?? []).forEach((entry, index) => {
    if (!isIPv4(entry) && !isIPv6(entry) && !isValidHost(entry)) {
      problems.push({ field: `dns[${index}]`, message: 'must be an IP address or a search domain' });
    }
  });
  throwIfProblems(problems);

  const lines: string[] = [];
  if (input.name != null) lines.push(`# Name = ${input.name}`);
  lines.push(
    '[Interface]',
    `PrivateKey = ${input.privateKey}`,
    `Address = ${addresses!.map(formatPrefix).join(', ')}`,
  );
  if (input.dns !== undefined && input.dns.length > 0) lines.push(`DNS = ${input.dns.join(', ')}`);
  if (mtu !== null) lines.push(`MTU = ${mtu}`);
  lines.push('', '[Peer]', `PublicKey = ${input.serverPublicKey}`);
  if (input.presharedKey != null) lines.push(`PresharedKey = ${input.presharedKey}`);
  lines.push(`Endpoint = ${formatEndpoint(input.endpointHost, input.endpointPort)}`);
  lines.push(`AllowedIPs = ${allowedIps!.map(formatPrefix).join(', ')}`);
  const keepalive = input.persistentKeepalive ?? null;
  if (keepalive !== null && keepalive !== 0) lines.push(`PersistentKeepalive = ${keepalive}`);
  return `${lines.join('\n')}\n`;
}

/**
 * A file name for the download, usable as the tunnel's name by wg-quick and the WireGuard apps (at
 * most 15 of `[a-zA-Z0-9_=+.-]`, then `.conf`): `alice's phone` → `alice-s-phone.conf`.
 */
export function clientConfigFileName(name: string | null, fallback = 'wg-client'): string {
  const base = (name ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^a-zA-Z0-9_=+.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 15)
    .replace(/[-.]+$/, '');
  return `${base === '' ? fallback : base}.conf`;
}

/** The config as an SVG QR code (what the mobile apps scan). */
export function clientConfigQrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The config as a QR code drawn with block characters, for `wgdeck peer add --qr`. */
export function clientConfigQrTerminal(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'M' });
}
