import type { PeerUsage } from '../../../../shared/domain.ts';
import { formatQuota, type PeerLifecycle } from '../../../../shared/peer-lifecycle.ts';
import {
  disabledByText,
  expiryHint,
  quotaMeter,
  rowLimits,
  scheduleLine,
  type QuotaMeter,
} from '../../lib/peer-limits.ts';
import { useNow } from '../../lib/ticker.ts';

/** A quota's usage as a bar: green, amber past the warning share, red once over. */
export function QuotaBar({ meter, className = '' }: { meter: QuotaMeter; className?: string }) {
  return (
    <span
      className={`quota-bar ${className}`}
      role="meter"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(meter.fill)}
      aria-label={meter.summary}
      title={meter.summary}
      data-level={meter.level}
      data-testid="quota-bar"
    >
      <span className="quota-fill" style={{ width: `${meter.fill}%` }} />
    </span>
  );
}

/**
 * A peers-table row's limits: the quota bar under its name (its share and period in the title), and
 * how long is left when the expiry is near. Its own clock, so the row stays memoised on the peer.
 */
export function RowLimitMarks({
  rules,
  usage,
}: {
  rules: PeerLifecycle | undefined;
  usage: PeerUsage | undefined;
}) {
  const now = useNow();
  const limits = rowLimits(rules, usage, now);
  if (!limits) return null;
  const { meter, expiry } = limits;
  return (
    <span className="row-limits">
      {meter && <QuotaBar meter={meter} className="quota-bar-row" />}
      {expiry && (
        <span
          className="expiry-hint"
          data-level={expiry.level}
          title={`Expires ${expiry.text}; ${expiry.spelling}`}
          data-testid="expiry-hint"
        >
          {expiry.short}
        </span>
      )}
    </span>
  );
}

/**
 * The drawer's Limits: the quota with its bar and when it resets, the expiry, the allowed hours, and
 * why the enforcer disabled the peer. Nothing when the peer has no rules and no usage figure.
 */
export function PeerLimitsSection({
  rules,
  usage,
  live,
}: {
  rules: PeerLifecycle | undefined;
  usage: PeerUsage | undefined;
  /** On the live interface now (only then does the engine publish its usage). */
  live: boolean;
}) {
  const now = useNow();
  if (!rules && !usage) return null;
  const meter = usage ? quotaMeter(usage, rules?.quota ?? null, now) : null;
  const expiry = rules?.expiresAt == null ? null : expiryHint(rules.expiresAt, now);
  const schedule = rules?.schedule ? scheduleLine(rules.schedule, now) : null;
  return (
    <section className="peer-limits" aria-labelledby="peer-limits-title" data-testid="peer-limits">
      <h3 id="peer-limits-title" className="section-title">
        Limits
      </h3>
      {rules?.disabledBy && (
        <p className="limits-disabled" data-testid="limits-disabled">
          {disabledByText(rules.disabledBy)}
        </p>
      )}
      <dl className="facts">
        {(rules?.quota || meter) && (
          <>
            <dt>Quota</dt>
            <dd data-testid="limits-quota">
              {rules?.quota && <span className="mono">{formatQuota(rules.quota)}</span>}
              {meter ? (
                <div className="limits-meter">
                  <QuotaBar meter={meter} />
                  <div className="num">
                    <span data-level={meter.level} className="limits-figure">
                      {meter.amount} ({meter.percent})
                    </span>{' '}
                    <span className="muted">
                      {meter.counts}, {meter.period}
                    </span>
                  </div>
                  {meter.resets && (
                    <div className="muted small" data-testid="quota-resets">
                      {meter.resets}
                    </div>
                  )}
                </div>
              ) : (
                <div className="muted small">
                  {live
                    ? 'no usage figure yet: it comes from the history this app records'
                    : 'its usage shows while it is on the interface; the totals are below'}
                </div>
              )}
            </dd>
          </>
        )}
        {expiry && (
          <>
            <dt>Expires</dt>
            <dd data-testid="limits-expires">
              <span data-level={expiry.level} className="limits-figure">
                {expiry.level === 'over' ? 'Expired ' : ''}
                {expiry.text}
              </span>
              <div className="muted small mono">{expiry.spelling}</div>
            </dd>
          </>
        )}
        {schedule && (
          <>
            <dt>Allowed hours</dt>
            <dd data-testid="limits-schedule">
              <span className="mono">{schedule.text}</span>{' '}
              <span className={schedule.allowedNow ? 'muted' : 'text-warn'}>· {schedule.said}</span>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
