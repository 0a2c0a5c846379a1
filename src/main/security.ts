import { app, session, shell, type Session } from 'electron';
import { isSafeExternalUrl } from './trusted-sender.ts';

/** WG Deck's page needs no permission at all (camera, notifications, clipboard, …): deny every one. */
export function hardenSession(ses: Session = session.defaultSession): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/**
 * For every web contents the app ever creates: no navigation away from the app, no redirects, no
 * webviews, no new windows. https links open in the system browser instead. Call before `ready`.
 */
export function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (isSafeExternalUrl(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
