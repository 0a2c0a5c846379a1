import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { AnyAuthMethod } from 'ssh2';
import { WgDeckError } from '../errors.ts';

const { utils } = ssh2;

/** Secrets for one connection, provided by the caller (keychain, prompt); never stored by this module. */
export interface Credentials {
  password?: string;
  passphrase?: string;
}

export interface AuthPlan {
  methods: AnyAuthMethod[];
  /** What will be tried, for error messages ("agent, key ~/.ssh/id_ed25519"). */
  described: string[];
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** True when the key parses with the given passphrase (or none). */
function keyUsable(key: Buffer, passphrase: string | undefined): boolean {
  const parsed = utils.parseKey(key, passphrase);
  return !(parsed instanceof Error);
}

/**
 * The order OpenSSH users expect: agent first, then the configured key file (or the default identities),
 * then password / keyboard-interactive when a password was given.
 */
export async function planAuth(options: {
  user: string;
  identityFile?: string;
  credentials?: Credentials;
  agentSocket?: string | undefined;
}): Promise<AuthPlan> {
  const { user, identityFile, credentials = {} } = options;
  const methods: AnyAuthMethod[] = [];
  const described: string[] = [];

  const agent = options.agentSocket ?? process.env['SSH_AUTH_SOCK'];
  if (agent && (await isSocket(agent))) {
    methods.push({ type: 'agent', username: user, agent });
    described.push('ssh-agent');
  }

  if (identityFile) {
    const key = await readIfExists(identityFile);
    if (!key) throw new WgDeckError('IDENTITY_MISSING', `Key file ${identityFile} does not exist.`);
    if (!keyUsable(key, credentials.passphrase)) {
      const parsed = utils.parseKey(key, credentials.passphrase);
      const reason = parsed instanceof Error ? parsed.message : 'unreadable';
      const encrypted = /encrypted|passphrase/i.test(reason);
      throw new WgDeckError(
        encrypted ? 'PASSPHRASE_REQUIRED' : 'IDENTITY_INVALID',
        encrypted
          ? `Key file ${identityFile} is encrypted, and no passphrase for it was given.`
          : `Key file ${identityFile} is not a usable private key: ${reason}`,
      );
    }
    methods.push({ type: 'publickey', username: user, key, passphrase: credentials.passphrase });
    described.push(`key ${identityFile}`);
  } else {
    for (const name of DEFAULT_IDENTITIES) {
      const path = join(homedir(), '.ssh', name);
      const key = await readIfExists(path);
      // An encrypted default key without a passphrase is skipped, as OpenSSH's BatchMode would.
      if (key && keyUsable(key, undefined)) {
        methods.push({ type: 'publickey', username: user, key });
        described.push(`key ${path}`);
      }
    }
  }

  if (credentials.password !== undefined) {
    const password = credentials.password;
    methods.push({ type: 'password', username: user, password });
    methods.push({
      type: 'keyboard-interactive',
      username: user,
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
    described.push('password');
  }
  return { methods, described };
}
