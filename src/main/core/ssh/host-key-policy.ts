/**
 * Host key policy: decides, inside ssh2's `hostVerifier` and so before any credential is sent, whether
 * the key a server presents is trusted, unknown (trust on first use: show the fingerprint), changed
 * (refuse: possible man-in-the-middle) or revoked (refuse).
 *
 * Two sources, both in OpenSSH known_hosts format:
 * - the user's ~/.ssh/known_hosts, honoured read-only (never written; a missing file has no entries);
 * - WG Deck's own store (trust-store.ts), the only place WG Deck records trust.
 *
 * OpenSSH semantics (sshconnect.c / hostkeys.c):
 * - any entry for host:port with exactly this key → trusted (several keys per host are allowed);
 * - an `@revoked` entry for host:port with this key → revoked, whatever else trusts it;
 * - entries for host:port of the same key type (an ECDSA key's curve is part of its type), none equal →
 *   changed;
 * - entries only of other key types → unknown, not changed. To make that case rare, the connection
 *   puts the known key types first in `algorithms.serverHostKey` (preferredHostKeyAlgorithms), so a
 *   server with several host keys shows the one we pinned, as OpenSSH does.
 */

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import { WgDeckError } from '../errors.ts';
import { describeHostKey, fingerprintOfBlob, keyTypeLabel } from './fingerprint.ts';
import { entryLocation, lookup, parseKnownHosts } from './known-hosts.ts';
import type { KnownHostEntry, KnownHostsWarning } from './known-hosts.ts';

export type HostKeySource = 'wgdeck' | 'known_hosts';

export interface HostKeyTarget {
  host: string;
  port: number;
  /** The raw key blob, as ssh2's hostVerifier receives it. */
  blob: Buffer;
}

export interface HostKeySources {
  /** Default ~/.ssh/known_hosts; a missing file has no entries; null = do not read one. */
  userKnownHostsPath?: string | null;
  /** WG Deck's trust store (a TrustStore, or anything that lists entries the same way). */
  store: { entries(): Promise<readonly KnownHostEntry[]> };
  /** Malformed lines in the user's known_hosts (they are skipped, as OpenSSH does). */
  onWarning?: (warning: KnownHostsWarning) => void;
}

export interface HostKeyTrusted {
  verdict: 'trusted';
  source: HostKeySource;
  keyType: string;
  fingerprint: string;
}
export interface HostKeyUnknown {
  verdict: 'unknown';
  keyType: string;
  fingerprint: string;
}
export interface HostKeyChanged {
  verdict: 'changed';
  keyType: string;
  fingerprint: string;
  expectedFingerprints: string[];
  /** Where the (first) old key of this type is recorded; `locations` lists them all. */
  source: HostKeySource;
  location: string;
  locations: string[];
}
export interface HostKeyRevoked {
  verdict: 'revoked';
  keyType: string;
  fingerprint: string;
  location: string;
}
export type HostKeyVerdict = HostKeyTrusted | HostKeyUnknown | HostKeyChanged | HostKeyRevoked;

/**
 * The host key algorithms WG Deck offers, in preference order: ssh2 1.17's default (ed25519, ECDSA,
 * RSA with SHA-2 signatures) without the SHA-1 `ssh-rsa` signatures, which OpenSSH 8.8 dropped too;
 * an RSA host key still works through rsa-sha2-512/256. ssh-dss is left out (obsolete, off by
 * default in OpenSSH and ssh2). A server that offers nothing of these is refused with an error that
 * names what it offers (algorithms.ts).
 */
export const DEFAULT_HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = Object.freeze([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
]);

/**
 * The signature algorithms that authenticate a key of this type: an `ssh-rsa` key signs with
 * rsa-sha2-512 or rsa-sha2-256 (never SHA-1 `ssh-rsa`); other types have one algorithm of the same name.
 * Types ssh2 cannot negotiate by default (DSA, security keys, certificates) give [].
 */
export function hostKeyAlgorithmsForKeyType(keyType: string): ServerHostKeyAlgorithm[] {
  if (keyType === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256'];
  if (keyType === 'ssh-ed25519' || keyType.startsWith('ecdsa-sha2-')) {
    return DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => a === keyType);
  }
  return [];
}

