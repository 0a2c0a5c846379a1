// The engine's messages say what happened; what to do is each surface's hint (shared/error-codes.ts).
// Here: a message names no surface (no CLI flag, no UI page), and the UI's hint does not say again
// what the message says.
import { describe, expect, it } from 'vitest';
import type { WgDeckError } from '../../src/main/core/errors.ts';
import {
  AuthFailedError,
  NoInterfacesError,
  SudoPasswordRequiredError,
  WgFailedError,
  WgMissingError,
} from '../../src/main/core/errors.ts';
import { requireFile } from '../../src/main/core/peer-ops/transaction.ts';
import {
  HostKeyChangedError,
  HostKeyRevokedError,
  HostKeyUnknownError,
} from '../../src/main/core/ssh/host-key-policy.ts';
import { cliHint } from '../../src/cli/error-hints.ts';
import { explainErrorCode } from '../../src/shared/error-codes.ts';
import type { InterfaceRead } from '../../src/main/core/peer-ops/interface-read.ts';

const FP = `SHA256:${'a'.repeat(43)}`;
const FP2 = `SHA256:${'b'.repeat(43)}`;
const key = { host: '198.18.1.2', port: 22, keyType: 'ssh-ed25519', fingerprint: FP };

function noConfigFile(): WgDeckError {
  try {
    requireFile({ fileText: null } as InterfaceRead, '/etc/wireguard/wg0.conf', '198.18.1.2:22');
  } catch (error) {
    return error as WgDeckError;
  }
  throw new Error('requireFile accepted a missing file');
}

const ERRORS: WgDeckError[] = [
  new AuthFailedError('root', '198.18.1.2:22', ['ssh-agent', 'key /k/id']),
  new SudoPasswordRequiredError('ops', '198.18.1.2:22', '/usr/bin/wg'),
  new WgMissingError('198.18.1.2:22'),
  new WgFailedError('198.18.1.2:22', 'Operation not permitted'),
  new NoInterfacesError('198.18.1.2:22'),
  new HostKeyUnknownError(key),
  new HostKeyChangedError({
    ...key,
    fingerprint: FP2,
    expectedFingerprints: [FP],
    source: 'wgdeck',
    location: '/data/known_hosts:1',
    serverName: 'edge-1',
  }),
  new HostKeyRevokedError({ ...key, location: '/home/u/.ssh/known_hosts:2' }),
  noConfigFile(),
];

/** The sentences of a text, for "does one say what the other says". */
function sentences(text: string): string[] {
  return text
    .split(/(?<=[.:;])\s+/)
    .map((s) => s.replace(/[.:;]$/, '').trim())
    .filter((s) => s.length > 12);
}

describe('error texts', () => {
  it.each(ERRORS.map((e) => [e.code, e] as const))('%s: the message names no surface', (_code, error) => {
    expect(error.message).not.toMatch(/(^|[\s(`])--[a-z]/);
    expect(error.message).not.toMatch(/server settings|in the app|wgdeck server/i);
  });

  it.each(ERRORS.map((e) => [e.code, e] as const))(
    '%s: the UI hint does not repeat the message',
    (_code, error) => {
      const { hint } = explainErrorCode(error.code);
      expect(hint).not.toBe(error.message);
      for (const sentence of sentences(hint)) expect(error.message).not.toContain(sentence);
      for (const sentence of sentences(error.message)) expect(hint).not.toContain(sentence);
    },
  );

  it('the CLI words its hint with its flags and the server’s name, quoted for the shell', () => {
    expect(cliHint('AUTH_FAILED')).toContain('--identity');
    expect(cliHint('HOST_KEY_CHANGED', 'edge-1')).toContain('wgdeck server trust edge-1 --replace');
    expect(cliHint('HOST_KEY_CHANGED', "it's; rm")).toContain(`wgdeck server trust 'it'\\''s; rm' --replace`);
    expect(cliHint('HOST_KEY_CHANGED')).toContain('wgdeck server trust NAME --replace');
    expect(cliHint('NO_CONFIG_FILE', 'edge-1')).toContain('wgdeck server edit edge-1 --config-path');
    expect(cliHint(undefined)).toBeNull();
    expect(cliHint('NOTHING_TO_DO')).toBeNull();
  });
});
