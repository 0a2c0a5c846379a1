import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/settings.ts';
import { settingsEffects } from './settings-effects.ts';

describe('a settings change touches only what it affects', () => {
  it('retention: no reconnect, applied to history in place', () => {
    const next = { ...DEFAULT_SETTINGS, retention: { ...DEFAULT_SETTINGS.retention, rawHours: 12 } };
    expect(settingsEffects(DEFAULT_SETTINGS, next)).toEqual({
      reconnectGlobalInterval: false,
      restartPing: false,
      thresholds: false,
      retention: true,
      exporters: false,
    });
  });

  it('thresholds: no reconnect, applied to the trackers in place', () => {
    const next = { ...DEFAULT_SETTINGS, thresholds: { onlineSeconds: 100, staleSeconds: 400 } };
    expect(settingsEffects(DEFAULT_SETTINGS, next)).toEqual({
      reconnectGlobalInterval: false,
      restartPing: false,
      thresholds: true,
      retention: false,
      exporters: false,
    });
  });

  it('the poll interval: the sessions on the global interval reconnect', () => {
    expect(settingsEffects(DEFAULT_SETTINGS, { ...DEFAULT_SETTINGS, intervalSeconds: 10 })).toEqual({
      reconnectGlobalInterval: true,
      restartPing: false,
      thresholds: false,
      retention: false,
      exporters: false,
    });
  });

  it('ping checks: every session restarts (they are arguments of the remote loop)', () => {
    const next = { ...DEFAULT_SETTINGS, ping: { intervalSeconds: 30, parallel: 10 } };
    expect(settingsEffects(DEFAULT_SETTINGS, next).restartPing).toBe(true);
  });

  it('the same settings saved again: nothing', () => {
    expect(settingsEffects(DEFAULT_SETTINGS, structuredClone(DEFAULT_SETTINGS))).toEqual({
      reconnectGlobalInterval: false,
      restartPing: false,
      thresholds: false,
      retention: false,
      exporters: false,
    });
  });
});

describe('exporter settings', () => {
  it('a new metrics address or VictoriaMetrics URL restarts only the exporters', () => {
    const next = {
      ...DEFAULT_SETTINGS,
      metrics: { listen: '127.0.0.1:9586', names: 'mdlayher' as const },
    };
    expect(settingsEffects(DEFAULT_SETTINGS, next)).toEqual({
      reconnectGlobalInterval: false,
      restartPing: false,
      thresholds: false,
      retention: false,
      exporters: true,
    });
  });
});
