import type { GapRange, SeriesSource, SourceSpan } from '../../../shared/history.ts';
import { normalizeGaps } from './reader.ts';

/**
 * The merge rule of local history and VictoriaMetrics, per bucket of the store's grid and whole
 * buckets only (a bucket's series all come from one source, so RX and TX never mix sources):
 * - a bucket where any local series has a value is local, whatever VM has (local wins);
 * - a bucket where no local series has a value takes VM's values, when VM has any (VM fills);
 * - otherwise it stays empty.
 * Filled buckets are no longer gaps; the spans say which buckets came from where.
 */

type Column = readonly (number | null | undefined)[];

const has = (columns: readonly Column[], i: number) =>
  columns.some((c) => c[i] !== null && c[i] !== undefined);

/** Per bucket: true where VM's values replace the local (empty) ones. */
export function bucketsToFill(n: number, local: readonly Column[], remote: readonly Column[]): boolean[] {
  const fill = new Array<boolean>(n);
  for (let i = 0; i < n; i++) fill[i] = !has(local, i) && has(remote, i);
  return fill;
}

/** Whether every bucket already has local data (then VM cannot add anything: not asked). */
export function locallyComplete(n: number, local: readonly Column[]): boolean {
  for (let i = 0; i < n; i++) if (!has(local, i)) return false;
  return true;
}

/** One column of the merged result: VM's value where filled, the local one elsewhere. */
export function pick<T>(
  local: readonly T[],
  remote: readonly T[] | undefined,
  fill: readonly boolean[],
): T[] {
  return local.map((v, i) => (fill[i] ? (remote?.[i] ?? v) : v));
}

/** Consecutive buckets with data from one source, clipped to [from, to); empty buckets end a span. */
export function sourceSpans(
  frame: { t: readonly number[]; step: number },
  local: readonly Column[],
  fill: readonly boolean[] | null,
  from: number,
  to: number,
): SourceSpan[] {
  const spans: SourceSpan[] = [];
  let open: SourceSpan | null = null;
  frame.t.forEach((start, i) => {
    const source: SeriesSource | null = fill?.[i] ? 'victoria-metrics' : has(local, i) ? 'local' : null;
    const a = Math.max(from, start);
    const b = Math.min(to, start + frame.step);
    if (source !== null && open?.source === source && open.to === a) open.to = b;
    else if (source !== null && b > a) spans.push((open = { from: a, to: b, source }));
    else open = null;
  });
  return spans;
}

/** The local gaps without the buckets VM filled (they have data now; a line may run through). */
export function gapsAfterFill(
  gaps: readonly GapRange[],
  spans: readonly SourceSpan[],
  from: number,
  to: number,
): GapRange[] {
  const filled = spans.filter((s) => s.source === 'victoria-metrics');
  if (filled.length === 0) return gaps.map(([a, b]) => [a, b]);
  const out: GapRange[] = [];
  for (const [a, b] of gaps) {
    let cursor = a;
    for (const s of filled) {
      if (s.to <= cursor || s.from >= b) continue;
      if (s.from > cursor) out.push([cursor, s.from]);
      cursor = Math.max(cursor, s.to);
    }
    if (cursor < b) out.push([cursor, b]);
  }
  return normalizeGaps(out, from, to);
}
