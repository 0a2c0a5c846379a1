import { describe, expect, it } from 'vitest';
import { parseConfig, splitArgs } from './parse.ts';

describe('ssh config tokenizer', () => {
  it('splits Key value, Key=value and Key = value; keywords lower-cased, names kept', () => {
    expect(parseConfig('Port 22\nHostName=198.18.0.1\n  USER = ops\n"Port" "2200"')).toEqual([
      { keyword: 'port', name: 'Port', args: ['22'], line: 1 },
      { keyword: 'hostname', name: 'HostName', args: ['198.18.0.1'], line: 2 },
      { keyword: 'user', name: 'USER', args: ['ops'], line: 3 },
      { keyword: 'port', name: 'Port', args: ['2200'], line: 4 },
    ]);
  });

  it('quotes, escapes and comments as ssh reads them; an open quote drops the line', () => {
    expect(splitArgs(`"~/.ssh/my key" 'a b' c\\ d \\"e`)).toEqual(['~/.ssh/my key', 'a b', 'c d', '"e']);
    expect(splitArgs('198.18.0.6#x # a comment')).toEqual(['198.18.0.6#x']);
    expect(splitArgs('"unterminated')).toBeNull();
    expect(parseConfig('# comment\n\nHostName "open\nPort 2201\r\n')).toEqual([
      { keyword: 'port', name: 'Port', args: ['2201'], line: 4 },
    ]);
  });
});
