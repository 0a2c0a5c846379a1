/**
 * A host key type as people read it, the way OpenSSH prints it: "ssh-ed25519" → "ED25519",
 * "ecdsa-sha2-nistp256" → "ECDSA", "ssh-rsa" / "rsa-sha2-512" → "RSA", security keys "…-SK".
 * A label already in that form passes through; an unknown type is shown as it is.
 */
export function keyTypeLabel(keyType: string): string {
  if (/^[A-Z0-9]+(-SK)?$/.test(keyType)) return keyType;
  if (keyType === 'sk-ssh-ed25519@openssh.com') return 'ED25519-SK';
  if (keyType.startsWith('sk-ecdsa-sha2-')) return 'ECDSA-SK';
  const t = keyType.toLowerCase();
  if (t.includes('ed25519')) return 'ED25519';
  if (t.includes('ed448')) return 'ED448';
  if (t.startsWith('ecdsa')) return 'ECDSA';
  if (t.includes('rsa')) return 'RSA';
  if (t.includes('dss')) return 'DSA';
  return keyType;
}
