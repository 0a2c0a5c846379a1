import { Menu, Tray, nativeImage } from 'electron';
import type { FiringAlert } from '../shared/alerts.ts';
import { fleetLevel, summaryText, type FleetSummary } from './fleet-summary.ts';
import { trayAlertLines, trayAlertSuffix } from './tray-alerts.ts';
import { TRAY_ICONS } from './tray-icons.ts';

export interface TrayActions {
  show(): void;
  quit(): void;
  closeToTray(): boolean;
  setCloseToTray(value: boolean): void;
}

/** The tray icon: fleet status at a glance (colour, tooltip, first menu line), firing alerts, show / quit. */
export class FleetTray {
  readonly #tray: Tray;
  readonly #actions: TrayActions;
  #summary: FleetSummary | null = null;
  #alerts: FiringAlert[] = [];

  constructor(actions: TrayActions) {
    this.#actions = actions;
    this.#tray = new Tray(this.#icon());
    this.#tray.on('click', () => actions.show());
    this.#render();
  }

  update(summary: FleetSummary): void {
    this.#summary = summary;
    this.#render();
  }

  setAlerts(firing: FiringAlert[]): void {
    this.#alerts = firing;
    this.#render();
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #icon(): Electron.NativeImage {
    return nativeImage
      .createFromDataURL(TRAY_ICONS[fleetLevel(this.#summary)])
      .resize({ width: 16, height: 16 });
  }

  #render(): void {
    const text = summaryText(this.#summary);
    this.#tray.setImage(this.#icon());
    this.#tray.setToolTip(`WG Deck — ${text}${trayAlertSuffix(this.#alerts)}`);
    const alerts = trayAlertLines(this.#alerts);
    if (process.platform === 'darwin' && this.#summary && this.#summary.serversTotal > 0) {
      this.#tray.setTitle(` ${this.#summary.serversUp}/${this.#summary.serversTotal}`);
    }
    this.#tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: text, enabled: false },
        ...(alerts.length > 0
          ? [
              { type: 'separator' as const },
              ...alerts.map((label) => ({ label, click: () => this.#actions.show() })),
            ]
          : []),
        { type: 'separator' },
        { label: 'Show WG Deck', click: () => this.#actions.show() },
        {
          label: 'Keep watching when the window is closed',
          type: 'checkbox',
          checked: this.#actions.closeToTray(),
          click: (item) => this.#actions.setCloseToTray(item.checked),
        },
        { type: 'separator' },
        { label: 'Quit WG Deck', click: () => this.#actions.quit() },
      ]),
    );
  }
}
