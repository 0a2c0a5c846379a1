import { EVENTS, type ApiEvents } from '../shared/api.ts';
import { AlertNotices, lifecycleNoticeText, noticeText, type NoticeText } from '../shared/alert-notices.ts';
import type { FiringAlert } from '../shared/alerts.ts';

/**
 * The app's side of alerts, without electron: each `alerts:changed` from the engine process is
 * checked (it crossed a process boundary), handed to the tray, and turned into the notices to show.
 * The shell (index.ts) only shows what this returns with Electron's Notification.
 */
export class AlertDesktop {
  readonly #notices = new AlertNotices();
  readonly #show: (notice: NoticeText) => void;
  readonly #tray: (firing: FiringAlert[]) => void;

  constructor(deps: { show: (notice: NoticeText) => void; tray: (firing: FiringAlert[]) => void }) {
    this.#show = deps.show;
    this.#tray = deps.tray;
  }

  /**
   * An event from the engine process; anything but a well-formed `alerts:changed` or
   * `peers:lifecycle` is ignored.
   */
  onEvent(event: string, payload: unknown): void {
    if (event === 'peers:lifecycle') {
      const parsed = EVENTS['peers:lifecycle'].payload.safeParse(payload);
      const notice = parsed.success ? lifecycleNoticeText(parsed.data) : null;
      if (notice) this.#show(notice);
      return;
    }
    if (event !== 'alerts:changed') return;
    const parsed = EVENTS['alerts:changed'].payload.safeParse(payload);
    if (!parsed.success) return;
    const firing: ApiEvents['alerts:changed'] = parsed.data;
    this.#tray(firing);
    for (const alert of this.#notices.next(firing)) this.#show(noticeText(alert));
  }
}
