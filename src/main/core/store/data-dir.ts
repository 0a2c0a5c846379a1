import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_DIR_NAME = 'wg-deck';

/**
 * Where WG Deck keeps its servers, trust store and history: the platform's app-data directory, the same
 * one the Electron shell uses, so the CLI and the app see the same fleet.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const fromEnv = env['WGDECK_DATA_DIR'];
  if (fromEnv) return fromEnv;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') {
    return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  }
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), APP_DIR_NAME);
}
