import { explainError, sudoersLineOf, type ApiError } from '../../lib/errors.ts';
import { CodeLine } from '../common.tsx';
import { applyErrorKind } from '../../lib/plan-view.ts';
import { PlanDiff } from './PlanDiff.tsx';

/** Why an apply did not happen (or was undone), said for what it is, with what to do next. */
export function ApplyError({ error, onPreviewAgain }: { error: ApiError; onPreviewAgain: () => void }) {
  const kind = applyErrorKind(error.code);
  // The code's own words (one table for every view); `kind` decides what else the dialog offers.
  const { title, hint } = explainError(error.code);
  return (
    <div
      className="callout apply-error"
      data-tone="bad"
      role="alert"
      data-testid="apply-error"
      data-error-code={error.code}
      data-kind={kind}
    >
      <p className="callout-title">{title}</p>
      <p className="callout-message">{error.message}</p>
      {hint && <p className="callout-hint">{hint}</p>}
      {error.code === 'SUDO_PASSWORD_REQUIRED' && sudoersLineOf(error.details, error.message) && (
        <CodeLine
          text={sudoersLineOf(error.details, error.message)!}
          label="Copy sudoers line"
          testId="sudoers-line"
        />
      )}
      {kind === 'file-changed' && error.details?.diff && (
        <div className="file-changed-diff">
          <PlanDiff diff={error.details.diff} testId="file-changed-diff" label="What changed in the file" />
        </div>
      )}
      <div className="button-row">
        <button type="button" className="button" onClick={onPreviewAgain} data-testid="preview-again">
          Preview again
        </button>
      </div>
    </div>
  );
}
