import { describe, expect, it } from 'vitest';
import { isWireGuardKey } from '../collector/wg-key.ts';
import {
  clampPrivateKey,
  decodeKey,
  encodeKey,
  generateKeyPair,
  generatePresharedKey,
  generatePrivateKey,
  isZeroKey,
  publicKeyOf,
} from './keys.ts';
import { PeerInputError } from './validate.ts';
import { wgGenkey, wgPubkeys } from './wg-tools.testkit.ts';

function randomBase64Key(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
}

describe('public key derivation agrees with wg pubkey', () => {
  it('for 300 generated key pairs', () => {
    const pairs = Array.from({ length: 300 }, generateKeyPair);
    expect(wgPubkeys(pairs.map((pair) => pair.privateKey))).toEqual(pairs.map((pair) => pair.publicKey));
  });

  it('for 200 unclamped random private keys and edge values (wg pubkey clamps them too)', () => {
    const keys = [
      ...Array.from({ length: 200 }, randomBase64Key),
      Buffer.alloc(32, 0).toString('base64'),
      Buffer.alloc(32, 0xff).toString('base64'),
      Buffer.from([9, ...new Array<number>(31).fill(0)]).toString('base64'),
    ];
    expect(wgPubkeys(keys)).toEqual(keys.map((key) => publicKeyOf(key)));
  });

  it('for keys made by wg genkey', () => {
    const keys = Array.from({ length: 20 }, wgGenkey);
    expect(keys.map((key) => publicKeyOf(key))).toEqual(wgPubkeys(keys));
  });
});

describe('generation', () => {
  it('makes clamped private keys, as wg genkey does', () => {
    for (let i = 0; i < 200; i++) {
      const bytes = decodeKey(generatePrivateKey());
      expect(bytes[0]! & 7).toBe(0);
      expect(bytes[31]! & 0x80).toBe(0);
      expect(bytes[31]! & 0x40).toBe(0x40);
    }
  });

  it('makes distinct, well-formed keys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const pair = generateKeyPair();
      const psk = generatePresharedKey();
      for (const key of [pair.privateKey, pair.publicKey, psk]) {
        expect(isWireGuardKey(key)).toBe(true);
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  });

  it('leaves preshared keys unclamped (the low bits of byte 0 vary)', () => {
    const lowBits = new Set<number>();
    for (let i = 0; i < 200; i++) lowBits.add(decodeKey(generatePresharedKey())[0]! & 7);
    expect(lowBits.size).toBeGreaterThan(1);
  });
});

describe('encode / decode', () => {
  it('round-trips 32 bytes', () => {
    const bytes = crypto.getRandomValues(new Uint8Array(32));
    expect(decodeKey(encodeKey(bytes))).toEqual(bytes);
  });

  it.each([
    ['empty', ''],
    ['43 characters', 'A'.repeat(43)],
    ['no padding', 'A'.repeat(44)],
    ['45 characters', `${'A'.repeat(43)}==`],
    ['non-canonical last character', `${'A'.repeat(42)}B=`],
    ['url-safe alphabet', `${'-'.repeat(42)}A=`],
    ['with a newline', `${'A'.repeat(42)}A=\n`],
    ['with a space', ` ${'A'.repeat(42)}A=`],
    ['not ASCII', `${'é'.repeat(21)}AA=`],
  ])('refuses %s without quoting it', (_label, text) => {
    expect(() => decodeKey(text, 'presharedKey')).toThrow(PeerInputError);
    try {
      decodeKey(text, 'presharedKey');
    } catch (error) {
      expect((error as PeerInputError).code).toBe('INVALID_INPUT');
      expect((error as Error).message).toMatch(/^presharedKey: is not a WireGuard key/);
      if (text.length > 10) expect((error as Error).message).not.toContain(text.trim());
    }
  });

  it('refuses byte arrays that are not 32 bytes', () => {
    expect(() => encodeKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => clampPrivateKey(new Uint8Array(33))).toThrow(RangeError);
  });

  it('clamps a copy, not the input', () => {
    const bytes = new Uint8Array(32).fill(0xff);
    const clamped = clampPrivateKey(bytes);
    expect(bytes[0]).toBe(0xff);
    expect(clamped[0]).toBe(0xf8);
    expect(clamped[31]).toBe(0x7f);
  });

  it('knows the zero key', () => {
    expect(isZeroKey(encodeKey(new Uint8Array(32)))).toBe(true);
    expect(isZeroKey(generatePresharedKey())).toBe(false);
  });
});
