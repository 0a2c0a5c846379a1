/**
 * Every error code WG Deck can produce, declared once: what the UI says about it (a title, and what to
 * do beyond the error's own message) and the CLI exit code it maps to. `WgDeckError` takes an
 * `ErrorCode`, so a throw with a code missing here does not compile; the UI texts and the exit codes
 * are read from this table only. A code that arrives from elsewhere (over a transport, from an error we
 * did not make) stays a plain string: `explainErrorCode` and `exitCodeForCode` give it a generic text
 * and exit 1.
 */

/** Exit codes scripts can rely on (documented in the README): numbers never change. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  unreachable: 3,
  auth: 4,
  hostKeyUnknown: 5,
  hostKeyChanged: 6,
  privilege: 7,
  wireguard: 8,
  /** A peer change did not happen or was undone: someone else's change, a lock, a rollback. */
  conflict: 9,
  /** A change was not confirmed AND the server's rollback refused to restore: look at the server now. */
  rollbackFailed: 10,
} as const;

export type ExitCategory = Exclude<keyof typeof EXIT, 'ok'>;

export interface ErrorExplanation {
  title: string;
  /**
   * What to do, beyond the engine's own message (which says what happened, in no surface's terms), in
   * the UI's words: the fields and buttons there, never a CLI flag. Empty when the message says it all.
   */
  hint: string;
}

interface ErrorCodeEntry extends ErrorExplanation {
  /** The CLI's exit status for it, by category. */
  exit: ExitCategory;
  /**
   * What to do in the terminal's words (flags, commands; `NAME` stands for the server's name), or
   * `true` where the UI's hint says it in words that fit both. Absent: the CLI adds nothing.
   */
  cli?: string | true;
}

/** VERIFY_FAILED and UNCONFIRMED mean the same to the admin: the server's rollback timer decides. */
const NOT_VERIFIED = {
  title: 'The change could not be verified',
  hint: 'WG Deck could not confirm that the change works over a new connection, so it did not confirm it: the server puts the backup back on its own when the rollback timer runs out.',
  exit: 'conflict',
} as const satisfies ErrorCodeEntry;

