import { ALERT_KIND_LABEL, firingKey, type FiringAlert } from './alerts.ts';
import { LIFECYCLE_EVENT_LABEL, isLifecycleEvent, type LoggedEvent } from './event-log.ts';

/**
 * What to notify of, for every notifier (the browser's Notification API in browser mode, Electron's
 * in the app): each alert once, when it starts firing and its rule is not snoozed. An alert that
 * resolves and fires again later is notified again (the engine rate-limits that); one that was
 * snoozed when it fired is not notified when the snooze ends (it is in the alerts list meanwhile).
 */
export class AlertNotices {
  #seen = new Set<string>();

  /** Alerts already firing when the notifier starts (a reloaded page): listed, not notified again. */
  prime(firing: readonly FiringAlert[]): void {
    this.#seen = new Set(firing.map(firingKey));
  }

  /** The alerts of `firing` to notify of now; remembers the list for the next call. */
  next(firing: readonly FiringAlert[]): FiringAlert[] {
    const fresh = firing.filter((alert) => !this.#seen.has(firingKey(alert)) && !alert.snoozed);
    this.#seen = new Set(firing.map(firingKey));
    return fresh;
  }
}

export interface NoticeText {
  title: string;
  body: string;
  /** Lets a notifier replace a notice of the same alert rather than stack a second one. */
  tag: string;
}

/** A notification's words: plain text only (the message names servers and peers). */
export function noticeText(alert: FiringAlert): NoticeText {
  return {
    title: `WG Deck: ${ALERT_KIND_LABEL[alert.kind]}`,
    body: alert.message,
    tag: `wgdeck-alert-${firingKey(alert).replaceAll('\u0000', '/')}`,
  };
}

/**
 * What the lifecycle enforcer did (`peers:lifecycle`) as a notice: `alice on edge: Over quota:
 * disabled`, the message as its body. Null for an entry that is not a lifecycle event.
 */
export function lifecycleNoticeText(event: LoggedEvent): NoticeText | null {
  if (!isLifecycleEvent(event.type)) return null;
  const who = event.name ?? (event.peer === null ? 'a peer' : `${event.peer.slice(0, 8)}…`);
  const message = event.details['message'];
  return {
    title: `WG Deck: ${who} on ${event.server}: ${LIFECYCLE_EVENT_LABEL[event.type]}`,
    body: typeof message === 'string' ? message : '',
    tag: `wgdeck-lifecycle-${event.server}/${event.interface ?? ''}/${event.peer ?? ''}/${event.type}`,
  };
}
