import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, tempDir } from '../../../../test/fixtures/ssh/keygen.ts';
import type { GeneratedKey, KeyKind } from '../../../../test/fixtures/ssh/keygen.ts';
import {
  SshKeyFormatError,
  describeHostKey,
  fingerprintOfBlob,
  formatPublicKey,
  keyTypeLabel,
  keyTypeOfBlob,
  parsePublicKeyLine,
} from './fingerprint.ts';

const { utils } = ssh2;

const KINDS: KeyKind[] = ['ed25519', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'rsa'];
const EXPECTED_TYPE: Record<KeyKind, string> = {
  ed25519: 'ssh-ed25519',
  ecdsa256: 'ecdsa-sha2-nistp256',
  ecdsa384: 'ecdsa-sha2-nistp384',
  ecdsa521: 'ecdsa-sha2-nistp521',
  rsa: 'ssh-rsa',
};

let tmp: ReturnType<typeof tempDir>;
const keys = new Map<KeyKind, GeneratedKey>();

beforeAll(() => {
  tmp = tempDir();
  for (const kind of KINDS) keys.set(kind, generateKey(tmp.dir, kind));
});
afterAll(() => tmp.cleanup());

function key(kind: KeyKind): GeneratedKey {
  const k = keys.get(kind);
  if (!k) throw new Error(`no ${kind} key`);
  return k;
}

/** An SSH string: uint32 length + bytes. */
function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

describe('fingerprints of real keys equal ssh-keygen -lf', () => {
  it.each(KINDS)('%s', (kind) => {
    const k = key(kind);
    const parsed = parsePublicKeyLine(k.pubLine);
    expect(parsed.type).toBe(EXPECTED_TYPE[kind]);
    expect(parsed.comment).toBe(`${kind}@test`);
    expect(parsed.blob.equals(k.blob)).toBe(true);
    expect(keyTypeOfBlob(parsed.blob)).toBe(EXPECTED_TYPE[kind]);
    expect(fingerprintOfBlob(parsed.blob)).toBe(k.fingerprint);
    expect(describeHostKey(parsed.blob)).toEqual({
      keyType: EXPECTED_TYPE[kind],
      fingerprint: k.fingerprint,
    });
    expect(k.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it.each(KINDS)('%s: the blob is what ssh2 puts on the wire (getPublicSSH)', (kind) => {
    const parsed = utils.parseKey(key(kind).pubLine);
    if (parsed instanceof Error) throw parsed;
    expect(parsed.getPublicSSH().equals(key(kind).blob)).toBe(true);
  });

  it('formatPublicKey round-trips', () => {
    const k = key('ed25519');
    const line = formatPublicKey(k.keyType, k.blob);
    expect(parsePublicKeyLine(line)).toEqual({ type: k.keyType, blob: k.blob, comment: '' });
  });

  it('tolerates tabs, surrounding whitespace and comments with spaces', () => {
    const k = key('ed25519');
    const parsed = parsePublicKeyLine(`  ${k.keyType}\t${k.blob.toString('base64')}   my laptop key \r\n`);
    expect(parsed.comment).toBe('my laptop key');
    expect(parsed.blob.equals(k.blob)).toBe(true);
  });

  it('labels key types as OpenSSH does', () => {
    expect(keyTypeLabel('ssh-ed25519')).toBe('ED25519');
    expect(keyTypeLabel('ecdsa-sha2-nistp384')).toBe('ECDSA');
    expect(keyTypeLabel('ssh-rsa')).toBe('RSA');
    expect(keyTypeLabel('ssh-dss')).toBe('DSA');
    expect(keyTypeLabel('sk-ssh-ed25519@openssh.com')).toBe('ED25519-SK');
  });
});

describe('malformed input is rejected with clear errors', () => {
  it('public key lines', () => {
    const k = key('ed25519');
    const b64 = k.blob.toString('base64');
    const cases: Array<[string, RegExp]> = [
      ['', /empty/],
      ['   ', /empty/],
      ['ssh-ed25519', /<type> <base64>/],
      [`ssh-ed25519 ${b64}\nssh-ed25519 ${b64}`, /one line/],
      ['ssh-ed25519 !!!notbase64!!!', /not valid base64/],
      [`ssh-ed25519 ${b64.slice(0, -4)}`, /malformed SSH public key/],
      [`ssh-rsa ${b64}`, /does not match the key's own type ssh-ed25519/],
      [`ssh-ed25519;rm ${b64}`, /invalid key type/],
      [`ssh-ed25519 ${b64.replace(/=*$/, '')}A`, /not valid base64|malformed/],
    ];
    for (const [line, message] of cases) {
      expect(() => parsePublicKeyLine(line), JSON.stringify(line)).toThrow(message);
      expect(() => parsePublicKeyLine(line)).toThrow(SshKeyFormatError);
    }
  });

  it('blobs', () => {
    const ed = key('ed25519').blob;
    const ec = key('ecdsa256').blob;
    const overlong = Buffer.from(ed);
    overlong.writeUInt32BE(0xffffffff, 0);
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.alloc(0), /empty/],
      [Buffer.from([0, 0, 0]), /truncated/],
      [overlong, /claims 4294967295 bytes/],
      [ed.subarray(0, ed.length - 1), /claims 32 bytes but only 31 remain/],
      [Buffer.concat([ed, Buffer.from([0])]), /trailing bytes/],
      [Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.alloc(31))]), /32 bytes/],
      [Buffer.concat([sshString('ssh-ed25519\n'), sshString(Buffer.alloc(32))]), /invalid key type name/],
      [Buffer.concat([sshString(''), sshString(Buffer.alloc(32))]), /invalid key type name/],
      [Buffer.concat([sshString('ecdsa-sha2-nistp384'), ec.subarray(23)]), /names curve "nistp256"/],
      [
        Buffer.concat([sshString('ssh-rsa'), sshString(Buffer.from([1, 0, 1])), sshString('')]),
        /modulus is empty/,
      ],
      [Buffer.alloc(70 * 1024), /too large/],
    ];
    for (const [blob, message] of cases) {
      expect(() => keyTypeOfBlob(blob), blob.subarray(0, 24).toString('hex')).toThrow(message);
      expect(() => describeHostKey(blob)).toThrow(SshKeyFormatError);
    }
    expect(() => keyTypeOfBlob('ssh-ed25519' as unknown as Buffer)).toThrow(/not a Buffer/);
  });

  it('an unfamiliar but well-formed key type is accepted (structure cannot be checked)', () => {
    const blob = Buffer.concat([sshString('ssh-future@example.org'), sshString('whatever')]);
    expect(keyTypeOfBlob(blob)).toBe('ssh-future@example.org');
    expect(parsePublicKeyLine(`ssh-future@example.org ${blob.toString('base64')}`).type).toBe(
      'ssh-future@example.org',
    );
  });
});
