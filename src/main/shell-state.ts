import { screen, type BrowserWindow } from 'electron';
import Store from 'electron-store';
import { restoreWindow, type SavedWindow } from './window-bounds.ts';

interface ShellStateFile {
  window?: SavedWindow;
  /** Closing the window hides it to the tray; the fleet keeps being watched until Quit. */
  closeToTray: boolean;
}

/** The shell's own preferences and window geometry (`shell-state.json` in the data dir). */
export class ShellState {
  readonly #store = new Store<ShellStateFile>({ name: 'shell-state', defaults: { closeToTray: false } });

  get closeToTray(): boolean {
    return this.#store.get('closeToTray') === true;
  }

  set closeToTray(value: boolean) {
    this.#store.set('closeToTray', value);
  }

  /** Bounds to open the window with: the saved ones when still on a display. */
  initialWindow(): ReturnType<typeof restoreWindow> {
    return restoreWindow(
      this.#store.get('window'),
      screen.getAllDisplays().map((d) => d.workArea),
    );
  }

  /** Saves the window's geometry as it moves and resizes (debounced) and when it closes. */
  track(window: BrowserWindow): void {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const save = (): void => {
      timer = null;
      if (window.isDestroyed()) return;
      this.#store.set('window', { bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    };
    const later = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(save, 500);
    };
    for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const)
      window.on(event as 'resize', later);
    window.on('close', () => {
      if (timer) clearTimeout(timer);
      save();
    });
  }
}
