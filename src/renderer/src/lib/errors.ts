/**
 * Engine errors as the UI shows them. Errors cross the transport as { name, code, message, details };
 * the code decides what the UI offers (trust dialog, password form, sudoers line), the message says
 * what happened, and the validated details carry the facts to act on. Parsing the message is only a
 * fallback for an engine that sends no details.
 */
import { pickErrorDetails, type ErrorDetails } from '../../../shared/error-details.ts';
import { keyTypeLabel } from '../../../shared/key-type.ts';

export interface ApiError {
  code: string;
  message: string;
  details?: ErrorDetails;
}

export function toApiError(error: unknown): ApiError {
  if (typeof error === 'object' && error !== null) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'INTERNAL';
    const message =
      'message' in error && typeof error.message === 'string' && error.message !== ''
        ? error.message
        : 'Unknown error.';
    const details = pickErrorDetails('details' in error ? error.details : undefined);
    return details ? { code, message, details } : { code, message };
  }
  return { code: 'INTERNAL', message: String(error) };
}

/** The key an unknown host presented: from the error's details, else from its message. */
export function presentedHostKey(error: ApiError): PresentedHostKey | null {
  const d = error.details;
  if (d?.fingerprint && d.keyType) {
    const host = d.host === undefined ? null : d.host.includes(':') ? `[${d.host}]` : d.host;
    return {
      hostPort: host === null ? null : `${host}:${d.port ?? 22}`,
      keyType: keyTypeLabel(d.keyType),
      fingerprint: d.fingerprint,
    };
  }
  return parseUnknownHostKey(error.message);
}

/** The sudoers line to add: from the details, else from the message. */
export function sudoersLineOf(details: ErrorDetails | undefined, message: string): string | null {
  return details?.sudoersLine ?? parseSudoersLine(message);
}

/** The fingerprints on record for a changed key: from the details, else from the message. */
export function expectedFingerprintsOf(details: ErrorDetails | undefined, message: string): string[] {
  return details?.expectedFingerprints ?? parseChangedHostKey(message).expected;
}

export interface PresentedHostKey {
  /** `host:port` as the engine wrote it ([v6]:port for IPv6), or null when the message has none. */
  hostPort: string | null;
  /** As the engine labels it: ED25519, RSA, ECDSA… */
  keyType: string;
  fingerprint: string;
}

const FINGERPRINT = 'SHA256:[A-Za-z0-9+/]{43}';

/**
 * The key an unknown host presented, from HOST_KEY_UNKNOWN's message:
 * "The authenticity of host 198.18.1.2:22 can't be established. ED25519 key fingerprint is SHA256:…. …"
 */
export function parseUnknownHostKey(message: string): PresentedHostKey | null {
  const key = new RegExp(`([A-Za-z0-9-]+) key fingerprint is (${FINGERPRINT})`).exec(message);
  if (!key) return null;
  const host = /authenticity of host (\S+) can't be established/.exec(message);
  return { hostPort: host?.[1] ?? null, keyType: key[1]!, fingerprint: key[2]! };
}

