/**
 * The snapshot as sections fill it: every field of a Snapshot but the frame's `seq`, with the system
 * sample's fields beside the others (the `stat` section fills the CPU ones, `time` the uptime). A
 * section that feeds the snapshot has a value that is a `Fills<...>` of the fields it fills, so the
 * compiler checks each against the snapshot's own type; `index.ts` checks that every field is filled.
 */

import type { Snapshot, SystemSample } from '../../../../shared/domain.ts';

export type SnapshotFields = Omit<Snapshot, 'seq' | 'system'> & SystemSample;

/** The value of a section that fills these snapshot fields. */
export type Fills<Field extends keyof SnapshotFields> = Pick<SnapshotFields, Field>;

/** Which fields go into `system` (a field added to SystemSample must be listed: the type says so). */
export const SYSTEM_FIELDS: Readonly<Record<keyof SystemSample, true>> = {
  cpuTotalJiffies: true,
  cpuIdleJiffies: true,
  cpuCount: true,
  memTotalBytes: true,
  memAvailableBytes: true,
  diskTotalBytes: true,
  diskUsedBytes: true,
  load1: true,
  load5: true,
  load15: true,
  uptimeSeconds: true,
};
