/**
 * WG Deck's own trusted host keys: `<dataDir>/known_hosts`, in OpenSSH known_hosts format so admins can
 * read it (and `ssh-keygen -F host -f <file>` works on it) and the same parser reads it back.
 *
 * - Host names are stored unhashed and lower-cased: `host` for port 22, `[host]:port` otherwise.
 * - Every write replaces the file atomically: temp file in the same directory (mode 0600), fsync,
 *   rename, then fsync of the directory. A crash leaves either the old or the new file, never a torn one.
 * - Writes from one process are serialised; lines not written by WG Deck (comments, entries an admin
 *   added) are kept as they are.
 * - The user's ~/.ssh/known_hosts is never touched here (host-key-policy.ts only reads it).
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorCode } from '../../../shared/error-codes.ts';
import { writeFileAtomic } from '../store/atomic-file.ts';
import { withStoreLock } from '../store/store-lock.ts';
import { keyTypeOfBlob } from './fingerprint.ts';
import { knownHostsName, lookup, parseKnownHosts } from './known-hosts.ts';
import type { KnownHostEntry, ParsedKnownHosts } from './known-hosts.ts';

export const TRUST_STORE_FILE = 'known_hosts';

const HEADER =
  '# WG Deck trusted SSH host keys (OpenSSH known_hosts format).\n' +
  '# Managed by WG Deck: use `wgdeck server trust NAME --replace` to re-trust a changed key.\n';

/**
 * Host names the store will write: DNS names, IPv4 and IPv6 literals (`%` for IPv6 zones). Anything
 * else (whitespace, commas, wildcards, brackets, `|`, `!`, `#`, `@`, shell metacharacters) could change
 * the meaning of the line, so it is refused rather than escaped.
 */
const HOST_RE = /^[A-Za-z0-9._:%-]{1,253}$/;

/** Thrown by `trust` when the store already holds a different key of that type for the host. */
export class TrustStoreConflictError extends Error {
  readonly code = 'TRUST_STORE_CONFLICT' satisfies ErrorCode;
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  constructor(host: string, port: number, keyType: string, file: string, lines: number[]) {
    super(
      `${file} already trusts a different ${keyType} key for ${knownHostsName(host, port)} ` +
        `(line ${lines.join(', ')}); forget the old key first to replace it deliberately`,
    );
    this.name = 'TrustStoreConflictError';
    this.host = host;
    this.port = port;
    this.keyType = keyType;
  }
}

export function validateHost(host: string): void {
  if (typeof host !== 'string' || !HOST_RE.test(host) || host.startsWith('-')) {
    throw new Error(`invalid host name ${JSON.stringify(String(host).slice(0, 80))}`);
  }
}

export function validatePort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`invalid port ${String(port)}`);
  }
}

export class TrustStore {
  /** Absolute path of the store file. */
  readonly path: string;
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.resolve(dataDir);
    this.path = path.join(this.dir, TRUST_STORE_FILE);
  }

  /** Parsed file (entries and warnings for malformed lines); a missing file is empty. */
  async read(): Promise<ParsedKnownHosts> {
    const text = await this.readText();
    return parseKnownHosts(text ?? '', this.path);
  }

  async entries(): Promise<KnownHostEntry[]> {
    return (await this.read()).entries;
  }

  /**
   * Records `blob` as trusted for host:port. A no-op when the same key is already trusted for that
   * name. Refuses (TrustStoreConflictError) when a different key of the same type is trusted: replacing
   * a key must be deliberate, via `forget` first.
   */
  async trust(host: string, port: number, keyType: string, blob: Buffer): Promise<void> {
    validateHost(host);
    validatePort(port);
    const actual = keyTypeOfBlob(blob);
    if (actual !== keyType) {
      throw new Error(`key type ${keyType} does not match the key's own type ${actual}`);
    }
    return this.serialise(async () => {
      const text = (await this.readText()) ?? '';
      const { entries } = parseKnownHosts(text, this.path);
      const name = knownHostsName(host, port);
      const matching = lookup(entries, host, port).filter((e) => e.marker === null);
      if (matching.some((e) => e.blob.equals(blob))) return;
      const conflicting = matching.filter((e) => e.keyType === keyType);
      if (conflicting.length > 0) {
        throw new TrustStoreConflictError(
          host,
          port,
          keyType,
          this.path,
          conflicting.map((e) => e.line),
        );
      }
      const base = text === '' ? HEADER : text.endsWith('\n') ? text : text + '\n';
      await this.writeAtomic(`${base}${name} ${keyType} ${blob.toString('base64')}\n`);
    });
  }

  /**
   * Removes every trusted key that applies to host:port (all key types), so the next connection sees
   * an unknown key and a new one can be trusted deliberately. Lines that also cover other hosts (an
   * admin's wildcard or comma list) are removed too: forgetting too much only means asking again.
   * `@revoked` lines are kept: a revocation is never forgotten. Returns the number of lines removed.
   */
  async forget(host: string, port: number): Promise<number> {
    validateHost(host);
    validatePort(port);
    return this.serialise(async () => {
      const text = await this.readText();
      if (text === null) return 0;
      const { entries } = parseKnownHosts(text, this.path);
      const drop = new Set(
        lookup(entries, host, port)
          .filter((e) => e.marker === null)
          .map((e) => e.line),
      );
      if (drop.size === 0) return 0;
      const kept = text.split('\n').filter((_, i) => !drop.has(i + 1));
      await this.writeAtomic(kept.join('\n'));
      return drop.size;
    });
  }

  private async readText(): Promise<string | null> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** One change at a time across every process on the data dir (the app, `serve`, the CLI). */
  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    return withStoreLock(this.path, fn);
  }

  private async writeAtomic(content: string): Promise<void> {
    await writeFileAtomic(this.path, content, 0o600);
  }
}
