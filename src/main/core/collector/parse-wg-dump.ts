/**
 * Parser of `wg show all dump` (after the remote script masked the secrets): tab-separated, one
 * interface line (5 fields) followed by the lines of its peers (9 fields).
 *
 * Strict, in the manner of wgctrl-go: the first malformed field stops the parse with an error naming
 * the line and the field. A dump is all or nothing because a partially parsed peer list would look
 * like peers disappearing. Key fields are never quoted in errors: a malformed line might carry an
 * unmasked secret.
 *
 * Speed: one pass over the bytes, each field validated as it is read (a 10,000-peer dump is over a
 * megabyte and this runs every few seconds per server). Strings are sliced from one latin1 view of
 * the dump, so a snapshot keeps that view alive (about the dump's size) while any of its keys is.
 */

import type { InterfaceDump, PeerDump } from '../../../shared/domain.ts';
import { hasUnsafeText } from '../../../shared/safe-text.ts';
import { isCidrBytes, isEndpointBytes, scanIPv4Suffixed } from './ip-address.ts';
import { describeBadUint, isShowableName, quote } from './text-fields.ts';
import { isWireGuardKeyBytes, WG_KEY_LENGTH } from './wg-key.ts';

export type WgDumpResult = { ok: true; interfaces: InterfaceDump[] } | { ok: false; error: string };

/**
 * @param dump the dump as received (bytes) or as text. Lines end in LF or CRLF; empty lines carry
 *   nothing and are skipped. Line numbers in errors count every line, from 1.
 */
export function parseWgDump(dump: Uint8Array | string): WgDumpResult {
  const bytes = typeof dump === 'string' ? Buffer.from(dump, 'utf8') : dump;
  return READER.parse(bytes);
}

const INTERFACE_FIELDS = 5;
const PEER_FIELDS = 9;
const MAX_PORT = 65535;
const MAX_FWMARK = 0xffffffff;

const TAB = 9;
const LF = 10;
const CR = 13;
const OPEN_PAREN = 40;
const COMMA = 44;
const SLASH = 47;
const COLON = 58;
const OPEN_BRACKET = 91;

const NONE = literal('(none)');
const HIDDEN = literal('(hidden)');
const OFF = literal('off');

function literal(text: string): { text: string; bytes: Uint8Array } {
  return { text, bytes: Buffer.from(text, 'latin1') };
}

type LineKind = 'interface' | 'peer';

/** A field that failed to parse; the line loop adds the line number. */
class FieldError extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(problem);
    this.field = field;
  }
}

/** A line with fewer or more fields than its kind has; the loop counts them for the message. */
class FieldCountError extends Error {}

/**
 * One parse at a time (it is synchronous). A single long-lived instance on purpose: V8 holds the
 * hidden class of an object weakly in its optimized code, so with a fresh reader per dump every
 * garbage collection in between threw away the optimized parser (measured: 4x slower).
 */
class DumpReader {
  #bytes: Uint8Array = new Uint8Array(0);
  /** The same bytes as a string, char i = byte i, to slice ASCII fields from. */
  #latin1 = '';
  #pos = 0;
  #interfaces: InterfaceDump[] = [];
  #names = new Set<string>();
  #current: InterfaceDump | undefined;
  /** Where the current interface's name is in #bytes, to match its peer lines without a string. */
  #currentNameStart = 0;
  #currentNameEnd = 0;

  parse(bytes: Uint8Array): WgDumpResult {
    this.#bytes = bytes;
    this.#latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    this.#pos = 0;
    this.#interfaces = [];
    this.#names = new Set();
    this.#current = undefined;
    this.#currentNameStart = 0;
    this.#currentNameEnd = 0;
    try {
      return this.#lines();
    } finally {
      // Let go of the dump and its result: the reader outlives them.
      this.#bytes = new Uint8Array(0);
      this.#latin1 = '';
      this.#interfaces = [];
      this.#names = new Set();
      this.#current = undefined;
    }
  }