/** `preferred` first (in its order), then the rest of DEFAULT_HOST_KEY_ALGORITHMS: a serverHostKey list. */
export function orderHostKeyAlgorithms(
  preferred: readonly ServerHostKeyAlgorithm[],
): ServerHostKeyAlgorithm[] {
  const first = [...new Set(preferred)];
  return [...first, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !first.includes(a))];
}

/**
 * The host key algorithms for the key types already known (trusted, not revoked) for host:port, in
 * default preference order. Put them first in ssh2's `algorithms.serverHostKey`
 * (`orderHostKeyAlgorithms(preferred)`) so the server presents the key we have pinned. Empty when
 * nothing is known.
 */
export async function preferredHostKeyAlgorithms(
  host: string,
  port: number,
  sources: HostKeySources,
): Promise<ServerHostKeyAlgorithm[]> {
  const known = (await loadEntries(host, port, sources)).filter((e) => e.entry.marker === null);
  const algorithms = new Set(known.flatMap((e) => hostKeyAlgorithmsForKeyType(e.entry.keyType)));
  return DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => algorithms.has(a));
}

/** Checks the key a server presented. Throws only when a source cannot be read (or a malformed blob). */
export async function checkHostKey(target: HostKeyTarget, sources: HostKeySources): Promise<HostKeyVerdict> {
  const { keyType, fingerprint } = describeHostKey(target.blob);
  const matching = await loadEntries(target.host, target.port, sources);

  const revoked = matching.find((e) => e.entry.marker === 'revoked' && e.entry.blob.equals(target.blob));
  if (revoked) return { verdict: 'revoked', keyType, fingerprint, location: entryLocation(revoked.entry) };

  const known = matching.filter((e) => e.entry.marker === null);
  const same = known.filter((e) => e.entry.blob.equals(target.blob));
  const trustedBy = same.find((e) => e.source === 'wgdeck') ?? same[0];
  if (trustedBy) return { verdict: 'trusted', source: trustedBy.source, keyType, fingerprint };

  const sameType = known.filter((e) => e.entry.keyType === keyType);
  const first = sameType[0];
  if (first) {
    return {
      verdict: 'changed',
      keyType,
      fingerprint,
      expectedFingerprints: [...new Set(sameType.map((e) => fingerprintOfBlob(e.entry.blob)))],
      source: first.source,
      location: entryLocation(first.entry),
      locations: sameType.map((e) => entryLocation(e.entry)),
    };
  }
  return { verdict: 'unknown', keyType, fingerprint };
}

interface SourcedEntry {
  source: HostKeySource;
  entry: KnownHostEntry;
}

/** Entries for host:port from WG Deck's store first, then the user's known_hosts. */
async function loadEntries(host: string, port: number, sources: HostKeySources): Promise<SourcedEntry[]> {
  const [own, user] = await Promise.all([sources.store.entries(), readUserKnownHosts(sources)]);
  return [
    ...lookup(own, host, port).map((entry) => ({ source: 'wgdeck' as const, entry })),
    ...lookup(user, host, port).map((entry) => ({ source: 'known_hosts' as const, entry })),
  ];
}

export function defaultUserKnownHostsPath(): string {
  return path.join(os.homedir(), '.ssh', 'known_hosts');
}

