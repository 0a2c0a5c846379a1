import type { Settings } from '../../../shared/settings.ts';

/**
 * What a settings change touches, so the engine restarts only that: a new poll interval reconnects the
 * sessions that use the global one (the remote loop's sleep is fixed when it starts); thresholds and
 * retention apply in place, without touching any connection.
 */
export interface SettingsEffects {
  reconnectGlobalInterval: boolean;
  /** Ping checks are arguments of the remote loop too: every session restarts. */
  restartPing: boolean;
  thresholds: boolean;
  retention: boolean;
  /** The Prometheus endpoint or VictoriaMetrics changed: the exporters restart, sessions do not. */
  exporters: boolean;
}

export function settingsEffects(before: Settings, next: Settings): SettingsEffects {
  return {
    reconnectGlobalInterval: before.intervalSeconds !== next.intervalSeconds,
    restartPing: JSON.stringify(before.ping) !== JSON.stringify(next.ping),
    thresholds: JSON.stringify(before.thresholds) !== JSON.stringify(next.thresholds),
    retention: JSON.stringify(before.retention) !== JSON.stringify(next.retention),
    exporters:
      JSON.stringify([before.metrics, before.victoriaMetrics]) !==
      JSON.stringify([next.metrics, next.victoriaMetrics]),
  };
}
