import type { RawFrame } from '../frame-decoder.ts';
import type { AnySection, SectionValues } from './section.ts';

export type SectionsResult<Values> =
  { ok: true; values: Values; warnings: string[] } | { ok: false; error: string };

/**
 * Each declared section of a raw frame through its parser, in the list's order. A section that is
 * missing or unusable either drops the frame (the first such reason is the error) or gives way to
 * its stand-in value with the reason as a warning; the other sections are read all the same.
 * Sections the list does not declare are not read (the decoder kept none anyway).
 */
export function readSections<const Sections extends readonly AnySection[]>(
  frame: RawFrame,
  sections: Sections,
): SectionsResult<SectionValues<Sections>> {
  const values: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const section of sections) {
    // Own properties only: a section named like an Object.prototype member is missing when absent.
    const raw = Object.hasOwn(frame.sections, section.name) ? frame.sections[section.name] : undefined;
    const outcome =
      raw === undefined
        ? { ok: false as const, error: `${section.name}: section missing` }
        : section.parse(raw);
    if (outcome.ok) {
      values[section.name] = outcome.value;
      warnings.push(...outcome.warnings);
    } else if (section.otherwise === 'drop-frame') {
      return { ok: false, error: outcome.error };
    } else {
      values[section.name] = section.otherwise.value;
      warnings.push(outcome.error);
    }
  }
  // Every name of the list got its section's value above: the mapped type says no more than that.
  return { ok: true, values: values as SectionValues<Sections>, warnings };
}
