/**
 * A raw frame (see frame-decoder.ts) into a Snapshot: each section of the registry (sections/) through
 * its parser, then their values, which are snapshot fields, put together.
 *
 * Critical sections drop the frame: `time` (every rate and age depends on it) and `wg` (a partial
 * peer list would look like peers vanishing). The rest is best-effort and only adds warnings: a
 * snapshot without disk usage is still worth showing.
 */

import type { Snapshot } from '../../../shared/domain.ts';
import type { RawFrame } from './frame-decoder.ts';
import type { Sections } from './sections/index.ts';
import { SECTIONS } from './sections/index.ts';
import { readSections } from './sections/read-sections.ts';
import type { SectionValues } from './sections/section.ts';
import { SYSTEM_FIELDS } from './sections/snapshot-fields.ts';
import { timeSection } from './sections/time.ts';

export type FrameResult = { ok: true; snapshot: Snapshot; warnings: string[] } | { ok: false; error: string };

export function parseFrame(frame: RawFrame): FrameResult {
  const result = readSections(frame, SECTIONS);
  if (!result.ok) return { ok: false, error: `frame ${frame.seq}: ${result.error}` };
  return {
    ok: true,
    snapshot: toSnapshot(frame.seq, result.values),
    warnings: result.warnings.map((warning) => `frame ${frame.seq}: ${warning}`),
  };
}

/**
 * The server's monotonic clock (`/proc/uptime`) of a frame, read before the rest of it is parsed
 * (the frame pacer decides on it); null when the `time` section is unusable (parseFrame says why).
 */
export function frameMonotonic(frame: RawFrame): number | null {
  const section = frame.sections[timeSection.name];
  const time = section === undefined ? null : timeSection.parse(section);
  return time?.ok === true ? time.value.monotonic : null;
}

/** The sections' fields into a Snapshot: the system sample's into `system`, the others beside it. */
function toSnapshot(seq: number, values: SectionValues<Sections>): Snapshot {
  const snapshot: Record<string, unknown> = { seq };
  const system: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    for (const [field, value] of Object.entries(values[section.name])) {
      (Object.hasOwn(SYSTEM_FIELDS, field) ? system : snapshot)[field] = value;
    }
  }
  snapshot['system'] = system;
  // Complete: sections/index.ts checks at compile time that the sections fill every field.
  return snapshot as unknown as Snapshot;
}
