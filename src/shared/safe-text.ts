/**
 * The one rule for text that came from a server (wg's error lines, the collector's `fatal` line,
 * interface names, peer names in config comments, anything parsed from remote output): which
 * characters must never reach a terminal or a page as they are, and how long such text may be.
 *
 * Unsafe are the characters that make a terminal do something instead of showing something, or that
 * make text read differently from what it is:
 * - C0 controls (U+0000–U+001F: ESC starts every escape sequence, CR overwrites a line, BEL…), DEL
 *   and the C1 controls (U+0080–U+009F: U+009B is a one-character CSI on some terminals);
 * - the Unicode Bidi_Control characters, which reorder what is displayed (Trojan Source,
 *   CVE-2021-42574): U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069;
 * - invisible characters that make two different names look the same: U+200B–U+200D, U+2060–U+2064,
 *   U+FEFF;
 * - the line and paragraph separators U+2028 and U+2029 (line breaks that look like none).
 *
 * Parsers remove them (`cleanText`), the CLI escapes whatever is left again when printing
 * (`terminalSafe` in src/cli), and the renderer shows the cleaned model through React, which escapes
 * markup.
 */

/** Names (peer names, interface names): characters kept; longer ones are cut. */
export const MAX_NAME_LENGTH = 64;
/** Free text from a server (an error line, a fatal message): characters kept. */
export const MAX_SERVER_TEXT_LENGTH = 1024;

const ELLIPSIS = '…';

/** A C0 or C1 control, or DEL. */
export function isControlCodePoint(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** A character that changes the direction of text, hides, or breaks a line without looking like it. */
export function isInvisibleCodePoint(code: number): boolean {
  if (code < 0x061c) return false; // the common case: ASCII and Latin text
  return (
    code === 0x061c ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff
  );
}

export function isUnsafeCodePoint(code: number): boolean {
  return isControlCodePoint(code) || isInvisibleCodePoint(code);
}

/** Whether `text` holds any unsafe character (every one of them is in the BMP). */
export function hasUnsafeText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (isUnsafeCodePoint(text.charCodeAt(i))) return true;
  }
  return false;
}

/**
 * Server text made safe to keep and show: unsafe characters removed (a tab, or a line break when
 * `multiline` is off, becomes one space), surrounding whitespace trimmed, cut to `maxLength`
 * characters (code points, as peer names are counted) ending in an ellipsis. Text that needs none
 * of it is returned as it is.
 */
export function cleanText(text: string, maxLength: number, options: { multiline?: boolean } = {}): string {
  let clean = text;
  if (hasUnsafeText(text)) {
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 10 && options.multiline === true) out += '\n';
      else if (code === 9 || code === 10) out += ' ';
      else if (!isUnsafeCodePoint(code)) out += text[i];
    }
    clean = out;
  }
  clean = clean.trim();
  return clean.length > maxLength ? cutToCodePoints(clean, maxLength) : clean;
}

/**
 * `text` with every unsafe character written as a visible `\uXXXX` escape (ESC shows as `\u001B`),
 * except line breaks and tabs when `keepLayout` is on. That form is also JSON's own escape, so
 * escaping printed JSON keeps it valid and means the same.
 */
export function escapeUnsafe(text: string, options: { keepLayout?: boolean } = {}): string {
  if (!hasUnsafeText(text)) return text;
  const keepLayout = options.keepLayout === true;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isUnsafeCodePoint(code) || (keepLayout && (code === 10 || code === 9))) out += text[i];
    else out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** `text` if it has at most `max` code points, else its first `max - 1` and an ellipsis. */
function cutToCodePoints(text: string, max: number): string {
  let units = 0;
  let points = 0;
  while (units < text.length) {
    if (points === max - 1) {
      const rest = text.codePointAt(units)! > 0xffff ? 2 : 1;
      // Exactly one code point left: it fits, no ellipsis needed.
      return units + rest === text.length ? text : text.slice(0, units) + ELLIPSIS;
    }
    units += text.codePointAt(units)! > 0xffff ? 2 : 1;
    points++;
  }
  return text;
}
