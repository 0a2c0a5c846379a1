import { cliHintForCode } from '../shared/error-codes.ts';

/** Quotes a word for display in a shell command, only when needed. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9._@%+=:,/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * What to do about an error, in the terminal's words (the engine's message says what happened; the
 * UI words its own hint): the code's CLI hint with the server's name put in, quoted for the shell
 * (`NAME` when it is not known). Null when the code has none.
 */
export function cliHint(code: string | undefined, serverName?: string): string | null {
  const hint = code === undefined ? null : cliHintForCode(code);
  if (hint === null) return null;
  return serverName === undefined ? hint : hint.replaceAll(' NAME', ` ${shellWord(serverName)}`);
}

/** The server name an error carries (a changed host key names its server), if any. */
export function serverNameOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !Object.hasOwn(error, 'serverName')) return undefined;
  const name = (error as { serverName?: unknown }).serverName;
  return typeof name === 'string' ? name : undefined;
}
