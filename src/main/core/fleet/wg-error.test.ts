import { describe, expect, it } from 'vitest';
import { classifyWgError } from './wg-error.ts';

const context = { user: 'ops', target: '198.18.1.2:22', wgPath: '/usr/bin/wg' };

describe('classifyWgError', () => {
  it.each([
    ['sudo: a password is required', 'SUDO_PASSWORD_REQUIRED'],
    ['sudo: a terminal is required to read the password', 'SUDO_PASSWORD_REQUIRED'],
    ['ops is not in the sudoers file.  This incident will be reported.', 'SUDO_DENIED'],
    ["Sorry, user ops is not allowed to execute '/usr/bin/wg show all dump' as root on s1.", 'SUDO_DENIED'],
    ['sh: 1: sudo: not found', 'SUDO_MISSING'],
    ['Unable to access interface: Operation not permitted', 'WG_FAILED'],
  ])('%s → %s', (text, code) => {
    expect(classifyWgError(text, context).code).toBe(code);
  });

  it('names the exact sudoers line to add', () => {
    expect(classifyWgError('sudo: a password is required', context).message).toContain(
      'ops ALL=(root) NOPASSWD: /usr/bin/wg',
    );
  });
});
