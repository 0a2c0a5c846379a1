import { useId } from 'react';

/**
 * How to apply: the commit-confirmed timeout (hidden for a file-only change, which cannot cut anyone
 * off) and, for the advanced case, restarting the interface instead.
 */
export function ApplyOptions({
  iface,
  tier,
  timeout,
  timeoutError,
  onTimeout,
  showRestart,
  onShowRestart,
  restartOffered,
  restart,
  onRestart,
  disabled,
}: {
  iface: string;
  tier: 0 | 1 | 2;
  timeout: string;
  timeoutError: string | null;
  onTimeout: (value: string) => void;
  showRestart: boolean;
  onShowRestart: () => void;
  /** Whether restarting is a sensible alternative at all (the interface is live). */
  restartOffered: boolean;
  restart: boolean;
  onRestart: (value: boolean) => void;
  disabled: boolean;
}) {
  const id = useId();
  return (
    <div className="apply-options">
      {tier === 0 && !restart ? (
        <p className="muted small" data-testid="tier0-note">
          A file-only change cannot cut anyone off, so no automatic rollback is armed.
        </p>
      ) : (
        <div className="field field-inline confirm-timeout">
          <label className="field-label" htmlFor={`${id}-timeout`}>
            Roll back automatically unless confirmed within
          </label>
          <span className="input-with-unit">
            <input
              id={`${id}-timeout`}
              className="input-short"
              inputMode="numeric"
              value={timeout}
              onChange={(e) => onTimeout(e.target.value)}
              aria-invalid={timeoutError !== null}
              aria-describedby={`${id}-timeout-help`}
              disabled={disabled}
              data-testid="confirm-timeout"
            />
            <span className="muted">seconds</span>
          </span>
          <p
            className={timeoutError ? 'field-error' : 'field-hint'}
            id={`${id}-timeout-help`}
            data-testid={timeoutError ? 'field-error' : undefined}
          >
            {timeoutError ??
              'The server puts the backup back on its own if WG Deck cannot confirm the change over a new connection in time (10–3600).'}
          </p>
        </div>
      )}
      {restartOffered && !showRestart && (
        <button
          type="button"
          className="link-button small advanced-toggle"
          onClick={onShowRestart}
          data-testid="restart-advanced"
        >
          Advanced: apply by restarting the interface…
        </button>
      )}
      {restartOffered && showRestart && (
        <fieldset className="fieldset restart-option" data-testid="restart-option">
          <legend>Apply by restarting the interface instead</legend>
          <p className="small muted">
            “wg-quick down {iface} && wg-quick up {iface}”: the file is applied as a whole, whatever the live
            state. Use it only when the plan above cannot be applied live.
          </p>
          <label className="check restart-check">
            <input
              type="checkbox"
              checked={restart}
              onChange={(e) => onRestart(e.target.checked)}
              disabled={disabled}
              data-testid="restart-confirm"
            />
            <span>
              I understand: every session on <strong className="mono">{iface}</strong> drops while it restarts
            </span>
          </label>
        </fieldset>
      )}
    </div>
  );
}
