/**
 * The algorithms WG Deck offers an SSH server beyond the host key's (host-key-policy.ts orders those),
 * and the error for a server that offers nothing better than what WG Deck refuses.
 *
 * SHA-1 is out: `ssh-rsa` signatures on host keys, as in OpenSSH 8.8 and later (an RSA key still
 * works, signed with rsa-sha2-512/256, which every OpenSSH since 7.2 offers), and the hmac-sha1
 * MACs (OpenSSH still offers them, after the SHA-2 ones; with an AEAD cipher no MAC is used at all).
 */

import type { MacAlgorithm } from 'ssh2';
import { cleanName } from '../collector/text-fields.ts';
import { WgDeckError } from '../errors.ts';

/** ssh2 1.17's default MACs without the SHA-1 ones, same order. */
export const MAC_ALGORITHMS: readonly MacAlgorithm[] = Object.freeze([
  'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512-etm@openssh.com',
  'hmac-sha2-256',
  'hmac-sha2-512',
]);

/** What WG Deck refuses and why, as an error names it. */
const WEAK: Readonly<Record<string, string>> = {
  'ssh-rsa': 'SHA-1',
  'ssh-dss': 'DSA, SHA-1',
  'hmac-sha1': 'SHA-1',
  'hmac-sha1-etm@openssh.com': 'SHA-1',
  'hmac-sha1-96': 'SHA-1',
  'hmac-md5': 'MD5',
  'hmac-md5-96': 'MD5',
};

/** The server's half of the negotiation, as far as it was seen. */
export interface OfferedAlgorithms {
  hostKey: string[] | null;
  mac: string[] | null;
}

/**
 * ssh2 reports what the server offered (its KEXINIT lists) only through its debug output, e.g.
 * "Handshake: (remote) Host key format: ssh-rsa". This reads them from there, so a refusal can say
 * what the server offered instead of ssh2's "no matching host key format".
 */
export function offeredAlgorithmsRecorder(): { debug: (line: string) => void; offered: OfferedAlgorithms } {
  const offered: OfferedAlgorithms = { hostKey: null, mac: null };
  const debug = (line: string): void => {
    if (!line.startsWith('Handshake: (remote) ')) return;
    const list = (): string[] => line.slice(line.indexOf(': ', 20) + 2).split(',');
    if (line.startsWith('Handshake: (remote) Host key format: ')) offered.hostKey = list();
    else if (line.startsWith('Handshake: (remote) C->S MAC: ')) offered.mac = list();
  };
  return { debug, offered };
}

/**
 * The error for a handshake that found nothing in common (ssh2's `level: 'handshake'` error), naming
 * what the server offered; null for any other failure.
 */
export function weakAlgorithmError(
  target: string,
  error: Error & { level?: string },
  offered: OfferedAlgorithms,
): WgDeckError | null {
  if (error.level !== 'handshake') return null;
  if (/no matching host key format/.test(error.message)) {
    return new WgDeckError(
      'WEAK_SSH_ALGORITHM',
      `${target} offers only ${describe(offered.hostKey)} host keys, which WG Deck refuses (as OpenSSH 8.8 and ` +
        'later do). On the server, allow rsa-sha2-256 or rsa-sha2-512 signatures (HostKeyAlgorithms in ' +
        'sshd_config; OpenSSH 7.2 and later offer them) or add an ed25519 host key (ssh-keygen -A).',
    );
  }
  if (/no matching (C->S|S->C) MAC/.test(error.message)) {
    return new WgDeckError(
      'WEAK_SSH_ALGORITHM',
      `${target} offers only ${describe(offered.mac)} MACs, which WG Deck refuses (it uses no SHA-1 or ` +
        'MD5). On the server, allow hmac-sha2-256 or hmac-sha2-512 (MACs in sshd_config), or an AEAD ' +
        'cipher such as chacha20-poly1305@openssh.com.',
    );
  }
  return null;
}

/** "ssh-rsa (SHA-1)", "ssh-rsa (SHA-1) and ssh-dss (DSA, SHA-1)"; the names came from the server. */
function describe(names: string[] | null): string {
  if (names === null || names.length === 0) return 'no acceptable';
  const shown = names.slice(0, 5).map((name) => {
    const clean = cleanName(name);
    const why = WEAK[clean];
    return why === undefined ? clean : `${clean} (${why})`;
  });
  if (names.length > 5) shown.push(`${names.length - 5} more`);
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)!}`;
}
