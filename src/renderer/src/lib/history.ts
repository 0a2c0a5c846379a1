/**
 * The renderer's door to the history store (`history:*` methods): a small queue so that charts and
 * the sparklines of a scrolled table never flood the transport (browser mode refuses more than 32
 * calls in flight per socket), charts before sparklines, and a hook that loads, refreshes and keeps
 * the last good answer on screen while the next one loads.
 */
import { useEffect, useReducer, useRef, useState } from 'react';
import type { ApiMethods } from '../../../shared/api.ts';
import type { ErrorCode } from '../../../shared/error-codes.ts';
import { call } from '../store/store.ts';
import { resolveRange, type ChartRange, type HistoryRange } from './charts.ts';
import { toApiError, type ApiError } from './errors.ts';

export type HistoryMethod =
  | 'history:peer'
  | 'history:interface'
  | 'history:server'
  | 'history:fleet'
  | 'history:usage'
  | 'history:events'
  /** The event log is kept with history: its marks on the charts queue with them. */
  | 'events:list';

export type HistoryArg<M extends HistoryMethod> = Parameters<ApiMethods[M]>[0];
export type HistoryResult<M extends HistoryMethod> = ReturnType<ApiMethods[M]>;

/** Charts first; sparklines wait. */
export const PRIORITY_CHART = 0;
export const PRIORITY_SPARK = 1;

const MAX_IN_FLIGHT = 6;

interface Job {
  priority: number;
  start: () => void;
  signal: AbortSignal | undefined;
}

let inFlight = 0;
const queue: Job[] = [];

function pump(): void {
  while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
    let best = 0;
    for (let i = 1; i < queue.length; i++) if (queue[i]!.priority < queue[best]!.priority) best = i;
    const [job] = queue.splice(best, 1);
    if (job!.signal?.aborted) continue;
    job!.start();
  }
}

export function abortError(): Error {
  return Object.assign(new Error('Cancelled.'), { code: 'ABORTED' satisfies ErrorCode });
}

/** One `history:*` call through the queue. An aborted call that has not started yet never starts. */
export function queryHistory<M extends HistoryMethod>(
  method: M,
  arg: HistoryArg<M>,
  priority = PRIORITY_CHART,
  signal?: AbortSignal,
): Promise<HistoryResult<M>> {
  return new Promise<HistoryResult<M>>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const invoke = call as (m: M, a: HistoryArg<M>) => Promise<HistoryResult<M>>;
    const job: Job = {
      priority,
      signal,
      start: () => {
        inFlight += 1;
        invoke(method, arg)
          .then(resolve, reject)
          .finally(() => {
            inFlight -= 1;
            pump();
          });
      },
    };
    signal?.addEventListener(
      'abort',
      () => {
        const at = queue.indexOf(job);
        if (at >= 0) {
          queue.splice(at, 1);
          reject(abortError());
        }
      },
      { once: true },
    );
    queue.push(job);
    pump();
  });
}

export function isUnavailable(error: ApiError | null): boolean {
  return error?.code === 'HISTORY_UNAVAILABLE';
}

export interface QueryState<T> {
  /** The last good answer for the current identity (kept while a refresh or a new range loads). */
  value: T | null;
  loading: boolean;
  error: ApiError | null;
  reload: () => void;
}

/**
 * Runs `run` whenever `key` changes, every `refreshMs` while the window is visible (0 = never), and on
 * `reload()`. `identity` is the part of the key that names *what* is shown (a peer, a server): when it
 * changes the old answer is dropped at once; when only the range or width changes it stays until the
 * new one arrives, so charts do not flash.
 */
export function useQuery<T>(
  run: (signal: AbortSignal) => Promise<T>,
  key: string | null,
  identity: string,
  refreshMs: number,
): QueryState<T> {
  const [state, setState] = useState<{ value: T | null; identity: string; error: ApiError | null }>({
    value: null,
    identity,
    error: null,
  });
  const [loading, setLoading] = useState(false);
  const [tick, bump] = useReducer((n: number) => n + 1, 0);
  const runRef = useRef(run);
  runRef.current = run;

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    setLoading(true);
    runRef.current(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setState({ value, identity, error: null });
        setLoading(false);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const apiError = toApiError(error);
        setState((s) => ({ value: s.identity === identity ? s.value : null, identity, error: apiError }));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [key, identity, tick]);

  useEffect(() => {
    if (refreshMs <= 0 || key === null) return;
    let timer: ReturnType<typeof setInterval> | null = null;
    const arm = () => {
      if (timer !== null) clearInterval(timer);
      timer = document.hidden ? null : setInterval(bump, refreshMs);
    };
    const onVisibility = () => {
      if (!document.hidden) bump(); // catch up at once when shown again
      arm();
    };
    arm();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      if (timer !== null) clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [refreshMs, key]);

  const current = state.identity === identity;
  return {
    value: current ? state.value : null,
    loading: loading || !current,
    error: current ? state.error : null,
    reload: bump,
  };
}

/** Width steps a chart refetches at (resizing by a few pixels does not reload it). */
const WIDTH_STEP = 16;

export interface Loaded<T> {
  data: T;
  range: HistoryRange;
}

/**
 * A series over a chart range: resolved against the clock at each load (a preset slides with time),
 * with the plot's pixel width as the point budget. Nothing loads while the range is null.
 */
export function useSeries<T>(
  fetch: (range: HistoryRange, signal: AbortSignal) => Promise<T>,
  identity: string,
  range: ChartRange | null,
  plotWidth: number | null,
  refreshMs: number,
): QueryState<Loaded<T>> {
  const points = plotWidth === null ? null : Math.max(2, Math.floor(plotWidth / WIDTH_STEP) * WIDTH_STEP);
  const rangeKey =
    range === null ? null : range.preset === 'custom' ? `custom:${range.from}:${range.to}` : range.preset;
  const key = points === null || rangeKey === null ? null : `${identity}|${rangeKey}|${points}`;
  return useQuery(
    async (signal) => {
      const resolved = resolveRange(range!, Date.now(), points ?? 2);
      return { data: await fetch(resolved, signal), range: resolved };
    },
    key,
    identity,
    refreshMs,
  );
}
