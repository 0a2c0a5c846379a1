import {
  ALERT_KIND_LABEL,
  SNOOZE_UNTIL_CLEARED,
  newAlertRuleSchema,
  type AlertKind,
  type AlertRule,
  type NewAlertRule,
} from '../../../shared/alerts.ts';
import { formatBytes, shortKey } from '../../../shared/format.ts';
import { formatDateTime } from '../../../shared/time-format.ts';

/** The add-rule form as typed: strings, checked by the rule schemas on submit. */
export interface AlertRuleForm {
  kind: AlertKind;
  server: string;
  iface: string;
  publicKey: string;
  counters: 'errors' | 'drops' | 'either';
  /** The kind's one threshold: per minute, minutes, or GiB per day. */
  threshold: string;
}

export const EMPTY_ALERT_FORM: AlertRuleForm = {
  kind: 'interface-problems',
  server: '',
  iface: '',
  publicKey: '',
  counters: 'either',
  threshold: '',
};

/** What the threshold field asks for, per kind. */
export const THRESHOLD_FIELD: Record<AlertKind, { label: string; unit: string; hint: string }> = {
  'interface-problems': { label: 'Above', unit: 'per minute', hint: 'Errors or drops, RX + TX.' },
  'peer-offline': { label: 'Offline for', unit: 'minutes', hint: 'By the peer status rule.' },
  'server-unreachable': { label: 'Unreachable for', unit: 'minutes', hint: '0: as soon as it is lost.' },
  'ping-loss': { label: 'Failing for', unit: 'minutes', hint: '0: as soon as the check fails.' },
  'peer-traffic': { label: 'Above', unit: 'GiB per day', hint: 'Received + sent, per UTC day.' },
};

/** Which scope fields a kind takes, and whether they are required. */
export function scopeFields(kind: AlertKind): { iface: boolean; peer: boolean; required: boolean } {
  switch (kind) {
    case 'interface-problems':
      return { iface: true, peer: false, required: false };
    case 'peer-offline':
      return { iface: true, peer: true, required: true };
    case 'server-unreachable':
      return { iface: false, peer: false, required: false };
    default:
      return { iface: true, peer: true, required: false };
  }
}

const GIB = 1024 ** 3;

/** The threshold field's value for a rule, in the field's unit. */
export function thresholdOf(rule: AlertRule): number {
  switch (rule.kind) {
    case 'interface-problems':
      return rule.perMinute;
    case 'peer-traffic':
      return rule.bytesPerDay / GIB;
    default:
      return rule.minutes;
  }
}

/** The rule with its threshold set from the field's unit (the caller checks the result). */
export function withThreshold(rule: AlertRule, value: number): AlertRule {
  switch (rule.kind) {
    case 'interface-problems':
      return { ...rule, perMinute: value };
    case 'peer-traffic':
      return { ...rule, bytesPerDay: Math.round(value * GIB) };
    default:
      return { ...rule, minutes: value };
  }
}

/** The form as a new rule, or the first problem in words. */
export function ruleFromForm(
  form: AlertRuleForm,
): { ok: true; rule: NewAlertRule } | { ok: false; error: string } {
  const scope = scopeFields(form.kind);
  const raw: Record<string, unknown> = { kind: form.kind };
  if (form.server.trim()) raw['server'] = form.server.trim();
  if (scope.iface && form.iface.trim()) raw['iface'] = form.iface.trim();
  if (scope.peer && form.publicKey.trim()) raw['publicKey'] = form.publicKey.trim();
  const text = form.threshold.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0)
    return { ok: false, error: `${THRESHOLD_FIELD[form.kind].label}: enter a number.` };
  if (form.kind === 'interface-problems') {
    raw['counters'] = form.counters;
    raw['perMinute'] = value;
  } else if (form.kind === 'peer-traffic') raw['bytesPerDay'] = Math.round(value * GIB);
  else raw['minutes'] = value;
  const parsed = newAlertRuleSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const FIELD: Record<string, string> = {
      server: 'Server',
      iface: 'Interface',
      publicKey: 'Peer',
      perMinute: 'Threshold',
      minutes: 'Minutes',
      bytesPerDay: 'Threshold',
    };
    const field = FIELD[String(issue.path[0] ?? '')];
    return { ok: false, error: field ? `${field}: ${issue.message}` : issue.message };
  }
  return { ok: true, rule: parsed.data };
}

/** Where a rule looks, in words. */
export function ruleScope(rule: AlertRule, nameOf: (key: string) => string | null = () => null): string {
  const parts = [rule.server ?? 'Every server'];
  if ('iface' in rule && rule.iface) parts.push(rule.iface);
  if ('publicKey' in rule && rule.publicKey) parts.push(nameOf(rule.publicKey) ?? shortKey(rule.publicKey));
  return parts.join(' · ');
}

/** The threshold in words. */
export function ruleThreshold(rule: AlertRule): string {
  switch (rule.kind) {
    case 'interface-problems':
      return `${rule.counters === 'either' ? 'errors or drops' : rule.counters} above ${rule.perMinute}/min`;
    case 'peer-traffic':
      return `above ${formatBytes(rule.bytesPerDay)} a day`;
    default:
      return rule.minutes === 0 ? 'at once' : `for ${rule.minutes} min`;
  }
}

/** The snooze in words, or null when the rule is not snoozed at `nowMs`. */
export function snoozeText(rule: AlertRule, nowMs: number): string | null {
  if (rule.snoozedUntil === null || rule.snoozedUntil * 1000 <= nowMs) return null;
  if (rule.snoozedUntil >= SNOOZE_UNTIL_CLEARED) return 'Snoozed until cleared';
  return `Snoozed until ${formatDateTime(rule.snoozedUntil * 1000)}`;
}

export { ALERT_KIND_LABEL };
