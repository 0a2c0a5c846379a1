import { describe, expect, it } from 'vitest';
import { PeerNameBook } from './name-book.ts';
import { ALICE, BOB, CAROL, DAVE, SERVER_CONF } from '../peers/fixtures.testkit.ts';

describe('PeerNameBook', () => {
  it('learns the names of a config file (disabled peers too), and reports only changes', () => {
    const book = new PeerNameBook();
    const first = book.learn('edge', 'wg0', SERVER_CONF);
    expect(first?.names).toEqual({
      [ALICE]: 'alice',
      [BOB]: "bob's phone",
      [CAROL]: 'carol',
      [DAVE]: "dave's router",
    });
    expect(book.learn('edge', 'wg0', SERVER_CONF)).toBeNull();
    const renamed = book.learn('edge', 'wg0', SERVER_CONF.replace('# Name = alice', '# Name = alice2'));
    expect(renamed?.names[ALICE]).toBe('alice2');
    book.learn('edge', 'wg1', SERVER_CONF);
    book.learn('other', 'wg0', SERVER_CONF);
    book.forget('edge');
    expect(book.all().map((n) => `${n.server}/${n.iface}`)).toEqual(['other/wg0']);
  });
});
