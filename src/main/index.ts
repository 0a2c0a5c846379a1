import { join } from 'node:path';
import { Notification, app, protocol, safeStorage, utilityProcess, type BrowserWindow } from 'electron';
import { AlertDesktop } from './alert-desktop.ts';
import { APP_SCHEME_PRIVILEGES, serveAppRequest } from './app-protocol.ts';
import { defaultDataDir } from './core/store/data-dir.ts';
import { EngineHost } from './engine-host.ts';
import { engineArgs } from './engine-protocol.ts';
import { registerIpc } from './ipc.ts';
import { KeychainSecretStore, SECRETS_FILE, canPersistSecrets } from './keychain-secrets.ts';
import { installAppMenu } from './menu.ts';
import { hardenSession, hardenWebContents } from './security.ts';
import { ShellState } from './shell-state.ts';
import { FleetTray } from './tray.ts';
import { APP_SCHEME, devServerUrl, rendererStartUrl, type RendererLocation } from './renderer-location.ts';
import { createMainWindow } from './window.ts';
import { ENGINE_ENV, ENGINE_V8_FLAGS } from './core/engine-flags.ts';

/*
 * Process layout: this main process owns the window, tray, menu and the keychain (safeStorage); the
 * engine (SSH sessions, collectors, state) runs in a utility process (engine-process.ts) so a busy
 * fleet never stalls the UI; the sandboxed renderer reaches it through the preload's bridge and main's
 * checked relay (ipc.ts).
 */

// The CLI and the app share one data dir (servers, trust store, settings).
const dataDir = defaultDataDir();
app.setPath('userData', dataDir);
hardenWebContents();
// Privileges can be given to a scheme only before `ready`.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

const rendererDir = join(import.meta.dirname, '../renderer');
const renderer: RendererLocation = { devServerUrl: devServerUrl(app.isPackaged, process.env) };
if (process.env['ELECTRON_RENDERER_URL'] && !renderer.devServerUrl) {
  console.error(
    'wg-deck: ignoring ELECTRON_RENDERER_URL (honoured only in development, for an http(s) loopback URL); showing the built app.',
  );
}

// Two engines on one data dir would fight over it: a second start focuses the first window.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | null = null;
  let quitting = false;
  const state = new ShellState();

  const show = (): void => {
    if (!window || window.isDestroyed())
      window = createMainWindow({ state, quitting: () => quitting, startUrl: rendererStartUrl(renderer) });
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  };

  app.on('second-instance', show);

  void app.whenReady().then(() => {
    hardenSession();
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
    // safeStorage is usable only once the app is ready (on Linux the backend is chosen then).
    const secrets = new KeychainSecretStore(
      join(dataDir, SECRETS_FILE),
      canPersistSecrets(safeStorage) ? safeStorage : null,
    );
    const host = new EngineHost({
      spawn: () =>
        utilityProcess.fork(
          join(import.meta.dirname, 'engine-process.js'),
          engineArgs({ dataDir, canPersistSecrets: secrets.canPersist }),
          {
            serviceName: 'WG Deck engine',
            stdio: 'inherit',
            execArgv: [...ENGINE_V8_FLAGS],
            env: { ...process.env, ...ENGINE_ENV },
          },
        ),
      secrets,
      log: (line) => console.error(`wg-deck: ${line}`),
    });
    host.start();
    registerIpc({ host, window: () => window, renderer });
    installAppMenu({ dev: renderer.devServerUrl !== undefined });

    const tray = new FleetTray({
      show,
      quit: () => app.quit(),
      closeToTray: () => state.closeToTray,
      setCloseToTray: (value) => {
        state.closeToTray = value;
      },
    });
    host.onSummary((summary) => tray.update(summary));
    const alerts = new AlertDesktop({
      tray: (firing) => tray.setAlerts(firing),
      show: ({ title, body }) => {
        if (!Notification.isSupported()) return;
        const notice = new Notification({ title, body });
        notice.on('click', show);
        notice.show();
      },
    });
    host.onEvent((event, payload) => alerts.onEvent(event, payload));

    app.on('before-quit', () => {
      quitting = true;
    });
    app.on('will-quit', () => {
      host.stop();
      tray.destroy();
    });
    app.on('activate', show);
    show();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && !state.closeToTray) app.quit();
  });
}
