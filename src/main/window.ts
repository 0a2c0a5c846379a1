import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import type { ShellState } from './shell-state.ts';
import { MIN_SIZE } from './window-bounds.ts';

/** The app window: hardened web preferences written out, geometry restored and kept. */
export function createMainWindow(options: {
  state: ShellState;
  /** True while quitting: closing then really closes even with close-to-tray. */
  quitting: () => boolean;
  /** The page to show: app://wg-deck/index.html, or the dev server in development (renderer-location.ts). */
  startUrl: string;
}): BrowserWindow {
  const { bounds, maximized } = options.state.initialWindow();
  const window = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'WG Deck',
    webPreferences: {
      // A sandboxed preload runs as a classic script: it is bundled to CommonJS (electron.vite.config.ts).
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  options.state.track(window);
  window.once('ready-to-show', () => {
    if (maximized) window.maximize();
    window.show();
  });
  window.on('close', (event) => {
    if (options.state.closeToTray && !options.quitting()) {
      event.preventDefault();
      window.hide();
    }
  });
  void window.loadURL(options.startUrl);
  return window;
}