  #lines(): WgDumpResult {
    const length = this.#bytes.length;
    let lineNumber = 0;
    while (this.#pos < length) {
      lineNumber++;
      const lineStart = this.#pos;
      if (this.#atLineEnd(lineStart)) {
        this.#lineEnd();
        continue;
      }
      const nameEnd = this.#nameEnd(lineStart);
      const guess = this.#guessKind(nameEnd);
      const problem = this.#tryLine(guess, nameEnd);
      if (problem === null) continue;
      // Judge a bad line by its field count first: that is the likelier mistake, and with the wrong
      // kind the field errors would be misleading (e.g. an unmasked private key read as a peer key).
      const count = this.#countFields(lineStart);
      const kind = count === INTERFACE_FIELDS ? 'interface' : count === PEER_FIELDS ? 'peer' : null;
      if (kind === null) {
        return lineError(
          lineNumber,
          `expected ${INTERFACE_FIELDS} (interface) or ${PEER_FIELDS} (peer) tab-separated fields, got ${count}`,
        );
      }
      if (kind === guess) return lineError(lineNumber, problem);
      this.#pos = lineStart;
      return lineError(lineNumber, this.#tryLine(kind, nameEnd) ?? problem);
    }
    return { ok: true, interfaces: this.#interfaces };
  }

  /** Where the name at the start of a line ends; found without a scan on peer lines. */
  #nameEnd(lineStart: number): number {
    const currentEnd = lineStart + (this.#currentNameEnd - this.#currentNameStart);
    if (
      this.#current !== undefined &&
      this.#bytes[currentEnd] === TAB &&
      this.#sameBytes(lineStart, currentEnd, this.#currentNameStart, this.#currentNameEnd)
    ) {
      return currentEnd;
    }
    return this.#fieldEnd(lineStart);
  }

  /**
   * The kind of a line, told from its second field (after the name ending at `nameEnd`) without
   * counting fields: an interface line has a mask there (`(hidden)`/`(none)`), a peer line a key,
   * and keys never start with "(".
   */
  #guessKind(nameEnd: number): LineKind {
    return this.#bytes[nameEnd] === TAB && this.#bytes[nameEnd + 1] === OPEN_PAREN ? 'interface' : 'peer';
  }

