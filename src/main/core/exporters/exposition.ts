import type { MetricNameProfile } from '../../../shared/exporter-settings.ts';
import type { FleetSeries, Series } from './fleet-series.ts';
import { labelsIn, nameIn, type MetricFamily } from './metric-families.ts';

const NEEDS_ESCAPE = /[\\"\n]/;

/** A label value in the text format: backslash, double quote and line feed escaped, nothing else. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** `name{label="value",…}` of one series; an empty value is an absent label, so it is left out. */
export function seriesPrefix(name: string, labelNames: readonly string[], values: readonly string[]): string {
  let text = name;
  let first = true;
  for (let i = 0; i < labelNames.length; i++) {
    const value = values[i];
    if (value === undefined || value === '') continue;
    text += `${first ? '{' : ','}${labelNames[i]}="${escapeLabelValue(value)}"`;
    first = false;
  }
  return first ? text : `${text}}`;
}

/**
 * Writes the Prometheus text format (0.0.4) of the fleet's series: for `/metrics` (with HELP, no
 * timestamps) and for VictoriaMetrics' `/api/v1/import/prometheus` (a timestamp on every sample).
 *
 * A series' labels hardly ever change between polls (a key, a name, an endpoint), so the
 * `name{labels}` part of each is kept from one poll to the next and only the value is written anew:
 * at 10,000 peers that is most of the work (see `npm run bench -- exporters`). The cache forgets
 * series not seen in the last poll, so it stays the size of the fleet.
 */
export class ExpositionWriter {
  readonly #profile: MetricNameProfile;
  #prefixes = new Map<MetricFamily, Map<string, string>>();

  constructor(profile: MetricNameProfile) {
    this.#profile = profile;
  }

  get profile(): MetricNameProfile {
    return this.#profile;
  }

  /**
   * The text of `series`. `timestampMs` per family's series comes from `stampOf` (a server's own
   * clock for the push); without it, no timestamps (a scrape is stamped by Prometheus).
   */
  write(
    series: FleetSeries,
    options: { help?: boolean; timestampMs?: (s: Series) => number | null } = {},
  ): string {
    const next = new Map<MetricFamily, Map<string, string>>();
    // Appending to one string (V8 keeps it as a rope, flattened once when it is sent) measured
    // twice as fast as an array joined at the end.
    let text = '';
    for (const [family, list] of series) {
      const name = nameIn(family, this.#profile);
      const labelNames = labelsIn(family, this.#profile);
      const before = this.#prefixes.get(family);
      const kept = new Map<string, string>();
      next.set(family, kept);
      if (options.help) text += `# HELP ${name} ${family.help}\n`;
      text += `# TYPE ${name} ${family.type}\n`;
      for (const s of list) {
        const key = s.labels.join('\u001f');
        let prefix = before?.get(key);
        if (prefix === undefined) {
          prefix = seriesPrefix(name, labelNames, s.labels);
        }
        kept.set(key, prefix);
        const stamp = options.timestampMs?.(s);
        text +=
          stamp === undefined || stamp === null
            ? `${prefix} ${formatValue(s.value)}\n`
            : `${prefix} ${formatValue(s.value)} ${Math.round(stamp)}\n`;
      }
    }
    this.#prefixes = next;
    return text;
  }
}

/** Integers as integers (byte counters up to 2^53 print exactly), others as JavaScript prints them. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
