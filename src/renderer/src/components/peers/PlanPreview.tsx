import { shortKey } from '../../../../shared/format.ts';
import type { PlanPreview as Preview } from '../../../../shared/peers.ts';
import { ACTION_LABEL, EFFECT_LABEL, TIER_MEANING } from '../../lib/plan-view.ts';
import { PlanDiff } from './PlanDiff.tsx';

export function TierBadge({ tier, restart = false }: { tier: 0 | 1 | 2 | 3; restart?: boolean }) {
  const shown = restart ? 3 : tier;
  return (
    <div className="tier" data-tier={shown}>
      <span className="tier-badge" data-testid="plan-tier" data-tier={shown}>
        Tier {shown}
      </span>
      <span className="tier-meaning">{TIER_MEANING[shown]}</span>
    </div>
  );
}

function Changes({ preview }: { preview: Preview }) {
  return (
    <ul className="plan-list" data-testid="plan-changes">
      {preview.changes.map((c, i) => (
        <li
          key={`${c.publicKey}-${i}`}
          className="plan-change"
          data-action={c.action}
          data-peer={c.publicKey}
        >
          <div className="plan-change-head">
            <span className="action-badge" data-action={c.action}>
              {ACTION_LABEL[c.action]}
            </span>
            <strong>{c.name ?? <span className="muted">unnamed</span>}</strong>
            <span className="mono muted small" title={c.publicKey}>
              {shortKey(c.publicKey)}
            </span>
          </div>
          {c.details.length > 0 && (
            <ul className="plan-details small">
              {c.details.map((d, j) => (
                <li key={j}>{d}</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

function Touched({ preview }: { preview: Preview }) {
  if (preview.touched.length === 0) {
    return (
      <p className="muted small" data-testid="plan-touched" data-count={0}>
        No live session is touched.
      </p>
    );
  }
  const unintended = preview.touched.filter((t) => !t.intended).length;
  return (
    <>
      {unintended > 0 && (
        <p className="small plan-unintended-note">
          {unintended === 1 ? '1 peer is' : `${unintended} peers are`} touched although not part of this
          change (drift that “wg syncconf” resets).
        </p>
      )}
      <ul className="plan-list touched-list" data-testid="plan-touched" data-count={preview.touched.length}>
        {preview.touched.map((t) => (
          <li
            key={t.publicKey}
            className="touched"
            data-peer={t.publicKey}
            data-intended={t.intended}
            data-effect={t.effect}
          >
            <span className="effect-badge" data-effect={t.effect}>
              {EFFECT_LABEL[t.effect]}
            </span>
            <span className="touched-name">
              {t.name ?? <span className="muted">unnamed</span>}{' '}
              <span className="mono muted small" title={t.publicKey}>
                {shortKey(t.publicKey)}
              </span>
            </span>
            <span className="muted small touched-reason">{t.reason}</span>
            {!t.intended && (
              <span className="flag-badge" data-testid="touched-unintended">
                not part of this change
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

/** Everything a plan will do, before anything is touched. */
export function PlanPreview({ preview, restart }: { preview: Preview; restart: boolean }) {
  return (
    <div className="plan">
      <TierBadge tier={preview.tier} restart={restart} />
      <p className="plan-reason" data-testid="plan-tier-reason">
        {restart
          ? `Restarting ${preview.iface} instead of the live plan (${preview.tierReason})`
          : preview.tierReason}
      </p>
      {preview.blockers.length > 0 && (
        <div className="callout" data-tone="bad" data-testid="plan-blockers" role="alert">
          <p className="callout-title">This plan cannot be applied as it is</p>
          <ul className="problem-list">
            {preview.blockers.map((b, i) => (
              <li key={i}>{b}</li>
            ))}
          </ul>
        </div>
      )}
      {preview.warnings.length > 0 && (
        <div className="callout" data-tone="warn" data-testid="plan-warnings">
          <ul className="problem-list">
            {preview.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      )}
      {preview.changes.length > 0 && (
        <section className="plan-section">
          <h3 className="subsection-title">Changes</h3>
          <Changes preview={preview} />
        </section>
      )}
      <section className="plan-section">
        <h3 className="subsection-title">
          Live sessions touched <span className="muted num">({preview.touched.length})</span>
        </h3>
        <Touched preview={preview} />
      </section>
      <section className="plan-section">
        <h3 className="subsection-title">Config file</h3>
        <PlanDiff diff={preview.diff} testId="plan-diff" label="Changes to the config file" />
      </section>
      {preview.commands.length > 0 && (
        <details className="plan-commands" data-testid="plan-commands">
          <summary>
            Remote commands <span className="muted num">({preview.commands.length})</span>
          </summary>
          <pre className="commands-body">{preview.commands.join('\n')}</pre>
          <p className="muted small">
            No secret is on any command line: keys go through stdin or a 0600 file.
          </p>
        </details>
      )}
    </div>
  );
}
