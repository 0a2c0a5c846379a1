import { useState } from 'react';
import {
  askNotificationPermission,
  notificationState,
  type NotificationState,
} from '../../lib/browser-notifier.ts';
import { useApp } from '../../store/store.ts';

export function NotificationsNote() {
  const host = useApp((s) => s.info?.host);
  const [state, setState] = useState<NotificationState>(notificationState);
  if (host !== 'browser') {
    return (
      <p className="muted small alerts-note">
        Desktop notifications come from the WG Deck app while it runs (also in the tray).
      </p>
    );
  }
  if (state === 'unsupported')
    return <p className="muted small alerts-note">This browser cannot show desktop notifications.</p>;
  if (state === 'granted')
    return (
      <p className="muted small alerts-note" data-testid="notifications-on">
        Desktop notifications are on for this tab: each alert that fires shows one.
      </p>
    );
  if (state === 'denied')
    return (
      <p className="muted small alerts-note">
        Desktop notifications are blocked for this page in the browser’s site settings.
      </p>
    );
  return (
    <p className="alerts-notify">
      <button
        type="button"
        className="button"
        onClick={() => void askNotificationPermission().then(setState)}
        data-testid="notifications-enable"
      >
        Turn on desktop notifications
      </button>
      <span className="muted small">The browser asks once; alerts then show while this tab is open.</span>
    </p>
  );
}
