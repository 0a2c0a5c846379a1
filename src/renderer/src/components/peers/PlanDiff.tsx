import { useMemo } from 'react';
import { classifyDiff, diffStats } from '../../lib/plan-view.ts';

/**
 * A unified diff of a config file, + and − lines coloured (and marked, not by colour alone). The
 * engine has already replaced private and preshared keys with `(hidden)`.
 */
export function PlanDiff({ diff, testId, label }: { diff: string; testId: string; label: string }) {
  const lines = useMemo(() => classifyDiff(diff), [diff]);
  const stats = diffStats(lines);
  if (lines.length === 0) {
    return (
      <p className="muted small" data-testid={testId} data-empty>
        The config file does not change.
      </p>
    );
  }
  return (
    <figure className="diff" aria-label={label}>
      <figcaption className="diff-caption small muted">
        <span className="diff-stat-add">+{stats.added}</span>{' '}
        <span className="diff-stat-del">−{stats.removed}</span> lines · secrets shown as (hidden)
      </figcaption>
      <pre className="diff-body" data-testid={testId} tabIndex={0}>
        {lines.map((line, i) => (
          <span key={i} className="diff-line" data-kind={line.kind}>
            {line.text === '' ? ' ' : line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}
