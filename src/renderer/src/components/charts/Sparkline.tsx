import { memo } from 'react';
import { formatRate } from '../../../../shared/format.ts';
import { sparkPath } from '../../lib/charts.ts';
import { useSparkline } from '../../lib/sparklines.ts';
import { useChartColors } from '../../lib/theme.ts';
import type { RateUnit } from '../../store/store.ts';

const WIDTH = 84;
const HEIGHT = 20;

/** A peer's last hour, RX and TX, in its table row (cached, refreshed about once a minute). */
export const Sparkline = memo(function Sparkline({
  server,
  iface,
  peer,
  rateUnit,
}: {
  server: string;
  iface: string;
  peer: string;
  rateUnit: RateUnit;
}) {
  const state = useSparkline(server, iface, peer);
  const colors = useChartColors();
  if (state === 'loading' || state === 'unavailable') {
    return (
      <span
        className="sparkline sparkline-empty"
        data-testid="sparkline"
        data-state={state}
        title={state === 'unavailable' ? 'No history in this window' : undefined}
      />
    );
  }
  const peakRx = Math.max(0, ...state.rx.map((v) => v ?? 0));
  const peakTx = Math.max(0, ...state.tx.map((v) => v ?? 0));
  const title = `Last hour · peak RX ${formatRate(peakRx, rateUnit)} · peak TX ${formatRate(peakTx, rateUnit)}`;
  return (
    <svg
      className="sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      data-testid="sparkline"
      data-state="ready"
      data-max={state.max}
      role="img"
      aria-label={title}
    >
      <title>{title}</title>
      <path
        d={sparkPath(state.tx, WIDTH, HEIGHT, state.max)}
        fill="none"
        stroke={colors.tx}
        strokeWidth={1.2}
        opacity={0.85}
      />
      <path
        d={sparkPath(state.rx, WIDTH, HEIGHT, state.max)}
        fill="none"
        stroke={colors.rx}
        strokeWidth={1.2}
      />
    </svg>
  );
});
