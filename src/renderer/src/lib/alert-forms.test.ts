import { describe, expect, it } from 'vitest';
import { SNOOZE_UNTIL_CLEARED, type AlertRule } from '../../../shared/alerts.ts';
import {
  EMPTY_ALERT_FORM,
  ruleFromForm,
  ruleScope,
  ruleThreshold,
  snoozeText,
  thresholdOf,
  withThreshold,
} from './alert-forms.ts';

const KEY = `${'A'.repeat(43)}=`;

describe('the add-rule form', () => {
  it('makes each kind’s rule, with only the scope the kind takes', () => {
    expect(ruleFromForm({ ...EMPTY_ALERT_FORM, server: 'edge', iface: 'wg0', threshold: '100' })).toEqual({
      ok: true,
      rule: { kind: 'interface-problems', server: 'edge', iface: 'wg0', counters: 'either', perMinute: 100 },
    });
    expect(
      ruleFromForm({
        ...EMPTY_ALERT_FORM,
        kind: 'server-unreachable',
        iface: 'wg0',
        publicKey: KEY,
        threshold: '0',
      }),
    ).toEqual({ ok: true, rule: { kind: 'server-unreachable', minutes: 0 } });
    expect(ruleFromForm({ ...EMPTY_ALERT_FORM, kind: 'peer-traffic', threshold: '1.5' })).toEqual({
      ok: true,
      rule: { kind: 'peer-traffic', bytesPerDay: 1.5 * 1024 ** 3 },
    });
  });

  it('says what is missing or wrong', () => {
    expect(ruleFromForm({ ...EMPTY_ALERT_FORM, threshold: '' })).toEqual({
      ok: false,
      error: 'Above: enter a number.',
    });
    const offline = ruleFromForm({ ...EMPTY_ALERT_FORM, kind: 'peer-offline', threshold: '5' });
    expect(offline.ok === false && offline.error).toMatch(/^Server: /);
    const key = ruleFromForm({
      ...EMPTY_ALERT_FORM,
      kind: 'ping-loss',
      publicKey: 'not a key',
      threshold: '0',
    });
    expect(key.ok === false && key.error).toMatch(/^Peer: /);
  });
});

describe('a rule in words', () => {
  const rule: AlertRule = {
    id: 'abcd1234',
    kind: 'peer-offline',
    enabled: true,
    snoozedUntil: null,
    server: 'edge',
    iface: 'wg0',
    publicKey: KEY,
    minutes: 10,
  };

  it('names its scope, threshold and snooze', () => {
    expect(ruleScope(rule, () => 'laptop')).toBe('edge · wg0 · laptop');
    expect(ruleThreshold(rule)).toBe('for 10 min');
    expect(snoozeText(rule, 0)).toBeNull();
    expect(snoozeText({ ...rule, snoozedUntil: SNOOZE_UNTIL_CLEARED }, 0)).toBe('Snoozed until cleared');
    expect(snoozeText({ ...rule, snoozedUntil: 100 }, 200_000)).toBeNull();
  });

  it('edits the threshold in the field’s unit', () => {
    expect(thresholdOf(rule)).toBe(10);
    expect(withThreshold(rule, 20)).toEqual({ ...rule, minutes: 20 });
    const traffic: AlertRule = {
      id: 'abcd1234',
      kind: 'peer-traffic',
      enabled: true,
      snoozedUntil: null,
      bytesPerDay: 2 * 1024 ** 3,
    };
    expect(thresholdOf(traffic)).toBe(2);
  });
});
