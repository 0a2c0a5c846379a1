import type { VictoriaMetricsSettings } from '../../../shared/exporter-settings.ts';

/**
 * Reads a chart's range back from VictoriaMetrics (`/api/v1/query_range`), on the store's bucket grid,
 * so a span the laptop did not record (it was closed, asleep) can be filled from what `wgdeck collect`
 * or another WG Deck pushed. Only the HTTP side lives here: what to ask is vm-queries.ts, how to merge
 * is source-merge.ts.
 */

/** A chart read must never hold a chart for long: local data is shown without VM after this. */
export const VM_READ_TIMEOUT_MS = 5_000;
/** A range answer holds at most a few series of ≤ 4,000 points: anything far larger is not ours. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Where to read and how to authenticate (the secret from the keychain; undefined: none kept). */
export interface VmReadTarget {
  url: string;
  auth: VictoriaMetricsSettings['auth'];
  username: string | null;
  secret: string | undefined;
}

/** The store's buckets: bucket i covers [t0 + i·step, t0 + (i+1)·step). */
export interface BucketGrid {
  t0: number;
  step: number;
  n: number;
}

/** Per value of the `rollup` label ('' when a series has none): one value per bucket, null = none. */
export type RangeColumns = Map<string, (number | null)[]>;

/** Why VictoriaMetrics could not be read, in words for the chart (never with the secret). */
export class VmReadError extends Error {
  override name = 'VmReadError';
}

function authHeader(target: VmReadTarget): Record<string, string> {
  if (target.auth === 'basic') {
    const pair = `${target.username ?? ''}:${target.secret ?? ''}`;
    return { authorization: `Basic ${Buffer.from(pair, 'utf8').toString('base64')}` };
  }
  if (target.auth === 'bearer') {
    if (!target.secret) throw new VmReadError('no token is set for VictoriaMetrics (Settings → Export)');
    return { authorization: `Bearer ${target.secret}` };
  }
  return {};
}

interface MatrixAnswer {
  status?: string;
  error?: string;
  data?: { resultType?: string; result?: { metric?: Record<string, string>; values?: unknown[] }[] };
}

function describeFailure(error: unknown): string {
  if (error instanceof VmReadError) return error.message;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer in ${VM_READ_TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
  return cause ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Evaluates `expr` at the END of every bucket (a `[step]` window then covers exactly that bucket),
 * and returns the values on the grid, one column per `rollup` label value.
 */
export async function queryRange(
  target: VmReadTarget,
  expr: string,
  grid: BucketGrid,
  signal?: AbortSignal,
): Promise<RangeColumns> {
  const base = target.url.replace(/\/+$/, '');
  const stepS = grid.step / 1000;
  const body = new URLSearchParams({
    query: expr,
    start: String((grid.t0 + grid.step) / 1000),
    end: String((grid.t0 + grid.n * grid.step) / 1000),
    step: `${stepS}s`,
  });
  let text: string;
  try {
    const timeout = AbortSignal.timeout(VM_READ_TIMEOUT_MS);
    const response = await fetch(`${base}/api/v1/query_range`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...authHeader(target) },
      body,
      // A redirect could carry the credential elsewhere; VictoriaMetrics never needs one.
      redirect: 'error',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    text = await response.text();
    if (text.length > MAX_BODY_BYTES) throw new VmReadError('answer too large');
    if (!response.ok) {
      if (response.status === 401 || response.status === 403)
        throw new VmReadError(`HTTP ${response.status}: check the username and password or token`);
      const detail = /"error"\s*:\s*"([^"]{1,200})/.exec(text)?.[1];
      throw new VmReadError(`HTTP ${response.status}${detail ? `: ${detail}` : ''}`);
    }
  } catch (error) {
    throw new VmReadError(describeFailure(error));
  }
  return toColumns(text, grid);
}

function toColumns(text: string, grid: BucketGrid): RangeColumns {
  let answer: MatrixAnswer;
  try {
    answer = JSON.parse(text) as MatrixAnswer;
  } catch {
    throw new VmReadError('the answer is not JSON: is this VictoriaMetrics?');
  }
  if (answer.status !== 'success' || answer.data?.resultType !== 'matrix')
    throw new VmReadError(answer.error ? answer.error.slice(0, 200) : 'unexpected answer');
  const columns: RangeColumns = new Map();
  for (const series of answer.data.result ?? []) {
    const key = series.metric?.['rollup'] ?? '';
    let column = columns.get(key);
    if (!column) columns.set(key, (column = new Array<number | null>(grid.n).fill(null)));
    for (const point of series.values ?? []) {
      if (!Array.isArray(point) || point.length !== 2) continue;
      const value = Number(point[1]);
      if (!Number.isFinite(value)) continue;
      // The point at a bucket's end belongs to that bucket.
      const i = Math.round((Number(point[0]) * 1000 - grid.step - grid.t0) / grid.step);
      if (i >= 0 && i < grid.n) column[i] = value;
    }
  }
  return columns;
}
