import type { Settings } from '../../../shared/settings.ts';
import { settingsEffects, type SettingsEffects } from './settings-effects.ts';
import { SettingsStore } from '../store/settings-store.ts';

/**
 * The settings: `settings.json` (shared with other processes on the data dir) and the cached copy the
 * services read. A change, made here or by another process, is handed to `onChange` with what it
 * affects, so only that is restarted.
 */
export class SettingsService {
  readonly store: SettingsStore;
  #current: Settings | null = null;
  readonly #onChange: (next: Settings, effects: SettingsEffects) => void;

  constructor(dataDir: string, onChange: (next: Settings, effects: SettingsEffects) => void) {
    this.store = new SettingsStore(dataDir);
    this.#onChange = onChange;
  }

  async get(): Promise<Settings> {
    this.#current ??= await this.store.get();
    return this.#current;
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    const next = await this.store.update(patch);
    this.apply(next);
    return next;
  }

  /** settings.json changed on disk (another process wrote it). */
  async reload(): Promise<void> {
    this.apply(await this.store.get());
  }

  apply(next: Settings): void {
    const before = this.#current;
    this.#current = next;
    if (before) this.#onChange(next, settingsEffects(before, next));
  }
}
