import { describe, expect, it } from 'vitest';
import {
  cleanMessage,
  cleanName,
  describeBadUint,
  isShowableName,
  parseUdecimal,
  parseUint,
  quote,
  splitWhitespace,
} from './text-fields.ts';

describe('parseUint', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    ['007', 7],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('reads %s', (text, value) => {
    expect(parseUint(text)).toBe(value);
  });
  it.each(['', '-1', '+1', '1.5', '1e3', ' 1', '0x10', '9007199254740992', '18446744073709551615'])(
    'refuses %j',
    (text) => {
      expect(parseUint(text)).toBe(-1);
    },
  );
  it('explains why', () => {
    expect(describeBadUint('9007199254740992')).toBe('"9007199254740992" exceeds 2^53-1');
    expect(describeBadUint('-1')).toBe('"-1" is not an unsigned integer');
  });
});

describe('parseUdecimal', () => {
  it.each([
    ['335.44', 335.44],
    ['0.00', 0],
    ['12', 12],
    ['.5', 0.5],
  ])('reads %s', (text, value) => {
    expect(parseUdecimal(text)).toBe(value);
  });
  it.each(['', '.', '1.2.3', '-1', '1e3', 'Infinity', '0x1', ' 1'])('refuses %j', (text) => {
    expect(parseUdecimal(text)).toBe(-1);
  });
});

describe('splitWhitespace', () => {
  it('splits on runs of spaces and tabs like awk', () => {
    expect(splitWhitespace('  a \t b   c  ')).toEqual(['a', 'b', 'c']);
    expect(splitWhitespace('')).toEqual([]);
    expect(splitWhitespace('   ')).toEqual([]);
  });
});

describe('quote', () => {
  it('cuts long values short', () => {
    expect(quote('x'.repeat(100))).toBe(JSON.stringify(`${'x'.repeat(64)}…`));
  });
});

describe('quote', () => {
  it('escapes every unsafe character, so an error message is safe to print', () => {
    expect(quote('a\u001b[2Jb\u202ec\u009bd')).toBe('"a\\u001b[2Jb\\u202Ec\\u009Bd"');
  });
});

describe('server text', () => {
  it('cleans names to 64 characters and messages to 1 KiB, keeping the lines of a message', () => {
    expect(cleanName(`\u001b[31m${'n'.repeat(100)}`)).toBe(`[31m${'n'.repeat(59)}…`);
    const message = cleanMessage(`one\r\ntwo\u202e\n${'x'.repeat(5000)}`);
    expect(message.startsWith('one\ntwo\nxxx')).toBe(true);
    expect(message).toHaveLength(1024);
  });

  it('tells names that can be shown as they are', () => {
    expect(isShowableName('wg0')).toBe(true);
    expect(isShowableName('wg-é')).toBe(true);
    expect(isShowableName('wg\u2066')).toBe(false);
    expect(isShowableName('w'.repeat(65))).toBe(false);
  });
});
