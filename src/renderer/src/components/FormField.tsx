import type { ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

export interface FormFieldProps {
  label: ReactNode;
  id: string;
  error?: string | undefined;
  hint?: ReactNode;
  className?: string;
  /** The error's test id; null for none (the add-server form's errors never had one). */
  errorTestId?: string | null;
  children: (props: ControlProps) => ReactNode;
}

/** A labelled form control with its hint, or its problem (`field-error`) in place of the hint. */
export function FormField({
  label,
  id,
  error,
  hint,
  className,
  errorTestId = 'field-error',
  children,
}: FormFieldProps) {
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={className ? `field ${className}` : 'field'} data-invalid={error ? true : undefined}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {hint && !error && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`} data-testid={errorTestId ?? undefined}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Problems that belong to no field, at the top of a form. */
export function FormErrors({ title, messages }: { title?: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="callout form-error-box" data-tone="bad" role="alert" data-testid="form-error">
      {title && <p className="callout-title">{title}</p>}
      {messages.length === 1 ? (
        <p className="callout-message">{messages[0]}</p>
      ) : (
        <ul className="problem-list">
          {messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Text inputs for keys and addresses: no autocorrect, no spellcheck. */
export const PLAIN_INPUT = {
  spellCheck: false,
  autoCapitalize: 'off',
  autoCorrect: 'off',
  autoComplete: 'off',
} as const;
