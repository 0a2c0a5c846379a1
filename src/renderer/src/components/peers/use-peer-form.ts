import { useState } from 'react';
import type { PreviewRequest } from '../../../../shared/peer-ops.ts';
import { toApiError } from '../../lib/errors.ts';
import { contractProblems, formErrorsFromApi, mapProblems, type FieldErrors } from '../../lib/peer-forms.ts';
import { showPlan } from '../../store/peer-flow.ts';
import { call } from '../../store/store.ts';

/**
 * What the add and edit forms share: problems shown as the admin types (a field once left or, for
 * some, as soon as typed in), the engine's problems in place until that field changes, and the
 * preview call (`preview-button`) that opens the plan dialog on top of the form.
 */
export function usePeerForm<F extends string>(fields: readonly F[], localErrors: FieldErrors<F>) {
  const [touched, setTouched] = useState<ReadonlySet<F>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [engineErrors, setEngineErrors] = useState<FieldErrors<F>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

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

  return { errorOf, touch, changed, preview, busy, general };
}
