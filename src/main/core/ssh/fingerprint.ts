/**
 * SSH public key blobs: key type, SHA-256 fingerprint, OpenSSH public key lines.
 *
 * A blob is the SSH wire encoding of a public key (RFC 4253 §6.6): a sequence of SSH strings / mpints,
 * the first being the key type name. It is what ssh2's `hostVerifier` receives and what the base64
 * field of an OpenSSH public key or known_hosts line decodes to.
 *
 * The fingerprint is `SHA256:` + unpadded base64 of SHA-256(blob), byte for byte what `ssh-keygen -lf`
 * prints.
 */

import { createHash } from 'node:crypto';
import type { ErrorCode } from '../../../shared/error-codes.ts';

/** Thrown for a malformed key blob or public key line. `code` is stable for callers. */
export class SshKeyFormatError extends Error {
  readonly code = 'SSH_KEY_MALFORMED' satisfies ErrorCode;
  constructor(message: string) {
    super(message);
    this.name = 'SshKeyFormatError';
  }
}

export interface SshPublicKey {
  /** Key type name, e.g. `ssh-ed25519` (equal to the type inside the blob). */
  type: string;
  blob: Buffer;
  /** Everything after the base64 field, trimmed; '' when absent. */
  comment: string;
}

/** Key type names: printable, no whitespace or separators, as OpenSSH and RFC 4251 §6 allow. */
const KEY_TYPE_RE = /^[A-Za-z0-9][A-Za-z0-9@._+-]{0,63}$/;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
/** Larger than any real public key (16384-bit RSA is ~2 KiB, certificates a few KiB). */
const MAX_BLOB_BYTES = 64 * 1024;

const ECDSA_POINT_BYTES: Record<string, number> = { nistp256: 65, nistp384: 97, nistp521: 133 };

/** Reads the SSH fields of a blob one by one, never past its end. */
class BlobReader {
  private offset = 0;
  private readonly blob: Buffer;
  constructor(blob: Buffer) {
    this.blob = blob;
  }

  string(what: string): Buffer {
    if (this.blob.length - this.offset < 4) {
      throw new SshKeyFormatError(`malformed SSH public key: truncated before the ${what}`);
    }
    const len = this.blob.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (len > this.blob.length - start) {
      throw new SshKeyFormatError(
        `malformed SSH public key: the ${what} claims ${len} bytes but only ${this.blob.length - start} remain`,
      );
    }
    this.offset = start + len;
    return this.blob.subarray(start, start + len);
  }

  mpint(what: string): Buffer {
    const value = this.string(what);
    if (value.length === 0) throw new SshKeyFormatError(`malformed SSH public key: the ${what} is empty`);
    return value;
  }

  end(type: string): void {
    if (this.offset !== this.blob.length) {
      throw new SshKeyFormatError(
        `malformed SSH public key: ${this.blob.length - this.offset} unexpected trailing bytes after the ${type} key`,
      );
    }
  }
}

function readKeyType(reader: BlobReader): string {
  const raw = reader.string('key type');
  const type = raw.toString('latin1');
  if (!KEY_TYPE_RE.test(type)) {
    throw new SshKeyFormatError(`malformed SSH public key: invalid key type name ${JSON.stringify(type)}`);
  }
  return type;
}

function checkEcdsa(reader: BlobReader, type: string, curve: string): void {
  const named = reader.string('curve name').toString('latin1');
  if (named !== curve) {
    throw new SshKeyFormatError(
      `malformed SSH public key: ${type} key names curve ${JSON.stringify(named)}, expected ${curve}`,
    );
  }
  const point = reader.string('public point');
  if (point.length !== ECDSA_POINT_BYTES[curve] || point[0] !== 0x04) {
    throw new SshKeyFormatError(`malformed SSH public key: invalid ${curve} public point`);
  }
}

/**
 * The key type of a blob (its first SSH string), after checking the blob's structure: for the key types
 * OpenSSH and ssh2 use, every field must be present and the blob must end exactly after the last one.
 * Other types (certificates, future algorithms) are only checked for a well-formed type name.
 */
