import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricNameProfile, VictoriaMetricsSettings } from '../../../../shared/exporter-settings.ts';
import { tryLock } from '../../store/process-lock.ts';
import type { PollSink } from '../exporter-service.ts';
import { SegmentStore } from './segment-store.ts';
import { VmPusher } from './vm-pusher.ts';

export { VmPusher } from './vm-pusher.ts';
export { SegmentStore } from './segment-store.ts';

export interface VictoriaSinkOptions {
  /** The data directory: the outage buffer is `vm-buffer/` in it (private). */
  dataDir: string;
  names: MetricNameProfile;
  nameOf?: (server: string, iface: string, publicKey: string) => string | null;
  log?: (message: string) => void;
  /** The outage buffer's bound (default 2 GiB). */
  capBytes?: number;
}

/**
 * The VictoriaMetrics push for the settings, or null when it is off. One process per data directory
 * pushes (a lock in the buffer): a second app or `wgdeck serve` on the same servers would send every
 * sample twice, so it pushes nothing and says why.
 */
export function victoriaMetricsSink(
  settings: VictoriaMetricsSettings,
  secret: () => Promise<string | undefined>,
  options: VictoriaSinkOptions,
): PollSink | null {
  if (settings.url === null || !settings.push) return null;
  const dir = join(options.dataDir, 'vm-buffer');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const credentials = { auth: settings.auth, username: settings.username, secret };
  const common = {
    url: settings.url,
    credentials,
    names: options.names,
    nameOf: options.nameOf,
    log: options.log,
  };
  const lock = tryLock(join(dir, 'lock'));
  if ('heldBy' in lock) {
    return new VmPusher({
      ...common,
      store: null,
      storeUnavailable: `another WG Deck process (pid ${lock.heldBy}) pushes from this data directory; this one does not`,
    });
  }
  try {
    const store = new SegmentStore(dir, { capBytes: options.capBytes, log: options.log });
    return new VmPusher({ ...common, store, onClosed: lock.release });
  } catch (error) {
    lock.release();
    throw error;
  }
}
