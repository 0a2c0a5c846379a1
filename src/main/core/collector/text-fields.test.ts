import { describe, expect, it } from 'vitest';
import { describeBadUint, parseUdecimal, parseUint, quote, splitWhitespace } from './text-fields.ts';

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
