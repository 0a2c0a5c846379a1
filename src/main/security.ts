import { app, session, shell, type Session } from 'electron';
import { guardNavigation } from './navigation-guard.ts';

/** WG Deck's page needs no permission at all (camera, notifications, clipboard, …): deny every one. */
export function hardenSession(ses: Session = session.defaultSession): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** For every web contents the app ever creates: no navigation away (navigation-guard.ts). Call before `ready`. */
export function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    guardNavigation(contents, (url) => void shell.openExternal(url));
  });
}