const ERROR_CODES = {
  // --- Input and the command line -----------------------------------------------------------------
  USAGE: {
    title: 'Wrong usage',
    hint: 'WG Deck got a request it does not understand. Reload the window; if it keeps happening, report the message.',
    exit: 'usage',
    cli: 'See wgdeck --help, or the command’s --help, for what it takes.',
  },
  INVALID_INPUT: {
    title: 'Invalid input',
    hint: 'Correct the highlighted value and try again.',
    exit: 'usage',
    cli: 'Correct the value the message names and run it again.',
  },
  NO_SUCH_SERVER: {
    title: 'No such server',
    hint: 'It may have been removed from another window or the CLI.',
    exit: 'usage',
    cli: 'wgdeck server list shows the names.',
  },
  SERVER_EXISTS: {
    title: 'Name already used',
    hint: 'Choose another name for this server.',
    exit: 'failure',
  },
  NO_SUCH_GROUP: {
    title: 'No such group',
    hint: 'It may have been removed from another window or the CLI.',
    exit: 'usage',
  },
  GROUP_EXISTS: {
    title: 'Name already used',
    hint: 'Choose another name for this group.',
    exit: 'failure',
  },
  GROUP_IN_USE: {
    title: 'The group still has servers',
    hint: 'Move its servers to another group (or to none) first.',
    exit: 'failure',
  },
  NO_PLACEMENT: {
    title: 'No server can take the peer',
    hint: 'Every server in the group is full, down, without fresh metrics or without a capacity set; the message says which.',
    exit: 'failure',
  },
  NO_SUCH_ALERT_RULE: {
    title: 'No such alert rule',
    hint: 'It may have been removed from another window or the CLI.',
    exit: 'usage',
    cli: 'wgdeck alert list shows the rules and their ids.',
  },
  NO_SUCH_SSH_HOST: {
    title: 'No such host in the ssh config',
    hint: 'Import from ~/.ssh/config lists the hosts it found; a name only matched by a wildcard is not one.',
    exit: 'usage',
    cli: 'wgdeck server import lists the hosts it found; a name only matched by a wildcard is not one.',
  },
  SSH_CONFIG_UNSUPPORTED: {
    title: 'Not importable as it is',
    hint: 'The host uses ssh options WG Deck does not follow; fill in the form with what ssh -G ALIAS resolves.',
    exit: 'failure',
    cli: 'The host uses ssh options WG Deck does not follow; add it with wgdeck server add, giving what ssh -G ALIAS resolves.',
  },
  BAD_JUMP: {
    title: 'Invalid jump host',
    hint: 'Write it as user@host:port (user and port are optional), or a chain a,b,c of them, like ssh -J.',
    exit: 'failure',
    cli: true,
  },

  // --- Reaching the server --------------------------------------------------------------------------
  UNREACHABLE: {
    title: 'Server unreachable',
    hint: 'Check the host, the port and the jump host, that sshd is running and that a firewall lets you in.',
    exit: 'unreachable',
    cli: true,
  },
  STALLED: {
    title: 'Server went silent',
    hint: 'WG Deck reconnects by itself.',
    exit: 'unreachable',
  },
  DISCONNECTED: {
    title: 'Connection lost',
    hint: 'The connection dropped; WG Deck reconnects by itself. If it keeps dropping, check the network and sshd’s logs.',
    exit: 'unreachable',
  },
  EXEC_TIMEOUT: {
    title: 'The server did not answer in time',
    hint: 'A command on the server took too long. Check that the server is not overloaded, then try again.',
    exit: 'unreachable',
  },
  PROTOCOL: {
    title: 'Unexpected output',
    hint: 'The server answered something WG Deck did not expect.',
    exit: 'unreachable',
  },
  // No connection can be made until the server offers more than SHA-1.
  WEAK_SSH_ALGORITHM: {
    title: 'The server offers only SHA-1',
    hint:
      'WG Deck refuses ssh-rsa (SHA-1) host key signatures and SHA-1 MACs, as current OpenSSH does. ' +
      'Change the server’s sshd_config as the message says, then reconnect.',
    exit: 'unreachable',
  },
  NOT_CONNECTED: {
    title: 'Not connected',
    hint: 'WG Deck is not connected to this server right now; wait until it is, or look at why it is not.',
    exit: 'failure',
  },
  EXEC_FAILED: {
    title: 'Could not run a command on the server',
    hint: 'The SSH server refused to start it (too many sessions open, or a broken connection). Try again.',
    exit: 'failure',
  },
  OUTPUT_TOO_LARGE: {
    title: 'The server sent too much',
    hint: 'A command printed far more than expected, so WG Deck stopped reading it. Check what the server runs.',
    exit: 'failure',
  },
  REMOTE_FATAL: {
    title: 'The collector stopped on the server',
    hint: 'It reported an error it cannot recover from (the message says which); WG Deck retries.',
    exit: 'failure',
  },
  COLLECTOR_ENDED: {
    title: 'The collector stopped',
    hint: 'The script that reports the server’s state ended; WG Deck reconnects and starts it again.',
    exit: 'failure',
  },

  // --- Authentication -------------------------------------------------------------------------------
  AUTH_FAILED: {
    title: 'Authentication failed',
    hint: 'Check the user, load your key into ssh-agent, or choose Key file or Password under Authentication (for a saved server: Edit… on its page).',
    exit: 'auth',
    cli: 'Check --user, load the key into ssh-agent, or give --identity FILE.',
  },
  PASSPHRASE_REQUIRED: {
    title: 'Key file is encrypted',
    hint: 'Enter it as the Key passphrase, or load the key into ssh-agent.',
    exit: 'auth',
    cli: 'Load the key into ssh-agent (ssh-add FILE), then run it again.',
  },
  IDENTITY_MISSING: {
    title: 'Key file not found',
    hint: 'Check the Key file path under Authentication (for a saved server: Edit… on its page).',
    exit: 'auth',
    cli: 'Check the path given to --identity.',
  },
  IDENTITY_INVALID: {
    title: 'Key file unusable',
    hint: 'Check that the file is an OpenSSH private key.',
    exit: 'auth',
    cli: true,
  },

  // --- Host keys ------------------------------------------------------------------------------------
  HOST_KEY_UNKNOWN: {
    title: 'Host key not trusted yet',
    hint: 'Compare the fingerprint with the one the server shows (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) before trusting it.',
    exit: 'hostKeyUnknown',
    cli: 'Compare the fingerprint with ssh-keygen -lf on the server, then trust it: wgdeck server add asks in a terminal (or takes --accept-new); for a saved server, wgdeck server trust NAME --replace.',
  },
  HOST_KEY_CHANGED: {
    title: 'Host key changed',
    hint: 'If the server’s administrator confirms the new fingerprint, replace the trusted key with “Check the key the server presents” on the server’s page, or remove the old line from the file named above.',
    exit: 'hostKeyChanged',
    cli: 'If the server’s administrator confirms the new fingerprint, re-trust it with wgdeck server trust NAME --replace, or remove the old line from the file named above.',
  },
  HOST_KEY_REVOKED: {
    title: 'Host key revoked',
    hint: 'The server needs a new host key: WG Deck never connects to a revoked one.',
    exit: 'hostKeyChanged',
    cli: true,
  },
  FINGERPRINT_MISMATCH: {
    title: 'Fingerprint changed again',
    hint: 'Check the key the server presents again, and compare it before you trust it.',
    exit: 'hostKeyChanged',
    cli: 'Run wgdeck server trust NAME --replace again and compare the fingerprint it shows.',
  },
  TRUST_STORE_CONFLICT: {
    title: 'A different key is already trusted',
    hint: 'WG Deck’s known_hosts already holds another key of this type for the host. Replace it deliberately with “Check the key the server presents” on the server’s page.',
    exit: 'failure',
    cli: 'WG Deck’s known_hosts already holds another key of this type for the host. Replace it deliberately: wgdeck server trust NAME --replace.',
  },
  SSH_KEY_MALFORMED: {
    title: 'Malformed key',
    hint: 'The key or known_hosts line is not a valid OpenSSH public key; check where it came from.',
    exit: 'failure',
  },

  // --- Privilege and WireGuard on the server --------------------------------------------------------
  SUDO_PASSWORD_REQUIRED: {
    title: 'sudo needs a password',
    hint: 'Add this line on the server with visudo, then reconnect:',
    exit: 'privilege',
    cli: 'Add that line on the server with visudo (e.g. in /etc/sudoers.d/wgdeck), then run it again.',
  },
  SUDO_DENIED: {
    title: 'sudo refused',
    hint: 'Allow this user to run wg with sudo, or log in as root and untick “Run wg with sudo” in Edit server.',
    exit: 'privilege',
    cli: 'Allow this user to run wg with sudo, or log in as root: wgdeck server edit NAME --user root --no-sudo.',
  },
  SUDO_MISSING: {
    title: 'sudo is not installed',
    hint: 'Install sudo on the server, or log in as root and untick “Run wg with sudo” in Edit server.',
    exit: 'privilege',
    cli: 'Install sudo on the server, or log in as root: wgdeck server edit NAME --user root --no-sudo.',
  },
  NEEDS_ROOT: {
    title: 'Managing peers needs root',
    hint: 'Log in as root, or tick “Run wg with sudo” in Edit server and add the sudoers line below (visudo).',
    exit: 'failure',
    cli: 'Log in as root, or turn sudo on (wgdeck server edit NAME --sudo) and add the sudoers line with visudo.',
  },
  WG_MISSING: {
    title: 'WireGuard tools missing',
    hint: 'Install wireguard-tools on the server (apt install wireguard-tools).',
    exit: 'wireguard',
    cli: true,
  },
  WG_FAILED: {
    title: '"wg show" failed',
    hint: 'Log in as root, or tick “Run wg with sudo” in Edit server.',
    exit: 'wireguard',
    cli: 'Log in as root, or turn sudo on: wgdeck server edit NAME --sudo.',
  },
  NO_INTERFACES: {
    title: 'No WireGuard interface',
    hint: 'Bring an interface up on the server (wg-quick up wg0), then connect again.',
    exit: 'wireguard',
    cli: true,
  },

  // --- Peer management: reading and planning --------------------------------------------------------
  NO_CONFIG_FILE: {
    title: 'No config file',
    hint: 'If the file lives elsewhere, give its path under Config files in Edit server.',
    exit: 'failure',
    cli: 'If the file lives elsewhere: wgdeck server edit NAME --config-path IF=/path/IF.conf.',
  },
  BAD_CONFIG_FILE: {
    title: 'Config file unusable',
    hint: 'WG Deck only rewrites UTF-8 text files.',
    exit: 'failure',
  },
  INTERFACE_DOWN: {
    title: 'Interface down',
    hint: 'Bring it up first: there is no live state to compare.',
    exit: 'failure',
  },
  NOTHING_TO_DO: {
    title: 'Nothing to change',
    hint: 'Refresh to see the file as it is now.',
    exit: 'failure',
  },
  NO_SUCH_PEER: {
    title: 'No such peer',
    hint: 'The file changed meanwhile: refresh.',
    exit: 'failure',
  },
  NO_SUCH_BACKUP: {
    title: 'No such backup',
    hint: 'It may have been rotated out: refresh the list.',
    exit: 'failure',
  },
  NO_ENDPOINT: {
    title: 'No endpoint for the client config',
    hint: 'Set ListenPort in the config file.',
    exit: 'failure',
    cli: true,
  },
  KEY_NOT_KEPT: {
    title: 'Private key not kept',
    hint: 'WG Deck shows a new peer’s private key once and keeps it only when asked to. Rotate the peer’s keys to make a new client config.',
    exit: 'failure',
  },
  CANNOT_KEEP_KEYS: {
    title: 'Keys cannot be kept here',
    hint: 'Untick “Keep the private key” and preview again.',
    exit: 'failure',
  },

  // --- Peer management: applying (the apply dialog shows these) -------------------------------------
  FILE_CHANGED: {
    title: 'The config file changed since the preview',
    hint: 'Someone or something edited it on the server after WG Deck read it, so nothing was applied. Here is what changed; preview again to plan against the file as it is now.',
    exit: 'conflict',
  },
  LIVE_CHANGED: {
    title: 'The live interface changed since the preview',
    hint: 'What this change would touch is no longer what the preview showed, so nothing was applied. Preview again to see the plan as it is now.',
    exit: 'conflict',
  },
  LOCKED: {
    title: 'Another change is in progress',
    hint: 'Another WG Deck is changing this interface right now. Nothing was applied; wait for it to finish, then preview again.',
    exit: 'conflict',
  },
  ROLLBACK_PENDING: {
    title: 'An earlier change is still waiting for its confirmation',
    hint: 'Its automatic rollback is still armed on this interface. Nothing was applied; wait until it is confirmed or has rolled back, then preview again.',
    exit: 'conflict',
  },
  PLAN_EXPIRED: {
    title: 'This preview has expired',
    hint: 'Previews are kept for a short time only. Nothing was applied; preview again.',
    exit: 'failure',
  },
  PLAN_BLOCKED: {
    title: 'The plan is blocked',
    hint: 'The engine refused to apply it as it is (see the reasons). Nothing was applied.',
    exit: 'failure',
  },
  BACKUP_FAILED: {
    title: 'The backup could not be made',
    hint: 'Nothing was changed. Check the free space and /etc/wireguard/.wgdeck-backups on the server, then try again.',
    exit: 'failure',
  },
  TRANSFER_FAILED: {
    title: 'The new file did not arrive whole',
    hint: 'The connection broke while sending it; the server kept the old file. Try again.',
    exit: 'failure',
  },
  CONFIG_REFUSED: {
    title: 'wg-quick refused the new file',
    hint: 'Nothing was applied; the file on the server is unchanged.',
    exit: 'failure',
  },
  REMOTE_FAILED: {
    title: 'A command failed on the server',
    hint: 'The message quotes what the server said. Fix that on the server, then refresh and try again.',
    exit: 'failure',
  },
  UNCONFIRMED: NOT_VERIFIED,
  VERIFY_FAILED: NOT_VERIFIED,
  ROLLED_BACK: {
    title: 'Rolled back',
    hint: 'The change could not be confirmed in time, so the server put the backup back on its own: the config file and the live interface are as they were before.',
    exit: 'conflict',
  },
  ROLLBACK_FAILED: {
    title: 'The automatic rollback failed',
    hint: 'The change was not confirmed, and the server refused to put the backup back (see why): the config file and the live peers are still as the change left them. Check them, and restore a backup by hand if the change was wrong.',
    exit: 'rollbackFailed',
  },

  // --- WG Deck's own data and processes -------------------------------------------------------------
  STORE_CORRUPT: {
    title: 'A data file is damaged',
    hint: 'WG Deck could not read one of its files in the data dir (the message names it). Fix or move it away; WG Deck does not overwrite it.',
    exit: 'failure',
    cli: true,
  },
  STORE_BUSY: {
    title: 'The data dir is locked',
    hint: 'Another WG Deck process has held the data dir’s lock for a long time. If that process is stuck, stop it, then try again.',
    exit: 'failure',
    cli: true,
  },
  HISTORY_UNAVAILABLE: {
    title: 'No history here',
    hint: 'This WG Deck process shows live data only: another one keeps the history for this data dir, or it was started without history.',
    exit: 'failure',
  },
  ENGINE_STOPPED: {
    title: 'WG Deck is quitting',
    hint: 'The engine stopped before it answered.',
    exit: 'failure',
  },
  ENGINE_RESTARTING: {
    title: 'The engine is restarting',
    hint: 'Try again in a moment.',
    exit: 'failure',
  },
  TIMEOUT: {
    title: 'No answer from the engine in time',
    hint: 'The request may still be running: an apply goes on on the server, and its progress keeps showing. Refresh to see things as they are now before you try again.',
    exit: 'failure',
  },
  BUSY: {
    title: 'Too many requests at once',
    hint: 'WG Deck is still working on the earlier ones; try again in a moment.',
    exit: 'failure',
  },
  ABORTED: {
    title: 'Cancelled',
    hint: 'The request was withdrawn before it ran (the view that asked for it went away); nothing to do.',
    exit: 'failure',
  },
  FORBIDDEN: {
    title: 'Not allowed',
    hint: 'Only the WG Deck window may call the engine.',
    exit: 'failure',
  },
  TOKEN_REFUSED: {
    title: 'This tab has no valid access token',
    hint: 'Open the URL that wgdeck serve printed in its terminal (it ends in ?token=…).',
    exit: 'failure',
  },
  BUILD_FAILED: {
    title: 'Building the UI failed',
    hint: 'The UI could not be built: see the terminal that runs wgdeck serve.',
    exit: 'failure',
    cli: 'See the build’s output above, fix it, and run wgdeck serve again.',
  },
  PORT_IN_USE: {
    title: 'Port in use',
    hint: 'Another program listens on that port.',
    exit: 'failure',
    cli: 'Pick another --port, or leave it out for a free one.',
  },
  INTERNAL: {
    title: 'Unexpected error',
    hint: 'Something failed inside WG Deck itself, not on your server. Try again; if it keeps happening, report the message.',
    exit: 'failure',
  },
} as const satisfies Record<string, ErrorCodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** What any code not declared here gets: a generic title and exit 1. */
const UNKNOWN: ErrorCodeEntry = { title: 'Something went wrong', hint: '', exit: 'failure' };

/** Own keys only: "constructor" or "__proto__" from the other side are not codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

function entryFor(code: string): ErrorCodeEntry {
  return isErrorCode(code) ? ERROR_CODES[code] : UNKNOWN;
}

/** The UI's words for a code; an unknown one (from another version, say) gets a generic title. */
export function explainErrorCode(code: string): ErrorExplanation {
  const { title, hint } = entryFor(code);
  return { title, hint };
}

/**
 * What to do, in the CLI's words, for a code: its own text, the UI's hint where that fits both, or
 * null. `NAME` stands for the server's name (the CLI puts it in, quoted for the shell).
 */
export function cliHintForCode(code: string): string | null {
  const { cli, hint } = entryFor(code);
  if (cli === true) return hint === '' ? null : hint;
  return cli ?? null;
}

/** The CLI's exit status for a code; 1 for a code not declared here. */
export function exitCodeForCode(code: string): number {
  return EXIT[entryFor(code).exit];
}

/** Every declared code, for tests and docs. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];
