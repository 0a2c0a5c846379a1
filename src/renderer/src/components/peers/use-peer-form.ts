import { useId, useState } from 'react';
import type { PreviewRequest } from '../../../../shared/peer-ops.ts';
import { toApiError } from '../../lib/errors.ts';
import { contractProblems, formErrorsFromApi, mapProblems, type FieldErrors } from '../../lib/peer-forms.ts';
import { showPlan } from '../../store/peer-flow.ts';
import { call } from '../../store/store.ts';

/** The keys of a form whose values are free text (not a choice among a few). */
type TextKey<T> = { [K in keyof T]: string extends T[K] ? K : never }[keyof T];

/** One text field of a form, wired up for the shared field components (PeerFormParts.tsx). */
export interface BoundField {
  /** The form's name for it, also its `data-form-field` (how the form focuses a field with a problem). */
  name: string;
  id: string;
  error: string | undefined;
  value: string;
  onChange: (value: string) => void;
  /** The admin left the field (or, for some, typed in it): its problems show from now on. */
  onTouch: () => void;
}

/**
 * What the add and edit forms share: the form's values, problems shown as the admin types (a field
 * once left or, for some, as soon as typed in), the engine's problems in place until that field
 * changes, and the preview call (`preview-button`) that opens the plan dialog on top of the form.
 */
export function usePeerForm<T extends object, F extends string>(
  initial: () => T,
  fields: readonly F[],
  validate: (form: T) => FieldErrors<F>,
) {
  const [form, setForm] = useState<T>(initial);
  const localErrors = validate(form);
  const [touched, setTouched] = useState<ReadonlySet<F>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [engineErrors, setEngineErrors] = useState<FieldErrors<F>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const uid = useId();
  const id = (name: string) => `${uid}-${name}`;

  const errorOf = (field: F): string | undefined =>
    engineErrors[field] ?? (submitted || touched.has(field) ? localErrors[field] : undefined);

  const touch = (field: F) => {
    if (!touched.has(field)) setTouched(new Set([...touched, field]));
  };

  /** A field changed: its engine problem no longer applies, nor do the form-wide ones. */
  const changed = (field: F) => {
    if (engineErrors[field] !== undefined) setEngineErrors((e) => ({ ...e, [field]: undefined }));
    if (general.length > 0) setGeneral([]);
  };

  /** Sets one value; `field` names the problem that it may clear (none for a plain checkbox). */
  const set = <K extends keyof T>(key: K, value: T[K], field?: F) => {
    setForm((f) => ({ ...f, [key]: value }));
    if (field) changed(field);
  };

  /** A text field whose value sits under its own name. */
  const bind = (field: F & TextKey<T>): BoundField => ({
    name: field,
    id: id(field),
    error: errorOf(field),
    // TextKey<T> guarantees a string there, which TypeScript cannot follow through T[K].
    value: form[field] as string,
    onChange: (value) => set(field, value as T[typeof field], field),
    onTouch: () => touch(field),
  });

  const focus = (field: F) => {
    document.querySelector<HTMLElement>(`dialog[open] [data-form-field="${field}"]`)?.focus();
  };

  /** Checks, then asks the engine for a plan; false when the form shows why not. */
  const preview = async (
    request: PreviewRequest,
    keepPrivateKeys: boolean,
    title?: string,
  ): Promise<boolean> => {
    setSubmitted(true);
    const first = fields.find((f) => localErrors[f] !== undefined);
    if (first) {
      focus(first);
      return false;
    }
    const contract = contractProblems(request);
    if (contract.length > 0) {
      const mapped = mapProblems(contract, fields);
      setEngineErrors(mapped.fields);
      setGeneral(mapped.general);
      const firstMapped = fields.find((f) => mapped.fields[f] !== undefined);
      if (firstMapped) focus(firstMapped);
      return false;
    }
    setBusy(true);
    setGeneral([]);
    try {
      const plan = await call('peers:preview', request);
      setEngineErrors({});
      showPlan({ request, keepPrivateKeys, ...(title ? { title } : {}) }, plan);
      return true;
    } catch (error) {
      const mapped = formErrorsFromApi(toApiError(error), fields);
      setEngineErrors(mapped.fields);
      setGeneral(mapped.general);
      const firstMapped = fields.find((f) => mapped.fields[f] !== undefined);
      if (firstMapped) focus(firstMapped);
      return false;
    } finally {
      setBusy(false);
    }
  };

  return { form, setForm, set, bind, id, errorOf, touch, changed, preview, busy, general };
}
