/**
 * One OpenSSH client config file as lines of words, the way ssh's readconf.c splits them: the
 * keyword (case-insensitive), then `Key value`, `Key=value` or `Key = value`; arguments split on
 * whitespace, `"` or `'` quote a word with spaces, a backslash escapes a quote, a backslash or a
 * space; a word starting with `#` starts a comment. Nothing here knows what a keyword means.
 */

export interface ConfigLine {
  /** Lower-cased: keywords are case-insensitive. */
  keyword: string;
  /** As written, for messages. */
  name: string;
  args: string[];
  /** 1-based line number in its file. */
  line: number;
}

/** The words of `text` (a line after its keyword), or null when a quote is left open (ssh refuses it). */
export function splitArgs(text: string): string[] | null {
  const words: string[] = [];
  let word: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === null && /\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    if (quote === null && c === '#' && word === null) break;
    if (c === '\\' && i + 1 < text.length && `\\"' `.includes(text[i + 1]!)) {
      word = (word ?? '') + text[++i]!;
      continue;
    }
    if (quote === null && (c === '"' || c === "'")) {
      quote = c;
      word ??= '';
      continue;
    }
    if (c === quote) {
      quote = null;
      continue;
    }
    word = (word ?? '') + c;
  }
  if (quote !== null) return null;
  if (word !== null) words.push(word);
  return words;
}

/** The config's lines with a keyword; blank lines, comments and lines ssh cannot split are left out. */
export function parseConfig(text: string): ConfigLine[] {
  const lines: ConfigLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    // The keyword ends at whitespace or one `=`; it may be quoted (`"Port" 22`).
    const match = /^\s*(?:"([^"]+)"|([^\s=#"']+))\s*(?:=\s*)?(.*)$/.exec(raw);
    if (!match) return;
    const name = match[1] ?? match[2]!;
    const args = splitArgs(match[3]!);
    if (args === null) return;
    lines.push({ keyword: name.toLowerCase(), name, args, line: index + 1 });
  });
  return lines;
}