async function readUserKnownHosts(sources: HostKeySources): Promise<KnownHostEntry[]> {
  if (sources.userKnownHostsPath === null) return [];
  let file = sources.userKnownHostsPath ?? defaultUserKnownHostsPath();
  if (file === '~' || file.startsWith('~/')) file = path.join(os.homedir(), file.slice(1));
  let text: string;
  try {
    text = await readFile(file, 'utf8'); // read-only: this file is never written
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  const parsed = parseKnownHosts(text, file);
  if (sources.onWarning) for (const w of parsed.warnings) sources.onWarning(w);
  return parsed.entries;
}

// ---------------------------------------------------------------------------------------------------
// Errors the connection layer throws when the verdict is not 'trusted'.

export type HostKeyErrorCode = 'HOST_KEY_UNKNOWN' | 'HOST_KEY_CHANGED' | 'HOST_KEY_REVOKED';

/** `host:port`, with brackets around IPv6 literals. */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Base of the three refusals; a WgDeckError so the connection layer passes it through unchanged. */
export class HostKeyError extends WgDeckError {
  declare readonly code: HostKeyErrorCode;
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  readonly fingerprint: string;
  constructor(
    code: HostKeyErrorCode,
    message: string,
    info: { host: string; port: number; keyType: string; fingerprint: string },
  ) {
    super(code, message);
    this.name = 'HostKeyError';
    this.host = info.host;
    this.port = info.port;
    this.keyType = info.keyType;
    this.fingerprint = info.fingerprint;
  }
}

export class HostKeyUnknownError extends HostKeyError {
  constructor(info: { host: string; port: number; keyType: string; fingerprint: string }) {
    super(
      'HOST_KEY_UNKNOWN',
      `The authenticity of host ${formatHostPort(info.host, info.port)} can't be established. ` +
        `${keyTypeLabel(info.keyType)} key fingerprint is ${info.fingerprint}.`,
      info,
    );
    this.name = 'HostKeyUnknownError';
  }
}

export class HostKeyChangedError extends HostKeyError {
  readonly expectedFingerprints: string[];
  readonly source: HostKeySource;
  readonly location: string;
  readonly locations: string[];
  /** The server's name in WG Deck, when known: the CLI's hint names it in the re-trust command. */
  readonly serverName?: string;
  constructor(info: {
    host: string;
    port: number;
    keyType: string;
    fingerprint: string;
    expectedFingerprints: string[];
    source: HostKeySource;
    location: string;
    locations?: string[];
    /** The server's name in WG Deck, for the CLI's re-trust command. */
    serverName?: string;
  }) {
    const hp = formatHostPort(info.host, info.port);
    const label = keyTypeLabel(info.keyType);
    const locations = info.locations && info.locations.length > 0 ? info.locations : [info.location];
    const where = locations.join(', ');
    super(
      'HOST_KEY_CHANGED',
      `WARNING: the ${label} host key of ${hp} has CHANGED. ` +
        `Expected ${info.expectedFingerprints.join(' or ')} (recorded in ${where}), ` +
        `but the server presented ${info.fingerprint}. ` +
        'Someone could be eavesdropping on you right now (man-in-the-middle attack), ' +
        "or the server's host key was replaced. The connection was refused before any credentials were sent.",
      info,
    );
    this.name = 'HostKeyChangedError';
    this.expectedFingerprints = info.expectedFingerprints;
    this.source = info.source;
    this.location = info.location;
    this.locations = locations;
    if (info.serverName !== undefined) this.serverName = info.serverName;
  }
}

export class HostKeyRevokedError extends HostKeyError {
  readonly location: string;
  constructor(info: { host: string; port: number; keyType: string; fingerprint: string; location: string }) {
    super(
      'HOST_KEY_REVOKED',
      `The ${keyTypeLabel(info.keyType)} host key of ${formatHostPort(info.host, info.port)} ` +
        `(${info.fingerprint}) is marked @revoked in ${info.location}.`,
      info,
    );
    this.name = 'HostKeyRevokedError';
    this.location = info.location;
  }
}

/** The error to throw for a verdict, or null when it is trusted. */
export function hostKeyError(
  target: { host: string; port: number },
  verdict: HostKeyVerdict,
  serverName?: string,
): HostKeyError | null {
  const { host, port } = target;
  switch (verdict.verdict) {
    case 'trusted':
      return null;
    case 'unknown':
      return new HostKeyUnknownError({
        host,
        port,
        keyType: verdict.keyType,
        fingerprint: verdict.fingerprint,
      });
    case 'changed':
      return new HostKeyChangedError({
        host,
        port,
        keyType: verdict.keyType,
        fingerprint: verdict.fingerprint,
        expectedFingerprints: verdict.expectedFingerprints,
        source: verdict.source,
        location: verdict.location,
        locations: verdict.locations,
        ...(serverName === undefined ? {} : { serverName }),
      });
    case 'revoked':
      return new HostKeyRevokedError({
        host,
        port,
        keyType: verdict.keyType,
        fingerprint: verdict.fingerprint,
        location: verdict.location,
      });
  }
}
