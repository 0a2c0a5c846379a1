import { describe, expect, it } from 'vitest';
import { pickErrorDetails } from './error-details.ts';

const FP = `SHA256:${'A'.repeat(43)}`;

describe('pickErrorDetails', () => {
  it('keeps valid host-key and sudo facts', () => {
    const error = Object.assign(new Error('x'), {
      host: '198.18.1.2',
      port: 22,
      keyType: 'ssh-ed25519',
      fingerprint: FP,
      expectedFingerprints: [FP],
      sudoersLine: 'ops ALL=(root) NOPASSWD: /usr/bin/wg',
    });
    expect(pickErrorDetails(error)).toEqual({
      host: '198.18.1.2',
      port: 22,
      keyType: 'ssh-ed25519',
      fingerprint: FP,
      expectedFingerprints: [FP],
      sudoersLine: 'ops ALL=(root) NOPASSWD: /usr/bin/wg',
    });
  });

  it.each([
    [{ fingerprint: 'SHA256:short' }],
    [{ host: 'a b' }],
    [{ port: 70000 }],
    [{ keyType: '<script>' }],
    [{ sudoersLine: 'ops ALL=(ALL) ALL; rm -rf /' }],
    [{ expectedFingerprints: ['nope', 3] }],
    [Object.create({ fingerprint: FP }) as object], // inherited, not the sender's
  ])('drops what does not look right: %o', (source) => {
    expect(pickErrorDetails(source)).toBeUndefined();
  });

  it('ignores non-objects', () => {
    expect(pickErrorDetails('x')).toBeUndefined();
    expect(pickErrorDetails(null)).toBeUndefined();
  });
});
