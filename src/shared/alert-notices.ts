import { ALERT_KIND_LABEL, firingKey, type FiringAlert } from './alerts.ts';

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
