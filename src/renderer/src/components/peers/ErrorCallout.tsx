import type { ReactNode } from 'react';
import { explainError, sudoersLineOf, type ApiError } from '../../lib/errors.ts';
import { CodeLine } from '../common.tsx';

/** An engine error said for what it is: a title, the message, what to do, the sudoers line if any. */
export function ErrorCallout({
  error,
  title,
  testId,
  children,
}: {
  error: ApiError;
  /** Instead of the code's own title. */
  title?: string;
  testId: string;
  children?: ReactNode;
}) {
  const explained = explainError(error.code);
  const sudoers =
    error.code === 'SUDO_PASSWORD_REQUIRED' || error.code === 'NEEDS_ROOT'
      ? sudoersLineOf(error.details, error.message)
      : null;
  return (
    <div className="callout" data-tone="bad" role="alert" data-testid={testId} data-error-code={error.code}>
      <p className="callout-title">{title ?? explained.title}</p>
      <p className="callout-message">{error.message}</p>
      {explained.hint && <p className="callout-hint">{explained.hint}</p>}
      {sudoers && <CodeLine text={sudoers} label="Copy sudoers line" testId="sudoers-line" />}
      {error.details?.problems && (
        <ul className="problem-list">
          {error.details.problems.map((p, i) => (
            <li key={i}>
              <code>{p.field}</code>: {p.message}
            </li>
          ))}
        </ul>
      )}
      {children && <div className="button-row">{children}</div>}
    </div>
  );
}
