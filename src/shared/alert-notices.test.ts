import { describe, expect, it } from 'vitest';
import { AlertNotices, noticeText } from './alert-notices.ts';
import type { FiringAlert } from './alerts.ts';

const alert = (over: Partial<FiringAlert> = {}): FiringAlert => ({
  rule: 'abcd1234',
  kind: 'server-unreachable',
  server: 'edge',
  iface: null,
  publicKey: null,
  message: 'edge unreachable for 5 min',
  since: 1_800_000_000,
  snoozed: false,
  ...over,
});

describe('which alerts are notified', () => {
  it('notifies each alert once when it fires, again after it resolved and fired anew', () => {
    const notices = new AlertNotices();
    const a = alert();
    const b = alert({ server: 'core', message: 'core unreachable for 5 min' });
    expect(notices.next([a])).toEqual([a]);
    expect(notices.next([a])).toEqual([]);
    expect(notices.next([a, b])).toEqual([b]);
    expect(notices.next([b])).toEqual([]);
    expect(notices.next([a, b])).toEqual([a]);
  });

  it('does not notify a snoozed alert, nor when its snooze ends; nor alerts primed at start', () => {
    const notices = new AlertNotices();
    const a = alert({ snoozed: true });
    expect(notices.next([a])).toEqual([]);
    expect(notices.next([{ ...a, snoozed: false }])).toEqual([]);
    notices.prime([alert({ server: 'x' })]);
    expect(notices.next([alert({ server: 'x' })])).toEqual([]);
  });

  it('says what fired in plain words, with a tag per alert', () => {
    expect(noticeText(alert())).toEqual({
      title: 'WG Deck: Server unreachable',
      body: 'edge unreachable for 5 min',
      tag: 'wgdeck-alert-abcd1234/edge//',
    });
  });
});
