/**
 * The collector's sections, in the order the script prints them and the parser reads them. A new
 * section is a file beside these and a line here: the script, the decoder and the frame parser follow.
 */

import { dfSection } from './df.ts';
import { loadavgSection } from './loadavg.ts';
import { meminfoSection } from './meminfo.ts';
import { netdevSection } from './netdev.ts';
import { pingSection } from './ping.ts';
import type { Section, SectionValue } from './section.ts';
import type { SnapshotFields } from './snapshot-fields.ts';
import { statSection } from './stat.ts';
import { timeSection } from './time.ts';
import { wgSection } from './wg.ts';

/** A section whose value is some snapshot fields, each of the snapshot's type for it. */
type SnapshotSection = Section<string, Partial<SnapshotFields>>;

export const SECTIONS = [
  timeSection,
  wgSection,
  netdevSection,
  statSection,
  meminfoSection,
  loadavgSection,
  dfSection,
  pingSection,
] as const satisfies readonly SnapshotSection[];

export type Sections = typeof SECTIONS;
export type SectionName = Sections[number]['name'];
export const SECTION_NAMES: readonly SectionName[] = SECTIONS.map((section) => section.name);

/** The snapshot fields the sections fill (one union member per section). */
type Filled = KeysOf<SectionValue<Sections[number]>>;
type KeysOf<Value> = Value extends unknown ? keyof Value : never;
/**
 * Compile-time checks: a snapshot field that no section fills, or a section value with a field the
 * snapshot does not have, fails here by name.
 */
export type _EveryFieldFilled = Assert<Exclude<keyof SnapshotFields, Filled>>;
export type _NoStrayField = Assert<Exclude<Filled, keyof SnapshotFields>>;
type Assert<Unexpected extends never> = Unexpected;
