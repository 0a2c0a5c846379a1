/**
 * OpenSSH known_hosts parser and host lookup, following sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT" and
 * OpenSSH's hostkeys.c / match.c:
 *
 *   [@marker] patterns keytype base64-key [comment]
 *
 * - patterns: comma-separated, `*` and `?` wildcards, `!pattern` negates (a negated match makes the
 *   whole line not apply, even if another pattern matches), case-insensitive. A non-22 port is written
 *   `[host]:port`, and the pattern is matched against that whole string, exactly as OpenSSH does.
 * - hashed: `|1|base64(salt)|base64(HMAC-SHA1(salt, name))` where name is `host` (port 22) or
 *   `[host]:port`. One hashed name per line (`ssh-keygen -H` splits comma lists).
 * - `@revoked`: the key must be refused for the matching hosts, whatever else says.
 * - `@cert-authority`: parsed but never returned by `lookup`: WG Deck does not use host certificates
 *   (ssh2 has no certificate support), so a CA line can neither trust nor refuse a key here.
 * - `#` comments and blank lines are skipped; malformed lines are skipped with a warning naming the
 *   line, and never stop the rest of the file from being used (as OpenSSH does).
 *
 * Matching is linear-time-ish even on hostile input (no regular expressions built from patterns).
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { SshKeyFormatError, decodeBase64Strict, decodeKeyFields } from './fingerprint.ts';

export type KnownHostMarker = 'revoked' | 'cert-authority';

export interface HashedHost {
  salt: Buffer;
  hash: Buffer;
}

export interface KnownHostEntry {
  /** The file the entry was read from, when known (for `file:line` locations in messages). */
  file?: string;
  /** 1-based line number. */
  line: number;
  marker: KnownHostMarker | null;
  /** The host field exactly as written. */
  hostField: string;
  /** Set for `|1|salt|hash` entries; `patterns` is then empty. */
  hashed: HashedHost | null;
  /** Comma-separated host patterns, as written (negated ones keep their `!`). */
  patterns: readonly string[];
  keyType: string;
  blob: Buffer;
  comment: string;
}

export interface KnownHostsWarning {
  file?: string;
  line: number;
  message: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  warnings: KnownHostsWarning[];
}

const SSH_DEFAULT_PORT = 22;
const HASH_MAGIC = '|1|';
const SHA1_BYTES = 20;
/** Longest host string `lookup` will match: DNS names are ≤ 253 chars; brackets and port add 8. */
const MAX_HOST_CHARS = 1024;

/**
 * The name a host:port is recorded under: `host` for port 22, `[host]:port` otherwise. Lower-cased, as
 * OpenSSH lower-cases the host name before any known_hosts lookup.
 */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === SSH_DEFAULT_PORT ? h : `[${h}]:${port}`;
}

/** Parses known_hosts text. Never throws for content: bad lines become warnings. */
export function parseKnownHosts(text: string, file?: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const warnings: KnownHostsWarning[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i] ?? '';
    const result = parseLine(raw, lineNo, file);
    if (result === null) continue;
    if (typeof result === 'string') {
      warnings.push(
        file === undefined ? { line: lineNo, message: result } : { file, line: lineNo, message: result },
      );
    } else {
      entries.push(result);
    }
  }
  return { entries, warnings };
}

/** null = blank/comment, string = warning, else the entry. */
function parseLine(raw: string, line: number, file: string | undefined): KnownHostEntry | string | null {
  const text = raw.replace(/\r$/, '').replace(/^[ \t]+/, '');
  if (text === '' || text.startsWith('#')) return null;

  let marker: KnownHostMarker | null = null;
  let rest = text;
  if (text.startsWith('@')) {
    const word = splitFields(text, 2)[0] ?? '';
    if (word === '@revoked') marker = 'revoked';
    else if (word === '@cert-authority') marker = 'cert-authority';
    else return `unknown marker ${quote(word)}`;
    rest = text.slice(word.length).replace(/^[ \t]+/, '');
  }
  const fields = splitFields(rest, 4);
  const [hostField, typeField, keyField] = fields;
  const comment = (fields[3] ?? '').trim();
  if (hostField === undefined || typeField === undefined || keyField === undefined) {
    return 'expected "[marker] hosts keytype key [comment]"';
  }
  if (/^\d+$/.test(typeField)) return 'SSH-1 RSA keys are not supported';

  let hashed: HashedHost | null = null;
  let patterns: string[] = [];
  if (hostField.startsWith('|')) {
    const parsed = parseHashed(hostField);
    if (typeof parsed === 'string') return parsed;
    hashed = parsed;
  } else {
    patterns = hostField.split(',');
  }

  let blob: Buffer;
  try {
    blob = decodeKeyFields(typeField, keyField);
  } catch (err) {
    if (err instanceof SshKeyFormatError) return err.message;
    throw err;
  }
  const entry: KnownHostEntry = {
    line,
    marker,
    hostField,
    hashed,
    patterns,
    keyType: typeField,
    blob,
    comment,
  };
  if (file !== undefined) entry.file = file;
  return entry;
}

