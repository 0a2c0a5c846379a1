/**
 * Where a chart's points came from (`sources` of a history answer, see shared/history.ts): which
 * spans VictoriaMetrics filled, the source of a hovered bucket, and the note under the chart. Pure,
 * unit-tested in sources.test.ts.
 */
import type { SeriesSource, SourceSpan } from '../../../shared/history.ts';

/** What a history answer says about its sources (every series type has these). */
export interface Provenance {
  sources?: readonly SourceSpan[];
  victoriaMetrics?: { error: string | null };
}

export const SOURCE_LABEL: Record<SeriesSource, string> = {
  local: 'Recorded on this laptop',
  'victoria-metrics': 'From VictoriaMetrics',
};

/** The spans VictoriaMetrics filled (drawn as a tint and a strip on the time axis). */
export function remoteSpans(sources: readonly SourceSpan[] | undefined): SourceSpan[] {
  return (sources ?? []).filter((s) => s.source === 'victoria-metrics');
}

/** The source of the bucket starting at `t` (spans are sorted; null: a bucket without data). */
export function sourceAt(sources: readonly SourceSpan[] | undefined, t: number): SeriesSource | null {
  if (!sources) return null;
  let lo = 0;
  let hi = sources.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = sources[mid]!;
    if (t < s.from) hi = mid - 1;
    else if (t >= s.to) lo = mid + 1;
    else return s.source;
  }
  return null;
}

/** The line under a chart: what VM filled, or why it could not be read; null when nothing to say. */
export function sourceNote(p: Provenance): { kind: 'filled' | 'error'; text: string } | null {
  if (!p.victoriaMetrics) return null;
  if (p.victoriaMetrics.error !== null)
    return {
      kind: 'error',
      text: `VictoriaMetrics could not be read (${p.victoriaMetrics.error}): showing this laptop’s data only.`,
    };
  const filled = remoteSpans(p.sources).length;
  if (filled === 0) return null;
  return {
    kind: 'filled',
    text: `Tinted: from VictoriaMetrics, where this laptop recorded nothing (${filled} ${filled === 1 ? 'span' : 'spans'}).`,
  };
}

/** What a TimeChart marks: the spans, only when VictoriaMetrics reads are on (else all is local). */
export function chartSources(p: Provenance): readonly SourceSpan[] | undefined {
  return p.victoriaMetrics ? p.sources : undefined;
}
