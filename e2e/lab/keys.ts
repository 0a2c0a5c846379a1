// WireGuard and SSH keys for the lab, made by the real tools (wg genkey / wg pubkey / wg genpsk / ssh-keygen).
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { runOk } from './exec.ts';

export interface WgKeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * Above this many keys, the rest are made in-process (random bytes clamped as `wg genkey` clamps them,
 * public keys by X25519 as `wg pubkey`): 20 servers × 1,000 peers spawned `wg` 40,000 times, longer
 * than a minute on two cores.
 */
const PUBKEY_SPAWN_LIMIT = 16;

/** A private key as `wg genkey` makes one: 32 random bytes, clamped for Curve25519. */
function genkey(): string {
  const raw = randomBytes(32);
  raw[0]! &= 248;
  raw[31] = (raw[31]! & 127) | 64;
  return raw.toString('base64');
}

/** Runs `wg <verb>` `count` times in one shell (one process spawn instead of `count`). */
async function wgMany(verb: 'genkey' | 'genpsk', count: number): Promise<string[]> {
  if (count === 0) return [];
  const out = await runOk('sh', [
    '-ec',
    'i=0; while [ "$i" -lt "$1" ]; do wg "$2"; i=$((i+1)); done',
    'sh',
    String(count),
    verb,
  ]);
  const keys = out.split('\n').filter((line) => line.length > 0);
  if (keys.length !== count) throw new Error(`wg ${verb}: expected ${count} keys, got ${keys.length}`);
  return keys;
}

async function wgPubkey(privateKey: string): Promise<string> {
  return (await runOk('wg', ['pubkey'], { input: `${privateKey}\n` })).trim();
}

// PKCS#8 DER prefix of an X25519 private key; the 32 raw key bytes follow.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The WireGuard public key of a base64 private key (Curve25519 scalar multiplication of the clamped key). */
export function derivePublicKey(privateKey: string): string {
  const raw = Buffer.from(privateKey, 'base64');
  if (raw.length !== 32) throw new Error('a WireGuard private key is 32 bytes');
  const key = createPrivateKey({
    key: Buffer.concat([X25519_PKCS8_PREFIX, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64');
}

/**
 * `count` key pairs: the first ones from `wg genkey`, the rest in-process. Public keys come from `wg pubkey` for
 * small counts; for large ones they are derived in-process after checking, on the first key, that the derivation
 * agrees with `wg pubkey`.
 */
export async function wgKeyPairs(count: number): Promise<WgKeyPair[]> {
  const spawned = await wgMany('genkey', Math.min(count, PUBKEY_SPAWN_LIMIT));
  const privateKeys = [...spawned, ...Array.from({ length: count - spawned.length }, genkey)];
  if (count <= PUBKEY_SPAWN_LIMIT) {
    const publicKeys = await Promise.all(privateKeys.map((k) => wgPubkey(k)));
    return privateKeys.map((privateKey, i) => ({ privateKey, publicKey: publicKeys[i] ?? '' }));
  }
  const [first] = privateKeys;
  if (first !== undefined && derivePublicKey(first) !== (await wgPubkey(first))) {
    throw new Error('in-process X25519 derivation disagrees with wg pubkey');
  }
  return privateKeys.map((privateKey) => ({ privateKey, publicKey: derivePublicKey(privateKey) }));
}

export async function wgPresharedKeys(count: number): Promise<string[]> {
  const spawned = await wgMany('genpsk', Math.min(count, PUBKEY_SPAWN_LIMIT));
  return [
    ...spawned,
    ...Array.from({ length: count - spawned.length }, () => randomBytes(32).toString('base64')),
  ];
}

/** A new ed25519 key pair at `path` / `path`.pub (replacing any old one). Returns the .pub content. */
export async function sshKeygen(path: string, comment: string): Promise<string> {
  await rm(path, { force: true });
  await rm(`${path}.pub`, { force: true });
  await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  return (await readFile(`${path}.pub`, 'utf8')).trim();
}

/** 'SHA256:...' of a public key file, as `ssh-keygen -lf` prints it. */
export async function sshFingerprint(pubPath: string): Promise<string> {
  const out = await runOk('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath]);
  const fingerprint = out.split(' ')[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -l output: ${out}`);
  return fingerprint;
}