export function keyTypeOfBlob(blob: Buffer): string {
  if (!Buffer.isBuffer(blob)) throw new SshKeyFormatError('malformed SSH public key: not a Buffer');
  if (blob.length === 0) throw new SshKeyFormatError('malformed SSH public key: empty');
  if (blob.length > MAX_BLOB_BYTES) {
    throw new SshKeyFormatError(`malformed SSH public key: ${blob.length} bytes is too large`);
  }
  const reader = new BlobReader(blob);
  const type = readKeyType(reader);
  switch (type) {
    case 'ssh-ed25519': {
      if (reader.string('public key').length !== 32) {
        throw new SshKeyFormatError('malformed SSH public key: an ed25519 key must be 32 bytes');
      }
      break;
    }
    case 'sk-ssh-ed25519@openssh.com': {
      if (reader.string('public key').length !== 32) {
        throw new SshKeyFormatError('malformed SSH public key: an ed25519 key must be 32 bytes');
      }
      reader.string('application');
      break;
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      checkEcdsa(reader, type, type.slice('ecdsa-sha2-'.length));
      break;
    case 'sk-ecdsa-sha2-nistp256@openssh.com':
      checkEcdsa(reader, type, 'nistp256');
      reader.string('application');
      break;
    case 'ssh-rsa':
      reader.mpint('RSA exponent');
      reader.mpint('RSA modulus');
      break;
    case 'ssh-dss':
      for (const field of ['DSA p', 'DSA q', 'DSA g', 'DSA y']) reader.mpint(field);
      break;
    default:
      return type;
  }
  reader.end(type);
  return type;
}

/** `SHA256:<base64 without padding>` of the blob, as `ssh-keygen -lf` prints it. Does not validate. */
export function fingerprintOfBlob(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Key type and fingerprint of a host key blob as ssh2's `hostVerifier` receives it. */
export function describeHostKey(blob: Buffer): { keyType: string; fingerprint: string } {
  return { keyType: keyTypeOfBlob(blob), fingerprint: fingerprintOfBlob(blob) };
}

/**
 * Strict base64 (standard alphabet, padding optional but canonical). Node's decoder silently skips
 * invalid characters, which would let garbage through, so the text is checked first.
 */
export function decodeBase64Strict(text: string, what: string): Buffer {
  if (!BASE64_RE.test(text) || text.length % 4 === 1) {
    throw new SshKeyFormatError(`${what} is not valid base64`);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) {
    throw new SshKeyFormatError(`${what} is not valid base64`);
  }
  return bytes;
}

/**
 * Checks a key type field against a base64 blob field (both from a text line) and returns the blob.
 * Shared by the public key line and known_hosts parsers.
 */
export function decodeKeyFields(typeField: string, base64Field: string): Buffer {
  if (!KEY_TYPE_RE.test(typeField)) {
    throw new SshKeyFormatError(`invalid key type ${JSON.stringify(typeField.slice(0, 64))}`);
  }
  if (base64Field.length > ((MAX_BLOB_BYTES + 2) / 3) * 4 + 4) {
    throw new SshKeyFormatError('the key is too large');
  }
  const blob = decodeBase64Strict(base64Field, 'the key');
  const inner = keyTypeOfBlob(blob);
  if (inner !== typeField) {
    throw new SshKeyFormatError(`the key type ${typeField} does not match the key's own type ${inner}`);
  }
  return blob;
}

/** Parses an OpenSSH public key line: `type base64 [comment]` (e.g. the contents of `id_ed25519.pub`). */
export function parsePublicKeyLine(line: string): SshPublicKey {
  if (typeof line !== 'string') throw new SshKeyFormatError('public key line must be a string');
  const text = line.trim();
  if (text === '') throw new SshKeyFormatError('empty public key line');
  const m = /^(\S+)[ \t]+(\S+)(?:[ \t]+([^\r\n]*))?$/.exec(text);
  if (!m || m[1] === undefined || m[2] === undefined) {
    throw new SshKeyFormatError('a public key line must be "<type> <base64> [comment]" on one line');
  }
  const blob = decodeKeyFields(m[1], m[2]);
  return { type: m[1], blob, comment: (m[3] ?? '').trim() };
}

/** Formats a key as an OpenSSH public key line (without comment). */
export function formatPublicKey(keyType: string, blob: Buffer): string {
  return `${keyType} ${blob.toString('base64')}`;
}

// One labelling rule for the engine and the UI.
export { keyTypeLabel } from '../../../shared/key-type.ts';
