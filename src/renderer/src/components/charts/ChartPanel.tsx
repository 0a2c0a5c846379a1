import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { formatDuration } from '../../../../shared/format.ts';
import { formatWindow } from '../../../../shared/time-format.ts';
import type { Tier } from '../../../../shared/history.ts';
import {
  customRangeError,
  fromDatetimeLocal,
  presetMs,
  RANGE_PRESETS,
  toDatetimeLocal,
  type ChartRange,
  type HistoryRange,
} from '../../lib/charts.ts';
import type { TimeWindow } from '../../lib/time-range.ts';
import type { ApiError } from '../../lib/errors.ts';
import { isUnavailable, type Loaded, type QueryState } from '../../lib/history.ts';
import type { SeriesDef } from './TimeChart.tsx';

/** The element's content width, kept current with a ResizeObserver; null until measured. */
export function useWidth<T extends HTMLElement>(): [(el: T | null) => void, number | null] {
  const [width, setWidth] = useState<number | null>(null);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: T | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    const measure = () => setWidth(Math.floor(el.getBoundingClientRect().width));
    measure();
    observer.current = new ResizeObserver(measure);
    observer.current.observe(el);
  }, []);
  useEffect(() => () => observer.current?.disconnect(), []);
  return [ref, width];
}

/**
 * The page's one range picker: presets, a custom window, and while a drag zoom is on, what it shows
 * and "Reset zoom". `range` is null while the default is being fitted to the recorded history.
 */
export function RangePicker({
  range,
  fitted,
  zoom,
  onChange,
  onResetZoom,
}: {
  range: ChartRange | null;
  fitted: boolean;
  zoom: TimeWindow | null;
  onChange: (r: ChartRange) => void;
  onResetZoom: () => void;
}) {
  const [customOpen, setCustomOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fromId = useId();
  const toId = useId();
  const now = Date.now();
  const shown: ChartRange = zoom ? { preset: 'custom', ...zoom } : (range ?? { preset: '1h' });
  const initialFrom = shown.preset === 'custom' ? shown.from : now - presetMs(shown.preset);
  const initialTo = shown.preset === 'custom' ? shown.to : now;
  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const field = (name: string) => {
      const value = data.get(name);
      return typeof value === 'string' ? value : '';
    };
    const from = fromDatetimeLocal(field('from'));
    const to = fromDatetimeLocal(field('to'));
    const problem = customRangeError(from, to);
    setError(problem);
    if (problem) return;
    onChange({ preset: 'custom', from, to });
    setCustomOpen(false);
  };
  return (
    <div
      className="range-picker"
      data-testid="range-picker"
      data-range={range ? range.preset : undefined}
      data-fitted={fitted || undefined}
      data-zoomed={zoom ? true : undefined}
    >
      <div
        className="range-buttons"
        role="group"
        aria-label="Time range of every chart on this page"
        title={fitted ? 'Chosen to fit the recorded history; pick one to keep it' : undefined}
      >
        {RANGE_PRESETS.map((p) => (
          <button
            key={p.id}
            type="button"
            className="range-button"
            aria-pressed={range?.preset === p.id}
            data-testid={`range-${p.id}`}
            onClick={() => {
              setCustomOpen(false);
              onChange({ preset: p.id });
            }}
          >
            {p.label}
          </button>
        ))}
        <button
          type="button"
          className="range-button"
          aria-pressed={range?.preset === 'custom'}
          aria-expanded={customOpen}
          data-testid="range-custom"
          onClick={() => setCustomOpen((o) => !o)}
        >
          Custom…
        </button>
      </div>
      {zoom && (
        <span className="range-zoom" data-testid="range-zoom">
          <span className="muted small num" data-testid="range-zoom-window">
            Zoomed to {formatWindow(zoom.from, zoom.to)}
          </span>
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={onResetZoom}
            data-testid="range-reset-zoom"
          >
            Reset zoom
          </button>
        </span>
      )}
      {customOpen && (
        <form className="range-custom" onSubmit={apply} data-testid="range-custom-form">
          <label htmlFor={fromId}>From</label>
          <input
            id={fromId}
            name="from"
            type="datetime-local"
            defaultValue={toDatetimeLocal(initialFrom)}
            data-testid="range-from"
            required
          />
          <label htmlFor={toId}>to</label>
          <input
            id={toId}
            name="to"
            type="datetime-local"
            defaultValue={toDatetimeLocal(initialTo)}
            data-testid="range-to"
            required
          />
          <button type="submit" className="button button-quiet" data-testid="range-apply">
            Show
          </button>
          {error && (
            <span className="field-error" role="alert">
              {error}
            </span>
          )}
        </form>
      )}
    </div>
  );
}

