import { useId, useRef, useState, type CSSProperties, type KeyboardEvent } from 'react';
import { formatDateTime } from '../../../../shared/time-format.ts';
import { markColor, type ChartEvent, type EventMark } from '../../lib/event-marks.ts';
import type { ChartColors } from '../../lib/theme.ts';

/** Events listed in one mark's label; the rest are counted. */
const LISTED = 6;
/** Half the label's width: nearer the plot's edge than this, it is anchored to that edge. */
const TIP_HALF = 130;

function sayEvent(e: ChartEvent): string {
  return [e.title, formatDateTime(e.t), e.name, e.detail].filter((part) => part !== '').join(', ');
}

/** "Server unreachable, Mar 3, 14:05:12, s1; Server back, …": what a mark says to a screen reader. */
function sayMark(mark: EventMark): string {
  const listed = mark.events.slice(0, LISTED).map(sayEvent);
  const more = mark.events.length - listed.length;
  return listed.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

function MarkLabel({ id, mark, plotWidth }: { id: string; mark: EventMark; plotWidth: number }) {
  const listed = mark.events.slice(0, LISTED);
  const more = mark.events.length - listed.length;
  const anchor = mark.x < TIP_HALF ? 'start' : mark.x > plotWidth - TIP_HALF ? 'end' : 'middle';
  return (
    <div
      id={id}
      role="tooltip"
      className="chart-tooltip event-mark-label"
      data-anchor={anchor}
      data-testid="event-mark-label"
      style={{ left: mark.x }}
    >
      <ul>
        {listed.map((e, i) => (
          <li key={i} data-kind={e.kind}>
            <div>
              <span className="event-mark-title">{e.title}</span>{' '}
              <span className="num muted">{formatDateTime(e.t)}</span>
            </div>
            <div className="muted small">
              {e.name}
              {e.detail !== '' && ` · ${e.detail}`}
            </div>
          </li>
        ))}
      </ul>
      {more > 0 && <div className="muted small">and {more} more</div>}
    </div>
  );
}

/**
 * The marks on a chart's time axis: one small button per mark (one tab stop for all of them, arrow
 * keys move between them), its events named on hover or focus. Drawn over the chart, outside the
 * zoom layer, so pointing at a mark never starts a drag.
 */
export function EventMarks({
  marks,
  hidden,
  left,
  top,
  plotWidth,
  colors,
}: {
  marks: readonly EventMark[];
  /** Events left out by the cap. */
  hidden: number;
  /** The plot's left edge and the axis line, in the chart's pixels. */
  left: number;
  top: number;
  plotWidth: number;
  colors: ChartColors;
}) {
  // The pointed-at mark speaks over the focused one (a mouse user looks where they point).
  const [hovered, setHovered] = useState<number | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const [current, setCurrent] = useState(0);
  const shown = hovered ?? focused;
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  const labelId = useId();
  const active = shown === null ? undefined : marks[shown];
  const tabStop = Math.min(current, marks.length - 1);

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (e.key === 'Escape') {
      setHovered(null);
      setFocused(null);
    }
    if (step === 0) return;
    e.preventDefault();
    const next = Math.max(0, Math.min(marks.length - 1, i + step));
    setCurrent(next);
    buttons.current[next]?.focus();
  };

  return (
    <div
      className="event-marks"
      role="group"
      aria-label={`Events on this chart: ${marks.reduce((n, m) => n + m.events.length, 0)}${hidden > 0 ? `, and ${hidden} not marked` : ''}`}
      data-testid="event-marks"
      data-hidden={hidden || undefined}
      style={{ left, top, width: plotWidth }}
    >
      {marks.map((mark, i) => (
        <button
          key={`${mark.t}-${i}`}
          ref={(el) => {
            buttons.current[i] = el;
          }}
          type="button"
          className="event-mark"
          data-kind={mark.kind}
          data-count={mark.events.length}
          data-t={mark.t}
          data-testid="event-mark"
          tabIndex={i === tabStop ? 0 : -1}
          aria-label={sayMark(mark)}
          aria-describedby={shown === i ? labelId : undefined}
          style={{ left: mark.x, '--mark-color': markColor(mark.kind, colors) } as CSSProperties}
          onPointerEnter={() => setHovered(i)}
          onPointerLeave={() => setHovered((h) => (h === i ? null : h))}
          onFocus={() => {
            setCurrent(i);
            setFocused(i);
          }}
          onBlur={() => setFocused((f) => (f === i ? null : f))}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {mark.events.length > 1 && <span className="event-mark-count">{mark.events.length}</span>}
        </button>
      ))}
      {active && <MarkLabel id={labelId} mark={active} plotWidth={plotWidth} />}
    </div>
  );
}
