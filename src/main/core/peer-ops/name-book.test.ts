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

  it('learns names cleaned of escape sequences and direction overrides (a hostile file)', () => {
    const book = new PeerNameBook();
    const hostile = SERVER_CONF.replace('# Name = alice', '# Name = \u001b[2J\u001b[31malice\u202e\u2066');
    expect(book.learn('edge', 'wg0', hostile)?.names[ALICE]).toBe('[2J[31malice');
  });

  it("learns each peer's monitoring options with its name; a change to them alone is news", () => {
    const book = new PeerNameBook();
    expect(book.learn('edge', 'wg0', SERVER_CONF)?.options).toBeUndefined();
    const withOptions = SERVER_CONF.replace(
      '# Name = alice',
      '# Name = alice\n# CheckAddress = 198.18.8.1\n# StatusRule = either\n# StatusThresholds = 60/600',
    );
    expect(book.learn('edge', 'wg0', withOptions)?.options).toEqual({
      [ALICE]: { checkAddress: '198.18.8.1', rule: 'either', onlineSeconds: 60, staleSeconds: 600 },
    });
    expect(book.optionsOf('edge', 'wg0')?.[ALICE]?.rule).toBe('either');
    expect(book.learn('edge', 'wg0', withOptions.replace('either', 'ping'))).not.toBeNull();
  });
});

describe('PeerNameBook lifecycle rules', () => {
  it("learns each peer's quota, expiry, schedule and why the enforcer disabled it, disabled peers too", () => {
    const book = new PeerNameBook();
    expect(book.learn('edge', 'wg0', SERVER_CONF)?.lifecycle).toBeUndefined();
    expect(book.readThisRun('edge', 'wg0')).toBe(true);
    const withRules = SERVER_CONF.replace(
      '# Name = alice',
      '# Name = alice\n# Quota = 50GiB/month\n# Expires = 2027-01-31',
    );
    const learned = book.learn('edge', 'wg0', withRules);
    expect(learned?.lifecycle).toEqual({
      [ALICE]: {
        quota: { bytes: 50 * 1024 ** 3, period: 'month', direction: 'both', reenable: true },
        expiresAt: Date.UTC(2027, 1, 1),
        schedule: null,
        disabledBy: null,
      },
    });
    expect(book.lifecycleOf('edge', 'wg0')?.[ALICE]?.quota?.period).toBe('month');
    expect(book.learn('edge', 'wg0', withRules.replace('50GiB', '60GiB'))).not.toBeNull();
  });

  it('a remembered entry is not one read in this run: the enforcer waits for the file', () => {
    const book = new PeerNameBook();
    book.set({ server: 'edge', iface: 'wg0', names: {}, lifecycle: {} });
    expect(book.readThisRun('edge', 'wg0')).toBe(false);
    book.learn('edge', 'wg0', SERVER_CONF);
    book.forget('edge');
    expect(book.readThisRun('edge', 'wg0')).toBe(false);
  });
});