const TIER_LABEL: Record<Tier, string> = { raw: 'polls', minute: '1-min rollups', hour: '1-h rollups' };

/** "Mar 12, 2025, 1:05 – 2:05 PM · 10 s buckets from polls · band: lowest–highest": what the chart shows. */
export function rangeCaption(
  range: HistoryRange,
  frame: { step: number; tier: Tier } | null,
  band: boolean,
): string {
  const parts = [formatWindow(range.from, range.to)];
  if (frame) parts.push(`${formatDuration(frame.step / 1000)} buckets from ${TIER_LABEL[frame.tier]}`);
  if (band) parts.push('shaded: lowest–highest poll');
  return parts.join(' · ');
}

export function Legend({ series }: { series: readonly SeriesDef[] }) {
  return (
    <ul className="chart-legend" aria-label="Legend">
      {series.map((s) => (
        <li key={s.key}>
          <span
            className="legend-swatch"
            data-export="swatch"
            data-dashed={s.dashed || undefined}
            style={{ background: s.color }}
          />
          <span data-export="text">{s.label}</span>
        </li>
      ))}
    </ul>
  );
}

export function HistoryUnavailable({ message }: { message: string }) {
  return (
    <div className="chart-note" role="note" data-testid="history-unavailable">
      <InfoIcon />
      <div>
        <div className="chart-note-title">No history in this window</div>
        <div className="muted">{message} Live figures are unaffected.</div>
      </div>
    </div>
  );
}

function InfoIcon() {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
      className="chart-note-icon"
    >
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <path d="M8 7v4.2M8 4.6v.1" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    </svg>
  );
}

/**
 * What a chart area shows before and around its data: a calm note when this process keeps no
 * history, the error and a retry when a load failed, a placeholder while the first answer loads,
 * an overlay when the range holds no data at all — else the chart.
 */
export function ChartBody<T>({
  state,
  empty,
  height,
  children,
}: {
  state: QueryState<Loaded<T>>;
  empty: boolean;
  height: number;
  children: ReactNode;
}) {
  const { value, error, loading } = state;
  if (!value && isUnavailable(error)) return <HistoryUnavailable message={error!.message} />;
  if (!value && error) return <LoadError error={error} onRetry={state.reload} height={height} />;
  if (!value) {
    return (
      <div className="chart-placeholder" style={{ height }} aria-busy="true">
        {loading ? 'Loading history…' : ''}
      </div>
    );
  }
  return (
    <div className="chart-area" aria-busy={loading || undefined}>
      {children}
      {empty && (
        <div className="chart-empty" data-testid="chart-empty">
          No data recorded in this range
        </div>
      )}
      {error && !isUnavailable(error) && (
        <div className="chart-stale muted small" role="status">
          Refresh failed: {error.message}
        </div>
      )}
    </div>
  );
}

function LoadError({ error, onRetry, height }: { error: ApiError; onRetry: () => void; height: number }) {
  return (
    <div className="chart-placeholder chart-error" style={{ minHeight: height }} role="alert">
      <span>Could not load history: {error.message}</span>
      <button type="button" className="button button-quiet" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}

export function ExportButtons({
  disabled,
  onCsv,
  onPng,
  what,
}: {
  disabled: boolean;
  onCsv: () => void;
  onPng: () => Promise<void>;
  what: string;
}) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  return (
    <div className="export-buttons">
      <button
        type="button"
        className="button button-quiet button-small"
        disabled={disabled}
        onClick={onCsv}
        data-testid="export-csv"
        aria-label={`Export ${what} as CSV`}
        title="Download the data as CSV"
      >
        CSV
      </button>
      <button
        type="button"
        className="button button-quiet button-small"
        disabled={disabled || busy}
        onClick={() => {
          setBusy(true);
          setFailed(null);
          onPng()
            .catch((e: unknown) => setFailed(e instanceof Error ? e.message : String(e)))
            .finally(() => setBusy(false));
        }}
        data-testid="export-png"
        aria-label={`Export ${what} as PNG`}
        title="Download the chart as a PNG image"
      >
        PNG
      </button>
      {failed && (
        <span className="field-error" role="alert">
          {failed}
        </span>
      )}
    </div>
  );
}
