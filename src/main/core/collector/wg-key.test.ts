import { describe, expect, it } from 'vitest';
import { isWireGuardKey } from './wg-key.ts';

const VALID = Buffer.alloc(32, 7).toString('base64'); // "BwcH...Bwc="

describe('isWireGuardKey', () => {
  it.each([
    ['32 zero bytes', Buffer.alloc(32).toString('base64')],
    ['32 0xff bytes', Buffer.alloc(32, 0xff).toString('base64')],
    ['a repeated byte', VALID],
    ['a real-looking key', 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk='],
  ])('accepts %s', (_name, key) => {
    expect(isWireGuardKey(key)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['43 characters', VALID.slice(0, 43)],
    ['45 characters', `${VALID}=`],
    ['no padding', `${VALID.slice(0, 43)}A`],
    ['a character outside base64', `!${VALID.slice(1)}`],
    ['URL-safe alphabet', `-${VALID.slice(1)}`],
    ['a space', ` ${VALID.slice(1)}`],
    ['non-canonical trailing bits', `${VALID.slice(0, 42)}B=`],
    ['a non-ASCII character', `é${VALID.slice(2)}`],
    ['the mask', '(hidden)'],
  ])('refuses %s', (_name, key) => {
    expect(isWireGuardKey(key)).toBe(false);
  });
});
