import {
  AlertNotices,
  lifecycleNoticeText,
  noticeText,
  type NoticeText,
} from '../../../shared/alert-notices.ts';
import type { LoggedEvent } from '../../../shared/event-log.ts';
import type { FiringAlert } from '../../../shared/alerts.ts';

/**
 * Desktop notifications in browser mode, with the browser's Notification API. Permission is asked
 * for only on the admin's action (the alerts screen's button), never on page load; the app (Electron)
 * notifies from its main process instead, so there this stays silent.
 */

export type NotificationState = 'unsupported' | 'default' | 'granted' | 'denied';

export function notificationState(): NotificationState {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.permission;
}

/** Asks for permission (a click handler calls this: browsers want a user gesture). */
export async function askNotificationPermission(): Promise<NotificationState> {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}

/** Follows the firing list and shows each alert that starts firing (not snoozed) once. */
export class BrowserNotifier {
  readonly #notices = new AlertNotices();
  #primed = false;

  readonly #enabled: () => boolean;

  /** `enabled`: whether this front end notifies at all (browser mode; the app's main process does). */
  constructor(enabled: () => boolean) {
    this.#enabled = enabled;
  }

  /** The list as loaded at start (or after a reconnect): listed, not notified. */
  loaded(firing: readonly FiringAlert[]): void {
    if (this.#primed) return;
    this.#primed = true;
    this.#notices.prime(firing);
  }

  changed(firing: readonly FiringAlert[]): void {
    this.#primed = true;
    const fresh = this.#notices.next(firing);
    if (!this.#enabled() || notificationState() !== 'granted') return;
    for (const alert of fresh) show(noticeText(alert), '#/alerts');
  }

  /** What the lifecycle enforcer did (`peers:lifecycle`): each one a notice; the event log keeps it. */
  lifecycle(event: LoggedEvent): void {
    const notice = lifecycleNoticeText(event);
    if (!notice || !this.#enabled() || notificationState() !== 'granted') return;
    show(notice, '#/events');
  }
}

function show({ title, body, tag }: NoticeText, hash: string): void {
  try {
    // Text only: the body is the message (server and peer names), never markup.
    const notice = new Notification(title, { body, tag });
    notice.onclick = () => {
      window.focus();
      location.hash = hash;
    };
  } catch {
    // Some browsers allow notifications only from a service worker; the list still shows it.
  }
}
