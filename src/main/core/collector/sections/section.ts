/**
 * A collector section, declared once: the marker name, the shell that prints it on the server, the
 * parser that reads it back, and what a frame without a usable one means. The remote script
 * (remote-script.ts), the decoder (which sections it keeps) and the frame parser (parse-frame.ts) are
 * all built from the list of sections in `index.ts`, so a new section is one file and one line there.
 */

import type { RawSection } from '../frame-decoder.ts';

/**
 * What a section's shell prints, as pieces the script builder assembles (every frame: `prepare`, the
 * marker line, `body`). The shell is POSIX `sh` with `LC_ALL=C`; the collector's arguments are $1
 * (interval), $2 (`sudo` or `root`) and $3 (frame limit); `n` is the frame's number. Nothing a
 * section prints may start with "@wgdeck " (that would be read as a marker).
 */
export interface RemoteSnippet {
  /** Run once before the first frame; may print `@wgdeck fatal <code> <message>` and exit. */
  readonly setup?: string;
  /** Run every frame before the marker line, e.g. to learn what the marker's arguments say. */
  readonly prepare?: string;
  /** Words after the name on the marker line, inside double quotes (`$rc`, `$(date +%s)` expand). */
  readonly args?: string;
  /** Prints the section's content: whole lines, newline-terminated. */
  readonly body?: string;
  /** The body prints the marker line itself (the `wg` section: its awk knows the marker's words last). */
  readonly ownMarker?: true;
  /**
   * The section is the lines of one file (matching the extended regular expression `lines`, when
   * given), instead of `body`. Side by side in the list, such sections are read by one `awk` per
   * frame rather than a process each (issue 14: server CPU per frame).
   */
  readonly file?: { readonly path: string; readonly lines?: string };
}

/** What a section's parser made of it: its value (with warnings, for partly usable output) or why it is unusable. */
export type SectionOutcome<Value> =
  | { readonly ok: true; readonly value: Value; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

export interface Section<Name extends string, Value> {
  /** The marker: `@wgdeck <name> [args]`. */
  readonly name: Name;
  readonly remote: RemoteSnippet;
  /** Pure: the section as received into its value. Messages start with the section's name. */
  readonly parse: (section: RawSection) => SectionOutcome<Value>;
  /**
   * What a frame without a usable section (missing, or its parser said unusable) means:
   * 'drop-frame' drops the frame whole (and the stream goes on); `{ value }` keeps the frame with
   * this value standing for "not reported" and the reason as a warning.
   */
  readonly otherwise: 'drop-frame' | { readonly value: Value };
}

/** Any section, whatever its value (a section's value type is covariant, so every one fits). */
export type AnySection = Section<string, unknown>;

/** The value a section fills in. */
export type SectionValue<S> = S extends Section<string, infer Value> ? Value : never;

/** What a list of sections yields per frame: each section's value under its name. */
export type SectionValues<Sections extends readonly AnySection[]> = {
  [S in Sections[number] as S['name']]: SectionValue<S>;
};

/**
 * A name a collector may declare: what the decoder tells apart from a corrupt marker line. `frame`,
 * `end` and `fatal` frame the sections and cannot be one.
 */
const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const RESERVED: ReadonlySet<string> = new Set(['frame', 'end', 'fatal']);

export function isSectionName(word: string): boolean {
  return NAME.test(word) && !RESERVED.has(word);
}

export function defineSection<const Name extends string, Value>(
  section: Section<Name, Value>,
): Section<Name, Value> {
  if (!isSectionName(section.name)) throw new Error(`not a section name: ${JSON.stringify(section.name)}`);
  return section;
}

/** Throws on two sections with one name: the decoder would drop every frame. */
export function checkSections(sections: readonly AnySection[]): void {
  const seen = new Set<string>();
  for (const { name } of sections) {
    if (seen.has(name)) throw new Error(`section ${name} is declared twice`);
    seen.add(name);
  }
}

export function parsed<Value>(value: Value, warnings: readonly string[] = []): SectionOutcome<Value> {
  return { ok: true, value, warnings };
}

export function unusable(error: string): SectionOutcome<never> {
  return { ok: false, error };
}

/**
 * Shell text written indented in a TypeScript file: raw (backslashes stay), without the first
 * newline, the last blank line and the common indentation. A `${}` is a TypeScript constant put in
 * verbatim (so the shell's own `${var}` cannot be written here: write `$var`).
 */
export function sh(strings: TemplateStringsArray, ...pieces: string[]): string {
  // Raw, so a backslash is the shell's; a piece (an awk program kept in a constant) goes in verbatim.
  const text = strings.raw.reduce((out, raw, i) => out + raw + (i < pieces.length ? pieces[i] : ''), '');
  const lines = text.split('\n');
  if (lines[0]?.trim() === '') lines.shift();
  if (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indents = lines
    .filter((line) => line.trim() !== '')
    .map((line) => line.length - line.trimStart().length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((line) => line.slice(common)).join('\n');
}