/** Splits on runs of spaces/tabs into at most `max` fields; the last one keeps the rest of the line. */
function splitFields(text: string, max: number): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < text.length && out.length < max - 1) {
    let end = pos;
    while (end < text.length && text[end] !== ' ' && text[end] !== '\t') end++;
    out.push(text.slice(pos, end));
    pos = end;
    while (pos < text.length && (text[pos] === ' ' || text[pos] === '\t')) pos++;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return out;
}

function parseHashed(field: string): HashedHost | string {
  if (!field.startsWith(HASH_MAGIC)) return 'unsupported hashed host format (expected |1|salt|hash)';
  const parts = field.slice(HASH_MAGIC.length).split('|');
  if (parts.length !== 2 || parts[0] === undefined || parts[1] === undefined) {
    return 'malformed hashed host (expected |1|salt|hash)';
  }
  try {
    const salt = decodeBase64Strict(parts[0], 'the hashed host salt');
    const hash = decodeBase64Strict(parts[1], 'the hashed host hash');
    if (salt.length !== SHA1_BYTES || hash.length !== SHA1_BYTES) {
      return `malformed hashed host (salt and hash must be ${SHA1_BYTES} bytes)`;
    }
    return { salt, hash };
  } catch (err) {
    if (err instanceof SshKeyFormatError) return `malformed hashed host: ${err.message}`;
    throw err;
  }
}

function quote(s: string): string {
  return JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);
}

/**
 * `*` matches any run of characters (also none), `?` exactly one; everything else literally. Both
 * sides are expected lower-cased. Iterative with single-star backtracking: O(|text|·|pattern|), and
 * callers bound |text|.
 */
export function wildcardMatch(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = p++;
      starT = t;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

function patternMatches(name: string, rawPattern: string): boolean {
  const pattern = rawPattern.toLowerCase();
  // Cheap rejections that also bound the work on hostile patterns: the non-`*` characters of the
  // pattern each consume one character of the name.
  let literal = 0;
  let wild = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c !== 42) literal++;
    if (c === 42 || c === 63) wild = true;
  }
  if (!wild) return pattern === name;
  if (literal > name.length) return false;
  return wildcardMatch(name, pattern.replace(/\*{2,}/g, '*'));
}

/** OpenSSH match_hostname: true only for a positive match with no negated match. */
export function hostPatternsMatch(name: string, patterns: readonly string[]): boolean {
  let positive = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (patternMatches(name, p.slice(1))) return false;
    } else if (!positive && patternMatches(name, p)) {
      positive = true;
    }
  }
  return positive;
}

/** HMAC-SHA1 host hash check for `|1|salt|hash` entries. */
export function hashedHostMatches(name: string, hashed: HashedHost): boolean {
  const digest = createHmac('sha1', hashed.salt).update(name, 'utf8').digest();
  return digest.length === hashed.hash.length && timingSafeEqual(digest, hashed.hash);
}

/** Computes `|1|salt|hash` for a name (as `ssh-keygen -H` does), e.g. for tests or hashed stores. */
export function hashHostName(name: string, salt: Buffer): string {
  if (salt.length !== SHA1_BYTES) throw new Error(`salt must be ${SHA1_BYTES} bytes`);
  const hash = createHmac('sha1', salt).update(name, 'utf8').digest();
  return `${HASH_MAGIC}${salt.toString('base64')}|${hash.toString('base64')}`;
}

/**
 * The entries that apply to host:port, in file order. `@cert-authority` entries are never returned
 * (see the header); `@revoked` entries are, with their marker.
 */
export function lookup(entries: readonly KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  if (name.length > MAX_HOST_CHARS || host === '') return [];
  return entries.filter((e) => {
    if (e.marker === 'cert-authority') return false;
    return e.hashed ? hashedHostMatches(name, e.hashed) : hostPatternsMatch(name, e.patterns);
  });
}

/** `file:line` for messages. */
export function entryLocation(entry: KnownHostEntry): string {
  return `${entry.file ?? 'known_hosts'}:${entry.line}`;
}