/** HOST_KEY_CHANGED's message: the fingerprints that were expected and the one presented. */
export function parseChangedHostKey(message: string): { expected: string[]; presented: string | null } {
  const expectedPart = /Expected (.+?) \(recorded in/.exec(message)?.[1] ?? '';
  const expected = expectedPart.match(new RegExp(FINGERPRINT, 'g')) ?? [];
  const presented = new RegExp(`presented (${FINGERPRINT})`).exec(message)?.[1] ?? null;
  return { expected, presented };
}

/** The sudoers line SUDO_PASSWORD_REQUIRED names: "ops ALL=(root) NOPASSWD: /usr/bin/wg". */
export function parseSudoersLine(message: string): string | null {
  return /(\S+ ALL=\(root\) NOPASSWD: \S+)\s*$/.exec(message)?.[1] ?? null;
}

export { keyTypeLabel } from '../../../shared/key-type.ts';

export interface ErrorExplanation {
  title: string;
  /** What to do, beyond the engine's own message. */
  hint: string;
}

const EXPLANATIONS: Record<string, ErrorExplanation> = {
  UNREACHABLE: {
    title: 'Server unreachable',
    hint: 'Check the host, the port and the jump host, that sshd is running and that a firewall lets you in.',
  },
  AUTH_FAILED: {
    title: 'Authentication failed',
    hint: 'Check the user name, load your key into ssh-agent, give a key file, or enter a password.',
  },
  HOST_KEY_UNKNOWN: {
    title: 'Host key not trusted yet',
    hint: 'Compare the fingerprint with the one the server shows (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before trusting it.',
  },
  HOST_KEY_CHANGED: {
    title: 'Host key changed',
    hint:
      'The server presented a different key than the one trusted before. This happens when a server is ' +
      'reinstalled — or when someone intercepts the connection. Nothing was sent to it. Confirm the new ' +
      'fingerprint with the server’s administrator before re-trusting it.',
  },
  WEAK_SSH_ALGORITHM: {
    title: 'The server offers only SHA-1',
    hint:
      'WG Deck refuses ssh-rsa (SHA-1) host key signatures and SHA-1 MACs, as current OpenSSH does. ' +
      'Change the server’s sshd_config as the message says, then reconnect.',
  },
  HOST_KEY_REVOKED: {
    title: 'Host key revoked',
    hint: 'This key is marked @revoked in a known_hosts file. The server needs a new host key.',
  },
  SUDO_PASSWORD_REQUIRED: {
    title: 'sudo needs a password',
    hint: 'Add this line on the server with visudo, then reconnect:',
  },

  SUDO_DENIED: { title: 'sudo refused', hint: 'Allow this user to run wg with sudo, or log in as root.' },
  WG_MISSING: {
    title: 'WireGuard tools missing',
    hint: 'Install wireguard-tools on the server (apt install wireguard-tools).',
  },
  WG_FAILED: { title: '"wg show" failed', hint: 'Log in as root or enable sudo for this server.' },
  NO_INTERFACES: {
    title: 'No WireGuard interface',
    hint: 'Bring an interface up on the server (wg-quick up wg0), then connect again.',
  },
  INVALID_INPUT: { title: 'Invalid input', hint: 'Correct the highlighted value and try again.' },
  SERVER_EXISTS: { title: 'Name already used', hint: 'Choose another name for this server.' },
  STALLED: { title: 'Server went silent', hint: 'WG Deck reconnects by itself.' },
  PROTOCOL: { title: 'Unexpected output', hint: 'The server answered something WG Deck did not expect.' },
  IDENTITY_MISSING: { title: 'Key file not found', hint: 'Check the key file path.' },
  IDENTITY_INVALID: { title: 'Key file unusable', hint: 'Check that the file is an OpenSSH private key.' },
  PASSPHRASE_REQUIRED: { title: 'Key file is encrypted', hint: 'Enter its passphrase.' },
  FINGERPRINT_MISMATCH: {
    title: 'Fingerprint changed again',
    hint: 'The server now presents a different key than the one you confirmed. Nothing was trusted.',
  },
  NO_SUCH_SERVER: {
    title: 'No such server',
    hint: 'It may have been removed from another window or the CLI.',
  },
  // Peer management.
  NO_CONFIG_FILE: {
    title: 'No config file',
    hint: 'WG Deck changes peers through the interface’s wg-quick file (/etc/wireguard/<interface>.conf).',
  },
  BAD_CONFIG_FILE: { title: 'Config file unusable', hint: 'WG Deck only rewrites UTF-8 text files.' },
  NEEDS_ROOT: {
    title: 'Managing peers needs root',
    hint: 'Log in as root, or turn on sudo for this server and add the sudoers line below (visudo).',
  },
  TRANSFER_FAILED: {
    title: 'The new file did not arrive whole',
    hint: 'The connection broke while sending it; the server kept the old file. Try again.',
  },
  INTERFACE_DOWN: { title: 'Interface down', hint: 'Bring it up first: there is no live state to compare.' },
  NOTHING_TO_DO: { title: 'Nothing to change', hint: 'Refresh to see the file as it is now.' },
  NO_SUCH_PEER: { title: 'No such peer', hint: 'The file changed meanwhile: refresh.' },
  NO_SUCH_BACKUP: { title: 'No such backup', hint: 'It may have been rotated out: refresh the list.' },
  NO_ENDPOINT: { title: 'No endpoint for the client config', hint: 'Set ListenPort in the config file.' },
  KEY_NOT_KEPT: { title: 'Private key not kept', hint: '' },
  CANNOT_KEEP_KEYS: {
    title: 'Keys cannot be kept here',
    hint: 'Untick “Keep the private key” and preview again.',
  },
  PLAN_EXPIRED: { title: 'Preview expired', hint: 'Nothing was applied; preview again.' },
  PLAN_BLOCKED: { title: 'Plan blocked', hint: 'Nothing was applied.' },
  CONFIG_REFUSED: {
    title: 'wg-quick refused the new file',
    hint: 'Nothing was applied; the file on the server is unchanged.',
  },
  LOCKED: { title: 'Interface busy', hint: 'Another WG Deck is changing this interface; try again shortly.' },
  ROLLBACK_PENDING: {
    title: 'A rollback is still armed',
    hint: 'Wait until the earlier change is confirmed or rolled back.',
  },
  REMOTE_FAILED: { title: 'A command failed on the server', hint: '' },
};

export function explainError(code: string): ErrorExplanation {
  return EXPLANATIONS[code] ?? { title: 'Something went wrong', hint: '' };
}
