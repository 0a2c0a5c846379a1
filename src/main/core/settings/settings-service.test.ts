import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings.ts';
import { SettingsStore } from '../store/settings-store.ts';
import type { SettingsEffects } from './settings-effects.ts';
import { SettingsService } from './settings-service.ts';

function service(dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-settings-'))) {
  const changes: { next: Settings; effects: SettingsEffects }[] = [];
  const settings = new SettingsService(dataDir, (next, effects) => changes.push({ next, effects }));
  return { settings, changes, dataDir };
}

describe('SettingsService', () => {
  it('reads the defaults once and reports no change for the first read', async () => {
    const { settings, changes } = service();
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(changes).toEqual([]);
  });

  it('hands a change to onChange with only what it affects, and keeps it in settings.json', async () => {
    const { settings, changes, dataDir } = service();
    await settings.get();
    await settings.update({ retention: { ...DEFAULT_SETTINGS.retention, rawHours: 12 } });
    expect(changes.map((c) => c.effects)).toEqual([
      {
        reconnectGlobalInterval: false,
        restartPing: false,
        thresholds: false,
        retention: true,
        exporters: false,
      },
    ]);
    expect((await new SettingsStore(dataDir).get()).retention.rawHours).toBe(12);
  });

  it('picks up what another process wrote to the same data dir on reload', async () => {
    const { settings, changes, dataDir } = service();
    await settings.get();
    await new SettingsStore(dataDir).update({ intervalSeconds: 9 });
    await settings.reload();
    expect((await settings.get()).intervalSeconds).toBe(9);
    expect(changes.at(-1)?.effects).toEqual({
      reconnectGlobalInterval: true,
      restartPing: false,
      thresholds: false,
      retention: false,
      exporters: false,
    });
  });

  it('refuses thresholds the contract refuses (one rule set): stale must exceed online', async () => {
    const { settings } = service();
    await expect(settings.update({ thresholds: { onlineSeconds: 300, staleSeconds: 200 } })).rejects.toThrow(
      /stale threshold must exceed/,
    );
  });
});
