import { cleanMessage } from '../collector/text-fields.ts';
import { SudoDeniedError, SudoPasswordRequiredError, WgDeckError, WgFailedError } from '../errors.ts';

/** Turns what `wg`/`sudo` printed on the server into an error that tells the admin what to change. */
export function classifyWgError(
  output: string,
  context: { user: string; target: string; wgPath: string },
): WgDeckError {
  const { user, target, wgPath } = context;
  // Server output, quoted in the message: cleaned and bounded like all of it (safe-text.ts).
  const text = cleanMessage(output);
  const firstLine =
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? 'no output';
  if (/a password is required|a terminal is required/i.test(text)) {
    return new SudoPasswordRequiredError(user, target, wgPath);
  }
  if (/is not in the sudoers file|is not allowed to execute|may not run sudo/i.test(text)) {
    return new SudoDeniedError(
      user,
      target,
      `${firstLine} — allow it with: ${user} ALL=(root) NOPASSWD: ${wgPath}`,
    );
  }
  if (/sudo: (command )?not found|sudo: not found/i.test(text)) {
    return new WgDeckError(
      'SUDO_MISSING',
      `sudo is not installed on ${target}; log in as root or install sudo.`,
    );
  }
  return new WgFailedError(target, firstLine);
}
