import type { InputHTMLAttributes } from 'react';
import { FormField, PLAIN_INPUT } from '../FormField.tsx';
import type { BoundField } from './use-peer-form.ts';

/*
 * What the add and edit peer forms show alike. Each field keeps its `data-form-field` (the form
 * focuses the first field with a problem by it) and its test id, whichever form it is in.
 */

/**
 * A one-line text field, its problems shown once the admin left it or, when `eager`, as soon as
 * they type; `unit` follows the box.
 */
export function TextField({
  field,
  label,
  hint,
  testId,
  unit,
  eager = false,
  ...input
}: {
  field: BoundField;
  label: string;
  hint?: string;
  testId: string;
  unit?: string;
  eager?: boolean;
} & Pick<InputHTMLAttributes<HTMLInputElement>, 'inputMode' | 'className' | 'placeholder' | 'autoFocus'>) {
  return (
    <FormField label={label} id={field.id} error={field.error} hint={hint}>
      {(props) => {
        const box = (
          <input
            {...props}
            {...PLAIN_INPUT}
            {...input}
            value={field.value}
            onChange={(e) => {
              field.onChange(e.target.value);
              if (eager) field.onTouch();
            }}
            onBlur={eager ? undefined : field.onTouch}
            data-form-field={field.name}
            data-testid={testId}
          />
        );
        return unit ? (
          <span className="input-with-unit">
            {box}
            <span className="muted">{unit}</span>
          </span>
        ) : (
          box
        );
      }}
    </FormField>
  );
}

/** The peer's name; its problems show as soon as the admin types. */
export function NameField({
  field,
  hint,
  placeholder,
}: {
  field: BoundField;
  hint?: string;
  placeholder?: string;
}) {
  return (
    <TextField
      field={field}
      label="Name"
      hint={hint}
      placeholder={placeholder}
      autoFocus
      eager
      testId="peer-name"
    />
  );
}

/** What the peer's ping check pings; empty: its host address (shown as the placeholder). */
export function CheckAddressField({ field, fallback }: { field: BoundField; fallback: string | null }) {
  return (
    <TextField
      field={field}
      label="Ping check address"
      hint={
        fallback === null
          ? 'It routes only networks: give an address inside them to check it (kept in the config file).'
          : 'Empty: its own address. Kept in the config file beside its name.'
      }
      placeholder={fallback ?? 'not checked'}
      testId="peer-check-address"
    />
  );
}

/** Persistent keepalive in seconds; empty is off. */
export function KeepaliveField({ field, hint }: { field: BoundField; hint: string }) {
  return (
    <TextField
      field={field}
      label="Persistent keepalive"
      hint={hint}
      inputMode="numeric"
      className="input-short"
      placeholder="off"
      unit="seconds"
      testId="peer-keepalive"
    />
  );
}

/**
 * The server-side allowed IPs. `labelHidden` when a legend around it already says so (the label
 * stays for screen readers); `idle` greys the box while the addresses are chosen automatically.
 */
export function AllowedIpsField({
  field,
  hint,
  labelHidden = false,
  idle = false,
  placeholder,
}: {
  field: BoundField;
  hint: string;
  labelHidden?: boolean;
  idle?: boolean;
  placeholder?: string;
}) {
  return (
    <FormField
      label={labelHidden ? <span className="sr-only">Allowed IPs</span> : 'Allowed IPs'}
      id={field.id}
      error={field.error}
      hint={hint}
    >
      {(props) => (
        <textarea
          {...props}
          {...PLAIN_INPUT}
          rows={2}
          className={`textarea${idle ? ' textarea-idle' : ''}`}
          placeholder={placeholder}
          value={field.value}
          onChange={(e) => field.onChange(e.target.value)}
          onBlur={field.onTouch}
          data-form-field={field.name}
          data-testid="peer-allowed-ips"
        />
      )}
    </FormField>
  );
}

/** Cancel and Preview (`preview-button`); `note` says why Preview is off, beside the buttons. */
export function PreviewButtons({
  busy,
  onCancel,
  blocked = false,
  note,
}: {
  busy: boolean;
  onCancel: () => void;
  blocked?: boolean;
  note?: string | undefined;
}) {
  return (
    <div className="button-row end form-footer">
      {note && <span className="small muted">{note}</span>}
      <button type="button" className="button button-quiet" onClick={onCancel}>
        Cancel
      </button>
      <button
        type="submit"
        className="button button-primary"
        disabled={busy || blocked}
        data-testid="preview-button"
      >
        {busy ? 'Planning…' : 'Preview'}
      </button>
    </div>
  );
}

/**
 * The lifecycle rules (data quota, expiry, allowed hours), typed in the config file's spelling: the
 * edit form (quota and expiry side by side) and the batch "Set limits…" (one under another) alike.
 * `placeholders` say what an empty box means there (no rule, or leave each peer's as it is).
 */
export function LimitFields({
  quota,
  expires,
  schedule,
  placeholders,
  testIdPrefix,
  sideBySide = false,
}: {
  quota: BoundField;
  expires: BoundField;
  schedule: BoundField;
  placeholders: { quota: string; expires: string; schedule: string };
  testIdPrefix: string;
  sideBySide?: boolean;
}) {
  const quotaAndExpiry = (
    <>
      <TextField
        field={quota}
        label="Data quota"
        hint="e.g. 50GiB/month, 2GiB/day rx, 100GB/total"
        placeholder={placeholders.quota}
        testId={`${testIdPrefix}-quota`}
      />
      <TextField
        field={expires}
        label="Expires"
        hint="A date (through its end, UTC) or 2027-01-31T18:00Z"
        placeholder={placeholders.expires}
        testId={`${testIdPrefix}-expires`}
      />
    </>
  );
  return (
    <>
      {sideBySide ? <div className="form-grid">{quotaAndExpiry}</div> : quotaAndExpiry}
      <TextField
        field={schedule}
        label="Allowed hours"
        hint="e.g. mon-fri 08:00-18:00 Europe/Berlin (default zone UTC)"
        placeholder={placeholders.schedule}
        testId={`${testIdPrefix}-schedule`}
      />
    </>
  );
}
