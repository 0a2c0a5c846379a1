import type { MetricNameProfile } from '../../../shared/exporter-settings.ts';
import type { FleetSeries, Series } from './fleet-series.ts';
import { labelsIn, nameIn, type MetricFamily } from './metric-families.ts';

const NEEDS_ESCAPE = /[\\"\n]/;

/** A label value in the text format: backslash, double quote and line feed escaped, nothing else. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/**
 * `name{label="value",…}` of one series; an empty value is an absent label, so it is left out. Built
 * with join(), which makes a flat string: a prefix built with += is a rope, and a rope kept and reused
 * every poll is walked again by every flatten of the text it goes into (measured: 3.5× the writing).
 */
export function seriesPrefix(name: string, labelNames: readonly string[], values: readonly string[]): string {
  const pairs: string[] = [];
  for (let i = 0; i < labelNames.length; i++) {
    const value = values[i];
    if (value !== undefined && value !== '') pairs.push(`${labelNames[i]}="${escapeLabelValue(value)}"`);
  }
  return pairs.length === 0 ? name : [name, '{', pairs.join(','), '}'].join('');
}

/**
 * Writes the Prometheus text format (0.0.4) of the fleet's series: for `/metrics` (with HELP, no
 * timestamps) and for VictoriaMetrics' `/api/v1/import/prometheus` (a timestamp on every sample).
 *
 * A series' labels hardly ever change between polls (a key, a name, an endpoint), and many values
 * do not either (idle peers, handshake times, info and up series), so each series' printed labels
 * and line are kept from one poll to the next and only what changed is printed anew: at 10,000
 * peers that is most of the work (`npm run bench -- exporters`). The cache forgets series not seen
 * in the last poll, so it stays the size of the fleet.
 */
export class ExpositionWriter {
  readonly #profile: MetricNameProfile;
  #prefixes = new Map<MetricFamily, PrefixCache>();

  constructor(profile: MetricNameProfile) {
    this.#profile = profile;
  }

  get profile(): MetricNameProfile {
    return this.#profile;
  }

  /**
   * The text of `series`. With `timestampMs`, each sample gets that time (ms; the push stamps each
   * server's samples with its own clock); without, none (a scrape is stamped by Prometheus).
   */
  write(
    series: FleetSeries,
    options: { help?: boolean; timestampMs?: (s: Series) => number | null } = {},
  ): string {
    const next = new Map<MetricFamily, PrefixCache>();
    // Appending to one string (V8 keeps a rope, flattened once when it is sent) measured about twice
    // as fast as an array joined at the end.
    let text = '';
    for (const [family, list] of series) {
      const name = nameIn(family, this.#profile);
      const labelNames = labelsIn(family, this.#profile);
      const before = this.#prefixes.get(family);
      const kept = new PrefixCache();
      next.set(family, kept);
      if (options.help) text += `# HELP ${name} ${family.help}\n`;
      text += `# TYPE ${name} ${family.type}\n`;
      for (const s of list) {
        const last = before?.get(s.labels);
        let entry: Entry;
        if (last && last.value === s.value) entry = last;
        else {
          const prefix = last?.prefix ?? seriesPrefix(name, labelNames, s.labels);
          entry = {
            labels: s.labels,
            prefix,
            value: s.value,
            line: [prefix, formatValue(s.value)].join(' '),
          };
        }
        kept.set(s.labels, entry);
        const stamp = options.timestampMs?.(s);
        text += entry.line;
        text += stamp === undefined || stamp === null ? '\n' : ` ${Math.round(stamp)}\n`;
      }
    }
    this.#prefixes = next;
    return text;
  }
}

/**
 * Printed prefixes by label values: found through the first three labels (server, interface, key —
 * what tells series apart), then checked against the rest (a name or endpoint that changed prints
 * anew). No key string is built per series: that cost as much as printing it.
 */
class PrefixCache {
  readonly #root = new Map<string, Map<string, Map<string, Entry>>>();

  get(labels: readonly string[]): Entry | undefined {
    const entry = this.#root
      .get(labels[0] ?? '')
      ?.get(labels[1] ?? '')
      ?.get(labels[2] ?? '');
    if (!entry || entry.labels.length !== labels.length) return undefined;
    for (let i = 3; i < labels.length; i++) if (entry.labels[i] !== labels[i]) return undefined;
    return entry;
  }

  set(labels: readonly string[], entry: Entry): void {
    const a = labels[0] ?? '';
    const b = labels[1] ?? '';
    let level1 = this.#root.get(a);
    if (!level1) this.#root.set(a, (level1 = new Map<string, Map<string, Entry>>()));
    let level2 = level1.get(b);
    if (!level2) level1.set(b, (level2 = new Map<string, Entry>()));
    level2.set(labels[2] ?? '', entry);
  }
}

/** A series as last printed: its labels, their text, and its whole line while the value holds. */
interface Entry {
  labels: readonly string[];
  prefix: string;
  value: number;
  /** `prefix value`, flat (join), reused as is while the value does not change (idle peers, info). */
  line: string;
}

/** Integers as integers (byte counters up to 2^53 print exactly), others as JavaScript prints them. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
