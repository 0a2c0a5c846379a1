import { escapeUnsafe } from '../shared/safe-text.ts';

/**
 * Text as it may reach a terminal: every control, invisible or direction-changing character
 * (shared/safe-text.ts) written as a visible `\uXXXX` escape, line breaks and tabs kept. The engine
 * already cleans what servers send; this is the second line, applied to everything the CLI prints
 * (CliContext's `out` and `err`), so no printer can forget it. The escape is JSON's own, so printed
 * JSON stays valid and means the same.
 */
export function terminalSafe(text: string): string {
  return escapeUnsafe(text, { keepLayout: true });
}
