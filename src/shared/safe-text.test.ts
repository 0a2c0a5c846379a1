import { describe, expect, it } from 'vitest';
import { cleanText, escapeUnsafe, hasUnsafeText, isUnsafeCodePoint } from './safe-text.ts';

const ESC = '\u001b';
/** Every character the rule calls unsafe, one of each kind. */
const HOSTILE = [
  '\u0000',
  '\u0007',
  '\b',
  '\r',
  ESC,
  '\u007f',
  '\u0085',
  '\u009b', // C0, DEL, C1 (CSI)
  '\u061c',
  '\u200e',
  '\u200f',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e', // bidi
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200b',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u2028',
  '\u2029', // invisible, separators
];

describe('the unsafe-character rule', () => {
  it.each(HOSTILE.map((c) => [c.codePointAt(0)!.toString(16)]))('U+%s is unsafe', (hex) => {
    expect(isUnsafeCodePoint(Number.parseInt(hex, 16))).toBe(true);
  });

  it.each(['a', ' ', '~', 'é', 'ß', 'Ω', 'ж', 'ع', '中', '€', '\u00a0'])('%j is safe', (char) => {
    expect(isUnsafeCodePoint(char.codePointAt(0)!)).toBe(false);
  });

  it('tells text that needs cleaning', () => {
    expect(hasUnsafeText('alice-laptop')).toBe(false);
    expect(hasUnsafeText(`alice${ESC}[2J`)).toBe(true);
  });
});

describe('cleanText', () => {
  it('removes every unsafe character and keeps the rest', () => {
    const name = `al${HOSTILE.join('')}ice ✓`;
    expect(cleanText(name, 64)).toBe('alice ✓');
  });

  it('defuses a terminal escape sequence and a bidi override (Trojan Source)', () => {
    expect(cleanText(`${ESC}]0;owned${'\u0007'}${ESC}[31mred`, 64)).toBe(']0;owned[31mred');
    expect(cleanText('user\u202etxt.exe', 64)).toBe('usertxt.exe');
  });

  it('turns tabs and line breaks into spaces, or keeps the breaks of multi-line text', () => {
    expect(cleanText('a\tb\nc\r\n', 64)).toBe('a b c');
    expect(cleanText('line one\r\nline two\n', 64, { multiline: true })).toBe('line one\nline two');
  });

  it('cuts at a number of characters with an ellipsis, never inside a surrogate pair', () => {
    expect(cleanText('x'.repeat(64), 64)).toBe('x'.repeat(64));
    expect(cleanText('x'.repeat(65), 64)).toBe(`${'x'.repeat(63)}…`);
    expect(cleanText('😀'.repeat(64), 64)).toBe('😀'.repeat(64)); // 64 characters, 128 UTF-16 units
    const cut = cleanText('😀'.repeat(100), 64);
    expect([...cut]).toHaveLength(64);
    expect(cut.endsWith('😀…')).toBe(true);
  });

  it('bounds a huge line', () => {
    expect(cleanText('y'.repeat(20 * 1024 * 1024), 1024)).toHaveLength(1024);
  });

  it('returns safe text unchanged', () => {
    expect(cleanText('wg0', 64)).toBe('wg0');
  });
});

describe('escapeUnsafe', () => {
  it('writes each unsafe character as a visible \\u escape', () => {
    expect(escapeUnsafe(`${ESC}[2Jx\u202e\u009b`)).toBe('\\u001B[2Jx\\u202E\\u009B');
  });

  it('keeps line breaks and tabs when asked (printed text keeps its layout)', () => {
    expect(escapeUnsafe('a\tb\nc\r', { keepLayout: true })).toBe('a\tb\nc\\u000D');
  });

  it('keeps escaped JSON valid and equal', () => {
    const value = { name: `a${ESC}b\u202ec\u0085d` };
    const printed = escapeUnsafe(JSON.stringify(value, null, 2), { keepLayout: true });
    expect(hasUnsafeText(printed.replaceAll('\n', ''))).toBe(false);
    expect(JSON.parse(printed)).toEqual(value);
  });
});
