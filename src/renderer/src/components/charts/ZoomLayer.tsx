import { useEffect, useRef, useState, type PointerEvent, type ReactNode } from 'react';
import { dragWindow, type TimeWindow } from '../../lib/time-range.ts';

/**
 * Drag across a chart's plot to zoom into that time window (Grafana's gesture); double-click to reset.
 * Wraps the chart without touching its events, so the tooltip keeps following the pointer; the
 * selection is drawn over the plot, never catching the pointer itself.
 */
export function ZoomLayer({
  plotLeft,
  plotWidth,
  top,
  height,
  view,
  onZoom,
  onReset,
  children,
}: {
  plotLeft: number;
  plotWidth: number;
  top: number;
  height: number;
  view: TimeWindow;
  onZoom: (window: TimeWindow) => void;
  onReset?: () => void;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null);
  const dragging = drag !== null;
  const latest = useRef({ drag, plotWidth, view, onZoom });
  latest.current = { drag, plotWidth, view, onZoom };

  const plotX = (clientX: number) => clientX - (box.current?.getBoundingClientRect().left ?? 0) - plotLeft;

  useEffect(() => {
    if (!dragging) return;
    // On the window: a drag may leave the chart and still end (clamped to the plot's edge).
    const move = (e: globalThis.PointerEvent) => setDrag((d) => (d ? { x0: d.x0, x1: plotX(e.clientX) } : d));
    const up = (e: globalThis.PointerEvent) => {
      const { drag: d, plotWidth: w, view: v, onZoom: zoom } = latest.current;
      setDrag(null);
      if (!d) return;
      const window = dragWindow(d.x0, plotX(e.clientX), w, v);
      if (window) zoom(window);
    };
    const cancel = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setDrag(null);
    };
    addEventListener('pointermove', move);
    addEventListener('pointerup', up);
    addEventListener('keydown', cancel);
    return () => {
      removeEventListener('pointermove', move);
      removeEventListener('pointerup', up);
      removeEventListener('keydown', cancel);
    };
    // plotX reads the element and props through refs.
  }, [dragging]);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    const x = plotX(e.clientX);
    if (x < 0 || x > plotWidth) return;
    e.preventDefault(); // no text selection while dragging
    setDrag({ x0: x, x1: x });
  };

  const clamp = (x: number) => Math.min(plotWidth, Math.max(0, x));
  const a = drag ? clamp(Math.min(drag.x0, drag.x1)) : 0;
  const b = drag ? clamp(Math.max(drag.x0, drag.x1)) : 0;
  return (
    <div
      ref={box}
      className="chart-zoom"
      data-testid="chart-zoom"
      data-dragging={dragging || undefined}
      onPointerDown={onPointerDown}
      onDoubleClick={onReset}
    >
      {children}
      {drag && b - a > 0 && (
        <div
          className="chart-zoom-selection"
          data-testid="chart-zoom-selection"
          style={{ left: plotLeft + a, width: b - a, top, height }}
        />
      )}
    </div>
  );
}
