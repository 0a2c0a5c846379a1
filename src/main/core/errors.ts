import type { ErrorCode } from '../../shared/error-codes.ts';

/**
 * Errors the engine reports to people. Each has a stable `code` (scripts, the UI and exit codes key on
 * it) and a message that says what happened, specifically, because "connection failed" helps no one.
 * What to do is each surface's own hint for the code (shared/error-codes.ts): the UI names its fields
 * and buttons, the CLI its flags, so a message names neither.
 * The code is one declared in shared/error-codes.ts, with its UI text and exit code: an undeclared one
 * does not compile.
 */
export class WgDeckError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WgDeckError';
    this.code = code;
  }
}

export class UnreachableError extends WgDeckError {
  constructor(target: string, detail: string, options?: { cause?: unknown }) {
    super('UNREACHABLE', `Cannot reach ${target}: ${detail}`, options);
    this.name = 'UnreachableError';
  }
}

export class AuthFailedError extends WgDeckError {
  constructor(user: string, target: string, tried: string[]) {
    const methods = tried.length > 0 ? tried.join(', ') : 'none available';
    super('AUTH_FAILED', `Authentication as ${user} on ${target} failed (tried: ${methods}).`);
    this.name = 'AuthFailedError';
  }
}

export class SudoPasswordRequiredError extends WgDeckError {
  readonly sudoersLine: string;
  constructor(user: string, target: string, wgPath: string) {
    const sudoersLine = `${user} ALL=(root) NOPASSWD: ${wgPath}`;
    super(
      'SUDO_PASSWORD_REQUIRED',
      `sudo on ${target} wants a password for ${user}; WG Deck only uses "sudo -n", which needs ` +
        `this sudoers line: ${sudoersLine}`,
    );
    this.name = 'SudoPasswordRequiredError';
    this.sudoersLine = sudoersLine;
  }
}

export class SudoDeniedError extends WgDeckError {
  constructor(user: string, target: string, detail: string) {
    super('SUDO_DENIED', `sudo on ${target} refused ${user}: ${detail}`);
    this.name = 'SudoDeniedError';
  }
}

export class WgMissingError extends WgDeckError {
  constructor(target: string) {
    super('WG_MISSING', `The "wg" command (wireguard-tools) is not installed on ${target}.`);
    this.name = 'WgMissingError';
  }
}

export class WgFailedError extends WgDeckError {
  constructor(target: string, detail: string) {
    super('WG_FAILED', `"wg show" failed on ${target}: ${detail}.`);
    this.name = 'WgFailedError';
  }
}

export class NoInterfacesError extends WgDeckError {
  constructor(target: string) {
    super('NO_INTERFACES', `No WireGuard interface is up on ${target} ("wg show all dump" is empty).`);
    this.name = 'NoInterfacesError';
  }
}

export class StalledError extends WgDeckError {
  constructor(target: string, seconds: number) {
    super('STALLED', `${target} sent no data for ${seconds} s; reconnecting.`);
    this.name = 'StalledError';
  }
}

export class ProtocolError extends WgDeckError {
  constructor(target: string, detail: string) {
    super('PROTOCOL', `Unexpected output from ${target}: ${detail}`);
    this.name = 'ProtocolError';
  }
}

/**
 * The stable code of one of our errors (WgDeckError, or the host-key errors), else INTERNAL. A string:
 * an error we did not make may carry a code-shaped `code` of its own, which is passed on as it is.
 */
export function errorCode(error: unknown): string {
  if (error instanceof WgDeckError) return error.code;
  if (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    /^[A-Z][A-Z_]+$/.test(error.code)
  ) {
    return error.code;
  }
  return 'INTERNAL' satisfies ErrorCode;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
