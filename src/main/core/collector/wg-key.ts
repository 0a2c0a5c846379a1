/**
 * Shape check of a WireGuard key as `wg` prints it: standard base64 of 32 bytes, i.e. 43 alphabet
 * characters and one `=`. Checked without decoding (no allocation per peer).
 */

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Byte -> 6-bit value + 1; 0 marks a byte outside the alphabet. */
const BASE64_VALUE_PLUS_ONE = (() => {
  const table = new Uint8Array(256);
  for (let i = 0; i < BASE64_ALPHABET.length; i++) table[BASE64_ALPHABET.charCodeAt(i)] = i + 1;
  return table;
})();

export const WG_KEY_LENGTH = 44;
const PADDING = 61; // '='

/** Whether bytes[start, end) is a key. */
export function isWireGuardKeyBytes(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== WG_KEY_LENGTH || bytes[end - 1] !== PADDING) return false;
  let last = 0;
  for (let i = start; i < end - 1; i++) {
    last = BASE64_VALUE_PLUS_ONE[bytes[i]!]!;
    if (last === 0) return false;
  }
  // 43 characters carry 258 bits; the 2 spare bits of the last one must be zero for exactly 32 bytes
  // (the canonical encoding, which is all `wg` ever prints).
  return ((last - 1) & 0b11) === 0;
}

export function isWireGuardKey(text: string): boolean {
  const bytes = Buffer.from(text, 'utf8');
  return isWireGuardKeyBytes(bytes, 0, bytes.length);
}
