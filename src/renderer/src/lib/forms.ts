import { methodSchemas, type Settings, type SshConfigCandidate } from '../../../shared/api.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { serverNameFromAlias } from '../../../shared/ssh-import.ts';
import { serverConfigSchema } from '../../../shared/validation.ts';

/**
 * The forms' values (strings, as typed) and their checks with the shared zod rules, so the form refuses
 * exactly what the engine would, with the same words, before anything is sent.
 */

export type AuthMethod = 'agent' | 'key' | 'password';

export interface ServerForm {
  name: string;
  host: string;
  port: string;
  user: string;
  auth: AuthMethod;
  identityFile: string;
  passphrase: string;
  password: string;
  remember: boolean;
  sudo: boolean;
  jump: string;
  group: string;
}

export const EMPTY_SERVER_FORM: ServerForm = {
  name: '',
  host: '',
  port: '22',
  user: 'root',
  auth: 'agent',
  identityFile: '',
  passphrase: '',
  password: '',
  remember: false,
  sudo: false,
  jump: '',
  group: '',
};

export type ServerFormErrors = Partial<Record<keyof ServerForm, string>>;

export interface ServerAddRequest {
  server: ServerConfig;
  password?: string;
  passphrase?: string;
  remember?: boolean;
}

export type ServerFormResult =
  { ok: true; request: ServerAddRequest } | { ok: false; errors: ServerFormErrors };

/** zod's generic words for length and range, replaced by what the field accepts. */
const FIELD_MESSAGES: ServerFormErrors = {
  port: 'a port is a whole number from 1 to 65535',
  group: 'a group name is 1–64 characters',
};

const FIELDS = new Set<keyof ServerForm>(['name', 'host', 'port', 'user', 'identityFile', 'jump', 'group']);

export function validateServerForm(form: ServerForm, canPersistSecrets = false): ServerFormResult {
  const errors: ServerFormErrors = {};
  const trimmed = (v: string) => v.trim();
  const port = /^\d{1,5}$/.test(form.port.trim()) ? Number(form.port.trim()) : Number.NaN;
  const config: Record<string, unknown> = {
    name: trimmed(form.name),
    host: trimmed(form.host),
    port,
    user: trimmed(form.user),
    sudo: form.sudo,
  };
  if (form.auth === 'key') {
    if (trimmed(form.identityFile) === '') errors.identityFile = 'give the path of the private key file';
    else config['identityFile'] = trimmed(form.identityFile);
  }
  if (trimmed(form.jump) !== '') config['jump'] = trimmed(form.jump);
  if (trimmed(form.group) !== '') config['group'] = trimmed(form.group);
  if (form.auth === 'password' && form.password === '') errors.password = 'enter the password';

  const parsed = serverConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (typeof field !== 'string' || !FIELDS.has(field as keyof ServerForm)) continue;
      const key = field as keyof ServerForm;
      errors[key] ??= FIELD_MESSAGES[key] ?? issue.message;
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };

  const request: ServerAddRequest = { server: parsed.data };
  if (form.auth === 'password') request.password = form.password;
  if (form.auth === 'key' && form.passphrase !== '') request.passphrase = form.passphrase;
  if ((request.password !== undefined || request.passphrase !== undefined) && canPersistSecrets)
    request.remember = form.remember;
  return { ok: true, request };
}

/**
 * Prefills the form from a resolved ~/.ssh/config host, keeping what the admin chose for the rest;
 * the jump chain goes in as the field writes it, hops joined with ",".
 */
export function formFromCandidate(form: ServerForm, candidate: SshConfigCandidate): ServerForm {
  return {
    ...form,
    name: serverNameFromAlias(candidate.alias),
    host: candidate.host,
    port: String(candidate.port),
    user: candidate.user,
    auth: candidate.identityFile ? 'key' : form.auth === 'key' ? 'agent' : form.auth,
    identityFile: candidate.identityFile ?? '',
    jump: candidate.jump.join(','),
  };
}

export interface SettingsForm {
  intervalSeconds: string;
  onlineSeconds: string;
  staleSeconds: string;
  rawHours: string;
  minuteDays: string;
  hourDays: string;
}

export function settingsToForm(settings: Settings): SettingsForm {
  return {
    intervalSeconds: String(settings.intervalSeconds),
    onlineSeconds: String(settings.thresholds.onlineSeconds),
    staleSeconds: String(settings.thresholds.staleSeconds),
    rawHours: String(settings.retention.rawHours),
    minuteDays: String(settings.retention.minuteDays),
    hourDays: String(settings.retention.hourDays),
  };
}

export type SettingsFormResult =
  | {
      ok: true;
      patch: Pick<Settings, 'intervalSeconds' | 'thresholds' | 'retention'>;
    }
  | { ok: false; errors: Partial<Record<keyof SettingsForm, string>> };

function wholeNumber(value: string): number {
  return /^\d{1,7}$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
}

/** Checked with the contract's own `settings:update` schema. */
export function validateSettingsForm(form: SettingsForm): SettingsFormResult {
  const patch = {
    intervalSeconds: wholeNumber(form.intervalSeconds),
    thresholds: {
      onlineSeconds: wholeNumber(form.onlineSeconds),
      staleSeconds: wholeNumber(form.staleSeconds),
    },
    retention: {
      rawHours: wholeNumber(form.rawHours),
      minuteDays: wholeNumber(form.minuteDays),
      hourDays: wholeNumber(form.hourDays),
    },
  };
  const parsed = methodSchemas['settings:update'].safeParse([patch]);
  if (parsed.success) return { ok: true, patch };
  const errors: Partial<Record<keyof SettingsForm, string>> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is string => typeof p === 'string');
    if (path[0] === 'intervalSeconds') errors.intervalSeconds ??= 'the interval is 1 to 300 seconds';
    else if (path[1] === 'onlineSeconds') errors.onlineSeconds ??= 'online is 10 to 86,400 seconds';
    else if (path[1] === 'staleSeconds') errors.staleSeconds ??= 'stale is 20 to 604,800 seconds';
    else if (path[0] === 'thresholds')
      errors.staleSeconds ??= 'the stale threshold must exceed the online threshold';
    else if (path[1] === 'rawHours') errors.rawHours ??= 'raw samples are kept 1 to 720 hours';
    else if (path[1] === 'minuteDays') errors.minuteDays ??= 'minute rollups are kept 1 to 1,830 days';
    else if (path[1] === 'hourDays') errors.hourDays ??= 'hour rollups are kept 1 to 7,300 days';
    else if (path[0] === 'retention')
      errors.hourDays ??= 'each tier must be kept at least as long as the finer one';
  }
  return { ok: false, errors };
}
