/**
 * WireGuard keys, made locally: x25519 key pairs and preshared keys, as `wg genkey`, `wg pubkey` and
 * `wg genpsk` make them.
 *
 * - A private key is 32 random bytes clamped as Curve25519 wants (`wg genkey` clamps too, so the keys
 *   look the same): clear the 3 low bits of byte 0, clear the top bit and set bit 6 of byte 31.
 * - The public key is X25519(clamped private, 9). `wg pubkey` clamps whatever it is given first, so an
 *   unclamped private key derives the same public key as its clamped form; so does this.
 * - A preshared key is 32 random bytes, unclamped.
 *
 * Randomness is `crypto.getRandomValues` (the OS CSPRNG). Keys are base64 text, exactly the 44
 * characters `wg` prints; decoding refuses anything else (wrong length, non-canonical last char).
 */

import { x25519 } from '@noble/curves/ed25519.js';
import { isWireGuardKey } from '../collector/wg-key.ts';
import { KEY_MESSAGE, PeerInputError } from './validate.ts';

export const KEY_BYTES = 32;

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/** The key's 32 bytes; throws a PeerInputError naming `field` (never quoting the value) otherwise. */
export function decodeKey(text: string, field = 'key'): Uint8Array {
  if (!isWireGuardKey(text)) throw new PeerInputError([{ field, message: KEY_MESSAGE }]);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function encodeKey(bytes: Uint8Array): string {
  if (bytes.length !== KEY_BYTES)
    throw new RangeError(`a WireGuard key is ${KEY_BYTES} bytes, got ${bytes.length}`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** A clamped copy of a private key's bytes. */
export function clampPrivateKey(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== KEY_BYTES)
    throw new RangeError(`a WireGuard key is ${KEY_BYTES} bytes, got ${bytes.length}`);
  const clamped = new Uint8Array(bytes);
  clamped[0]! &= 248;
  clamped[31]! &= 127;
  clamped[31]! |= 64;
  return clamped;
}

function randomKeyBytes(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(KEY_BYTES));
}

/** The public key of a private key (base64 in, base64 out), as `wg pubkey` computes it. */
export function publicKeyOf(privateKey: string, field = 'privateKey'): string {
  const secret = clampPrivateKey(decodeKey(privateKey, field));
  try {
    return encodeKey(x25519.getPublicKey(secret));
  } finally {
    secret.fill(0);
  }
}

export function generatePrivateKey(): string {
  const raw = randomKeyBytes();
  const clamped = clampPrivateKey(raw);
  raw.fill(0);
  try {
    return encodeKey(clamped);
  } finally {
    clamped.fill(0);
  }
}

export function generateKeyPair(): KeyPair {
  const privateKey = generatePrivateKey();
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

export function generatePresharedKey(): string {
  const bytes = randomKeyBytes();
  try {
    return encodeKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

/** Whether the key is 32 zero bytes: `wg` treats a zero preshared key as none. */
export function isZeroKey(text: string): boolean {
  return text === 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
}
