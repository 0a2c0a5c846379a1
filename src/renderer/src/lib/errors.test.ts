import { describe, expect, it } from 'vitest';
import {
  explainError,
  keyTypeLabel,
  parseChangedHostKey,
  parseSudoersLine,
  parseUnknownHostKey,
  toApiError,
  presentedHostKey,
  sudoersLineOf,
} from './errors.ts';
import { ERROR_CODE_LIST, cliHintForCode } from '../../../shared/error-codes.ts';

const FP = 'SHA256:' + 'A'.repeat(40) + 'b+/';
const FP2 = 'SHA256:' + 'z'.repeat(43);

describe('toApiError', () => {
  it('keeps code and message of a transported error', () => {
    const error = Object.assign(new Error('Cannot reach x'), { code: 'UNREACHABLE' });
    expect(toApiError(error)).toEqual({ code: 'UNREACHABLE', message: 'Cannot reach x' });
  });

  it('turns anything else into INTERNAL', () => {
    expect(toApiError(new Error('boom'))).toEqual({ code: 'INTERNAL', message: 'boom' });
    expect(toApiError('text')).toEqual({ code: 'INTERNAL', message: 'text' });
    expect(toApiError({})).toEqual({ code: 'INTERNAL', message: 'Unknown error.' });
  });
});

describe('parseUnknownHostKey', () => {
  it('reads host, key type and fingerprint from HOST_KEY_UNKNOWN', () => {
    const message =
      `The authenticity of host 198.18.1.2:22 can't be established. ED25519 key fingerprint is ${FP}. ` +
      'Trust it with --accept-new or in the app.';
    expect(parseUnknownHostKey(message)).toEqual({
      hostPort: '198.18.1.2:22',
      keyType: 'ED25519',
      fingerprint: FP,
    });
  });

  it('handles IPv6 and other key types; null without a fingerprint', () => {
    const message = `The authenticity of host [2001:2:0:1000::1]:2222 can't be established. ECDSA key fingerprint is ${FP}.`;
    expect(parseUnknownHostKey(message)).toMatchObject({
      hostPort: '[2001:2:0:1000::1]:2222',
      keyType: 'ECDSA',
    });
    expect(parseUnknownHostKey('RSA key fingerprint is SHA256:short.')).toBeNull();
  });
});

describe('parseChangedHostKey', () => {
  it('reads expected and presented fingerprints', () => {
    const message =
      `WARNING: the ED25519 host key of 198.18.1.2:22 has CHANGED. Expected ${FP} or ${FP2} (recorded in ` +
      `/data/known_hosts:3), but the server presented ${FP2}. Someone could be eavesdropping…`;
    expect(parseChangedHostKey(message)).toEqual({ expected: [FP, FP2], presented: FP2 });
  });
});

describe('parseSudoersLine', () => {
  it('finds the line at the end of SUDO_PASSWORD_REQUIRED', () => {
    const message =
      'sudo on 198.18.1.2:22 wants a password for ops; WG Deck only uses "sudo -n". ' +
      'Add this line with visudo (e.g. /etc/sudoers.d/wgdeck): ops ALL=(root) NOPASSWD: /usr/bin/wg';
    expect(parseSudoersLine(message)).toBe('ops ALL=(root) NOPASSWD: /usr/bin/wg');
    expect(parseSudoersLine('something else')).toBeNull();
  });
});

describe('keyTypeLabel', () => {
  it.each([
    ['ssh-ed25519', 'ED25519'],
    ['ecdsa-sha2-nistp256', 'ECDSA'],
    ['ssh-rsa', 'RSA'],
    ['rsa-sha2-512', 'RSA'],
    ['ED25519', 'ED25519'],
    ['weird', 'weird'],
  ])('%s → %s', (input, label) => {
    expect(keyTypeLabel(input)).toBe(label);
  });
});

describe('explainError', () => {
  it('has words for every code the brief names, and a fallback', () => {
    for (const code of [
      'UNREACHABLE',
      'AUTH_FAILED',
      'HOST_KEY_UNKNOWN',
      'HOST_KEY_CHANGED',
      'SUDO_PASSWORD_REQUIRED',
      'WG_MISSING',
      'NO_INTERFACES',
      'INVALID_INPUT',
      'WEAK_SSH_ALGORITHM',
    ]) {
      expect(explainError(code).title).not.toBe('Something went wrong');
    }
    expect(explainError('WHATEVER').title).toBe('Something went wrong');
  });

  it.each(ERROR_CODE_LIST)('%s: the UI’s own words, no CLI flag, no page that does not exist', (code) => {
    const { title, hint } = explainError(code);
    expect(title.length).toBeGreaterThan(0);
    expect(hint).not.toBe(title);
    // A flag (`--identity`, `--port`) is the CLI's word; the UI names its fields and buttons.
    expect(hint).not.toMatch(/(^|[\s(])--[a-z]/);
    expect(hint).not.toMatch(/server settings|wgdeck server|wgdeck --help/i);
    // It fits the banner and the add form's callout at 1024×700 (a few lines at most).
    expect(title.length).toBeLessThanOrEqual(60);
    expect(hint.length).toBeLessThanOrEqual(240);
  });

  it('the CLI keeps its flags: its hint is its own where the UI’s names the UI', () => {
    expect(cliHintForCode('AUTH_FAILED')).toContain('--identity');
    expect(explainError('AUTH_FAILED').hint).toContain('Key file');
    expect(cliHintForCode('NO_CONFIG_FILE')).toContain('--config-path');
    expect(explainError('NO_CONFIG_FILE').hint).toContain('Config files in Edit server');
    expect(cliHintForCode('HOST_KEY_CHANGED')).toContain('wgdeck server trust NAME --replace');
    // Words that fit both are written once.
    expect(cliHintForCode('UNREACHABLE')).toBe(explainError('UNREACHABLE').hint);
    expect(cliHintForCode('WHATEVER')).toBeNull();
  });
});

describe('structured details first', () => {
  const FP = `SHA256:${'c'.repeat(43)}`;
  it('takes the presented key from details when the engine sends them', () => {
    const error = toApiError({
      code: 'HOST_KEY_UNKNOWN',
      message: 'no parsable text here',
      details: { host: '2001:2:0:1002::1', port: 2222, keyType: 'ssh-ed25519', fingerprint: FP },
    });
    expect(presentedHostKey(error)).toEqual({
      hostPort: '[2001:2:0:1002::1]:2222',
      keyType: 'ED25519',
      fingerprint: FP,
    });
  });
  it('falls back to the message without details', () => {
    expect(sudoersLineOf(undefined, 'Add this line with visudo: ops ALL=(root) NOPASSWD: /usr/bin/wg')).toBe(
      'ops ALL=(root) NOPASSWD: /usr/bin/wg',
    );
  });
});
