/**
 * An event log entry in words, one wording for the event list and the chart marks: the type's
 * label, its kind (trouble, good news, or neither) and its details.
 */
import { LIFECYCLE_EVENT_LABEL, type EventType, type LoggedEvent } from '../../../shared/event-log.ts';
import { formatDuration } from '../../../shared/format.ts';
import { formatDateTime } from '../../../shared/time-format.ts';

export const EVENT_LABEL: Record<EventType, string> = {
  'peer.online': 'Peer online',
  'peer.offline': 'Peer offline',
  'peer.session': 'Session started',
  'peer.roamed': 'Peer roamed',
  'ping.failed': 'Ping failed',
  'ping.recovered': 'Ping recovered',
  'server.unreachable': 'Server unreachable',
  'server.recovered': 'Server back',
  'server.rebooted': 'Server rebooted',
  'interface.errors': 'Interface errors rising',
  'counter.reset': 'Counters reset',
  'drift.found': 'Drift found',
  'change.applied': 'Change applied',
  'change.rolledBack': 'Change rolled back',
  'alert.fired': 'Alert fired',
  'alert.resolved': 'Alert resolved',
  ...LIFECYCLE_EVENT_LABEL,
};

/** Trouble (the alert colour), a recovery or success, or a plain fact. */
export type EventKind = 'problem' | 'good' | 'neutral';

const KIND: Record<EventType, EventKind> = {
  'server.unreachable': 'problem',
  'peer.offline': 'problem',
  'ping.failed': 'problem',
  'interface.errors': 'problem',
  'alert.fired': 'problem',
  'change.rolledBack': 'problem',
  'server.recovered': 'good',
  'peer.online': 'good',
  'ping.recovered': 'good',
  'alert.resolved': 'good',
  'change.applied': 'good',
  'peer.roamed': 'neutral',
  'peer.session': 'neutral',
  'server.rebooted': 'neutral',
  'counter.reset': 'neutral',
  'drift.found': 'neutral',
  'peer.quotaWarning': 'problem',
  'peer.quotaExceeded': 'problem',
  'peer.expiryWarning': 'problem',
  'peer.expired': 'problem',
  'peer.enforcementFailed': 'problem',
  'peer.quotaReset': 'good',
  'peer.expiryExtended': 'good',
  'peer.enabledBySchedule': 'good',
  'peer.disabledBySchedule': 'neutral',
};

export function eventKind(type: EventType): EventKind {
  return KIND[type];
}

/** Each detail in words; a key this version does not know is shown as it is. */
const DETAIL: Record<string, (value: string | number | boolean) => string> = {
  downForSeconds: (v) => `down for ${formatDuration(Number(v))}`,
  state: (v) => `now ${String(v)}`,
  error: (v) => String(v),
  from: (v) => `from ${String(v)}`,
  to: (v) => `to ${String(v)}`,
  handshakeAt: (v) => `handshake ${formatDateTime(Number(v) * 1000)}`,
  txId: () => '',
  message: (v) => String(v),
  rxErrors: (v) => `+${String(v)} RX errors`,
  txErrors: (v) => `+${String(v)} TX errors`,
  rxDropped: (v) => `+${String(v)} RX dropped`,
  txDropped: (v) => `+${String(v)} TX dropped`,
  // A lifecycle event's figures: its message says them in words.
  usedBytes: () => '',
  limitBytes: () => '',
  period: () => '',
  expiresAt: () => '',
};

export function eventDetails(event: LoggedEvent): string {
  return Object.entries(event.details)
    .flatMap(([key, value]) => {
      if (value === null || value === '') return [];
      const text = DETAIL[key]?.(value) ?? `${key}: ${String(value)}`;
      return text === '' ? [] : [text];
    })
    .join(' · ');
}
