import { memo } from 'react';
import { COUNTER_NAMES, type InterfaceLive } from '../../../shared/domain.ts';
import { formatBytes, formatCount, formatPerSecond, formatRate } from '../../../shared/format.ts';
import { TROUBLE_COUNTERS } from '../store/selectors.ts';
import type { RateUnit } from '../store/store.ts';

const LABEL: Record<(typeof COUNTER_NAMES)[number], string> = {
  rxBytes: 'RX bytes',
  txBytes: 'TX bytes',
  rxPackets: 'RX packets',
  txPackets: 'TX packets',
  rxErrors: 'RX errors',
  txErrors: 'TX errors',
  rxDropped: 'RX dropped',
  txDropped: 'TX dropped',
  multicast: 'Multicast',
};

const TROUBLE = new Set<string>(TROUBLE_COUNTERS);

/**
 * The nine kernel counters of a WireGuard interface and their rates. Errors and drops that are rising
 * are red: they are what nobody else shows and what explains "the VPN is slow".
 */
export const HealthPanel = memo(function HealthPanel({
  iface,
  rateUnit,
  streaming = true,
}: {
  iface: InterfaceLive;
  rateUnit: RateUnit;
  /** false: the server is not streaming; the counters are as last seen, the rates unknown. */
  streaming?: boolean;
}) {
  const { counters, rates } = iface;
  const headingId = `health-${iface.name}`;
  return (
    <section className="panel health" aria-labelledby={headingId} data-testid="health-panel">
      <h3 id={headingId} className="section-title">
        Interface health
        {counters === null && <span className="muted"> — not reported by /proc/net/dev</span>}
      </h3>
      <dl className="health-grid">
        {COUNTER_NAMES.map((name) => {
          const value = counters?.[name] ?? null;
          const rate = streaming ? rates[name] : null;
          const rising = TROUBLE.has(name) && (rate ?? 0) > 0;
          const bytes = name === 'rxBytes' || name === 'txBytes';
          return (
            <div
              key={name}
              className="health-cell"
              data-counter={name}
              data-value={value ?? ''}
              data-rate={rate ?? ''}
              data-rising={rising || undefined}
              data-trouble={TROUBLE.has(name) || undefined}
            >
              <dt>{LABEL[name]}</dt>
              <dd>
                <span className="health-value num" title={value === null ? undefined : formatCount(value)}>
                  {bytes ? formatBytes(value) : formatCount(value)}
                </span>
                <span className="health-rate num">
                  {bytes ? formatRate(rate, rateUnit) : formatPerSecond(rate)}
                  {rising && <span className="sr-only"> (rising)</span>}
                </span>
              </dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
});