  /** Parses one line as `kind`; the problem if it is not one. */
  #tryLine(kind: LineKind, nameEnd: number): string | null {
    try {
      this.#line(kind, nameEnd);
      return null;
    } catch (error) {
      if (error instanceof FieldError) return `${error.field}: ${error.message}`;
      if (error instanceof FieldCountError) return 'malformed line';
      throw error;
    }
  }

  #line(kind: LineKind, nameEnd: number): void {
    const nameStart = this.#pos;
    this.#pos = nameEnd;
    this.#tab();
    if (kind === 'interface') {
      const dump = this.#interface(nameStart, nameEnd);
      this.#lineEnd();
      this.#addInterface(dump, nameStart, nameEnd);
    } else {
      const current = this.#currentFor(nameStart, nameEnd);
      const peer = this.#peer();
      this.#lineEnd();
      current.peers.push(peer);
    }
  }

  #interface(nameStart: number, nameEnd: number): InterfaceDump {
    const name = this.#interfaceName(nameStart, nameEnd);
    // Only the masking is checked; the private key itself is never kept.
    this.#masked('private-key');
    this.#tab();
    // `(none)` when the interface has no private key yet (freshly created with `ip link`).
    const publicKey = this.#literal(NONE) ? null : this.#key('public-key');
    this.#tab();
    const listenPort = this.#uint('listen-port', MAX_PORT);
    this.#tab();
    const fwmark = this.#literal(OFF) ? null : this.#fwmark();
    return { name, publicKey, listenPort: listenPort === 0 ? null : listenPort, fwmark, peers: [] };
  }

  #addInterface(dump: InterfaceDump, nameStart: number, nameEnd: number): void {
    if (this.#names.has(dump.name)) throw new FieldError('interface', `${quote(dump.name)} listed twice`);
    this.#names.add(dump.name);
    this.#interfaces.push(dump);
    this.#current = dump;
    this.#currentNameStart = nameStart;
    this.#currentNameEnd = nameEnd;
  }

  /** The interface a peer line belongs to: the one whose line came last, by the same name. */
  #currentFor(nameStart: number, nameEnd: number): InterfaceDump {
    const current = this.#current;
    if (
      current === undefined ||
      !this.#sameBytes(nameStart, nameEnd, this.#currentNameStart, this.#currentNameEnd)
    ) {
      const name = this.#decode(nameStart, nameEnd);
      throw new FieldError('interface', `peer of ${quote(name)} without its interface line before it`);
    }
    return current;
  }

  #peer(): PeerDump {
    const publicKey = this.#key('public-key');
    this.#tab();
    const presharedKey = this.#masked('preshared-key');
    this.#tab();
    const endpoint = this.#literal(NONE) ? null : this.#endpoint();
    this.#tab();
    const allowedIps = this.#literal(NONE) ? [] : this.#allowedIps();
    this.#tab();
    const latestHandshake = this.#uint('latest-handshake', Number.MAX_SAFE_INTEGER);
    this.#tab();
    const rxBytes = this.#uint('rx-bytes', Number.MAX_SAFE_INTEGER);
    this.#tab();
    const txBytes = this.#uint('tx-bytes', Number.MAX_SAFE_INTEGER);
    this.#tab();
    const keepalive = this.#literal(OFF) ? 0 : this.#uint('persistent-keepalive', MAX_PORT);
    return {
      publicKey,
      presharedKey,
      endpoint,
      allowedIps,
      latestHandshake: latestHandshake === 0 ? null : latestHandshake,
      rxBytes,
      txBytes,
      persistentKeepalive: keepalive === 0 ? null : keepalive,
    };
  }

  // --- structure ---

  /** Whether a field ends at `index`: a tab, or the end of the line (LF, CRLF or end of input). */
  #atFieldEnd(index: number): boolean {
    const byte = this.#bytes[index];
    return byte === undefined || byte === TAB || this.#atLineEnd(index);
  }

  #atLineEnd(index: number): boolean {
    const bytes = this.#bytes;
    const byte = bytes[index];
    if (byte === undefined || byte === LF) return true;
    return byte === CR && (index + 1 === bytes.length || bytes[index + 1] === LF);
  }

  /** Where the field starting at `start` ends. */
  #fieldEnd(start: number): number {
    const bytes = this.#bytes;
    let index = start;
    while (index < bytes.length && bytes[index] !== TAB && bytes[index] !== LF) index++;
    if (index > start && bytes[index - 1] === CR && bytes[index] !== TAB) index--; // CRLF
    return index;
  }

  #tab(): void {
    if (this.#bytes[this.#pos] !== TAB) throw new FieldCountError();
    this.#pos++;
  }

  #lineEnd(): void {
    const bytes = this.#bytes;
    if (this.#pos === bytes.length) return;
    if (bytes[this.#pos] === CR) this.#pos++;
    if (this.#pos === bytes.length) return;
    if (bytes[this.#pos] !== LF) throw new FieldCountError();
    this.#pos++;
  }

  #countFields(lineStart: number): number {
    const bytes = this.#bytes;
    let count = 1;
    for (let index = lineStart; index < bytes.length && bytes[index] !== LF; index++) {
      if (bytes[index] === TAB) count++;
    }
    return count;
  }

  // --- fields ---

  /** Consumes `expected` if the field is exactly that. */
  #literal(expected: { bytes: Uint8Array }): boolean {
    const bytes = this.#bytes;
    const want = expected.bytes;
    const start = this.#pos;
    for (let i = 0; i < want.length; i++) {
      if (bytes[start + i] !== want[i]) return false;
    }
    if (!this.#atFieldEnd(start + want.length)) return false;
    this.#pos = start + want.length;
    return true;
  }

  /** Whether a secret is configured. Anything but the two masks is refused (and not echoed). */
  #masked(field: string): boolean {
    if (this.#literal(HIDDEN)) return true;
    if (this.#literal(NONE)) return false;
    throw new FieldError(
      field,
      `expected ${HIDDEN.text} or ${NONE.text}: the remote script must mask every secret`,
    );
  }

  #key(field: string): string {
    const start = this.#pos;
    const end = start + WG_KEY_LENGTH;
    if (!isWireGuardKeyBytes(this.#bytes, start, end) || !this.#atFieldEnd(end)) {
      throw new FieldError(field, 'not a WireGuard key (base64 of 32 bytes, 44 characters)');
    }
    this.#pos = end;
    return this.#latin1.slice(start, end);
  }

  #uint(field: string, max: number): number {
    const bytes = this.#bytes;
    const start = this.#pos;
    let index = start;
    let value = 0;
    for (; index < bytes.length; index++) {
      const byte = bytes[index]!;
      if (byte < 48 || byte > 57) break;
      value = value * 10 + (byte - 48);
    }
    // Past 2^53 the accumulation may round, but never back below 2^53.
    if (index === start || value > Number.MAX_SAFE_INTEGER || !this.#atFieldEnd(index)) {
      throw new FieldError(field, describeBadUint(this.#fieldText(start)));
    }
    if (value > max)
      throw new FieldError(field, `${quote(this.#fieldText(start))} is out of range 0..${max}`);
    this.#pos = index;
    return value;
  }

  /** `wg` prints a set fwmark as `0x%x`; plain decimal is accepted too. */
  #fwmark(): number {
    const bytes = this.#bytes;
    const start = this.#pos;
    if (bytes[start] !== 48 || bytes[start + 1] !== 120 /* x */) return this.#uint('fwmark', MAX_FWMARK);
    let index = start + 2;
    let value = 0;
    for (; index < bytes.length; index++) {
      const digit = hexValue(bytes[index]!);
      if (digit < 0) break;
      value = value * 16 + digit;
    }
    const digits = index - start - 2;
    if (digits === 0 || digits > 8 || !this.#atFieldEnd(index)) {
      throw new FieldError('fwmark', `${quote(this.#fieldText(start))} is not off or a 32-bit mark`);
    }
    this.#pos = index;
    return value;
  }

  #endpoint(): string {
    const start = this.#pos;
    const ipv4End = scanIPv4Suffixed(this.#bytes, start, COLON, MAX_PORT);
    if (ipv4End >= 0 && this.#atFieldEnd(ipv4End)) {
      this.#pos = ipv4End;
      return this.#latin1.slice(start, ipv4End);
    }
    const end = this.#fieldEnd(start);
    if (!isEndpointBytes(this.#bytes, start, end)) {
      throw new FieldError('endpoint', `${quote(this.#decode(start, end))} is not ip:port or [ipv6]:port`);
    }
    this.#pos = end;
    if (this.#bytes[start] !== OPEN_BRACKET) return this.#latin1.slice(start, end);
    // Only an IPv6 zone (`[2001:2:0:1000::1%eth0]`, an interface name) can hold other bytes than an address's.
    const endpoint = this.#decode(start, end);
    if (hasUnsafeText(endpoint)) {
      throw new FieldError('endpoint', `${quote(endpoint)} has a zone that is not an interface name`);
    }
    return endpoint;
  }

  #allowedIps(): string[] {
    const bytes = this.#bytes;
    const length = bytes.length;
    // Built at its final size where it is known: most peers have one or two allowed IPs, and an empty
    // array's first push reserves room for 17.
    let list: string[] | undefined;
    let first = '';
    let start = this.#pos;
    for (;;) {
      let end = scanIPv4Suffixed(bytes, start, SLASH, 32);
      let byte = end >= 0 ? (bytes[end] ?? LF) : 0;
      if (byte !== COMMA && byte !== TAB && byte !== LF) {
        // Not a plain IPv4 prefix: IPv6, or malformed.
        end = start;
        while (end < length) {
          byte = bytes[end]!;
          if (byte === COMMA || byte === TAB || byte === LF) break;
          end++;
        }
        if (!isCidrBytes(bytes, start, end)) {
          throw new FieldError('allowed-ips', `${quote(this.#decode(start, end))} is not an address/prefix`);
        }
      }
      const cidr = this.#latin1.slice(start, end);
      const last = end === length || byte !== COMMA;
      if (list !== undefined) list.push(cidr);
      else if (start === this.#pos) first = cidr;
      else list = [first, cidr];
      if (last) {
        this.#pos = end;
        return list ?? [first];
      }
      start = end + 1;
    }
  }

  /**
   * Linux refuses empty names and names with whitespace, `/` or `:`. A name is an identifier (config
   * paths, the API), so one that could not be shown as it is — unsafe characters (safe-text.ts) or
   * longer than a name may be — is refused rather than cleaned into another name.
   */
  #interfaceName(start: number, end: number): string {
    if (start === end) throw new FieldError('interface', 'empty name');
    const bytes = this.#bytes;
    for (let index = start; index < end; index++) {
      const byte = bytes[index]!;
      if (byte <= 32 || byte === 127 || byte === 47 || byte === 58) {
        throw new FieldError('interface', `${quote(this.#decode(start, end))} is not an interface name`);
      }
    }
    const name = this.#decode(start, end);
    if (!isShowableName(name)) throw new FieldError('interface', `${quote(name)} is not an interface name`);
    return name;
  }

  // --- text ---

  #sameBytes(start: number, end: number, otherStart: number, otherEnd: number): boolean {
    if (end - start !== otherEnd - otherStart) return false;
    const bytes = this.#bytes;
    for (let i = 0; i < end - start; i++) {
      if (bytes[start + i] !== bytes[otherStart + i]) return false;
    }
    return true;
  }

  /** bytes[start, end) as UTF-8 (latin1 slice when ASCII, which is the cheap and common case). */
  #decode(start: number, end: number): string {
    const bytes = this.#bytes;
    for (let index = start; index < end; index++) {
      if (bytes[index]! >= 0x80) {
        return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
      }
    }
    return this.#latin1.slice(start, end);
  }

  /** The field starting at `start`, for error messages. */
  #fieldText(start: number): string {
    return this.#decode(start, this.#fieldEnd(start));
  }
}

function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  if (byte >= 97 && byte <= 102) return byte - 87;
  if (byte >= 65 && byte <= 70) return byte - 55;
  return -1;
}

const READER = new DumpReader();

function lineError(lineNumber: number, problem: string): WgDumpResult {
  return { ok: false, error: `wg dump line ${lineNumber}: ${problem}` };
}
