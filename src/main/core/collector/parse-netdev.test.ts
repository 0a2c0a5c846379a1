import { describe, expect, it } from 'vitest';
import { NETDEV_TEXT } from './fixtures.ts';
import { parseNetdev } from './parse-netdev.ts';

const lines = (text: string): string[] => text.split('\n').filter((line) => line.length > 0);

describe('parseNetdev', () => {
  it('reads every interface and maps the nine counters', () => {
    const { counters, warnings } = parseNetdev(lines(NETDEV_TEXT));
    expect(warnings).toEqual([]);
    expect(Object.keys(counters)).toEqual(['lo', 'eth0', 'wg0']);
    expect(counters.eth0).toEqual({
      rxBytes: 563104398,
      rxPackets: 14233,
      rxErrors: 1,
      rxDropped: 2,
      multicast: 7,
      txBytes: 795689,
      txPackets: 8002,
      txErrors: 3,
      txDropped: 4,
    });
  });

  it('reads counters glued to the colon (old kernels)', () => {
    const { counters } = parseNetdev(['eth0:123456789 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15']);
    expect(counters.eth0?.rxBytes).toBe(123456789);
    expect(counters.eth0?.txBytes).toBe(8);
  });

  it('reads CRLF lines and ignores blank ones', () => {
    const { counters, warnings } = parseNetdev(lines(NETDEV_TEXT.replaceAll('\n', '\r\n\n')));
    expect(warnings).toEqual([]);
    expect(Object.keys(counters)).toEqual(['lo', 'eth0', 'wg0']);
  });

  it.each([
    ['no colon', 'eth1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16', 'no "name:" prefix'],
    ['an empty name', '  : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16', 'empty interface name'],
    ['15 counters', 'eth1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15', '"eth1": expected 16 counters, got 15'],
    [
      '17 counters',
      'eth1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17',
      '"eth1": expected 16 counters, got 17',
    ],
    [
      'a negative counter',
      'eth1: 1 -2 3 4 5 6 7 8 9 10 11 12 13 14 15 16',
      '"eth1": counter 2 "-2" is not an unsigned integer',
    ],
    [
      'a counter beyond 2^53',
      'eth1: 99999999999999999999 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16',
      '"eth1": counter 1 "99999999999999999999"',
    ],
    [
      'a name with an escape sequence',
      '\u001b[2Jwg9: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16',
      '"\\u001b[2Jwg9" is not an interface name',
    ],
    [
      'a name with a bidi override',
      'wg\u202e9: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16',
      '"wg\\u202E9" is not an interface name',
    ],
  ])('skips a line with %s and warns', (_name, line, warning) => {
    const { counters, warnings } = parseNetdev([...lines(NETDEV_TEXT), line]);
    expect(Object.keys(counters)).toEqual(['lo', 'eth0', 'wg0']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`netdev line 6: ${warning}`);
  });

  it('keeps an interface named __proto__ as a key like any other', () => {
    const { counters } = parseNetdev(['__proto__: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16']);
    expect(Object.keys(counters)).toEqual(['__proto__']);
    expect(counters['__proto__']?.rxBytes).toBe(1);
    expect(counters['wg0']).toBeUndefined();
    expect(Object.getPrototypeOf(counters)).toBeNull();
  });

  it('reads nothing from nothing', () => {
    expect(parseNetdev([])).toEqual({ counters: {}, warnings: [] });
  });
});
