import type { StatusRule } from '../../../shared/domain.ts';
import { methodSchemas, type Settings, type SshConfigCandidate } from '../../../shared/api.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { INTERFACE_NAME_RULE } from '../../../shared/ip-rules.ts';
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
  /** Poll interval in seconds; empty for the global setting. */
  interval: string;
  /** Config files not at /etc/wireguard/IF.conf, one absolute path a line; the file names the interface. */
  configPaths: string;
  /** Placement: capacity in peers, and weight (seed 001); empty for none / 1. */
  maxPeers: string;
  weight: string;
  /** Its own status rule; empty: the fleet's (Settings). */
  statusRule: StatusRule | '';
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
  interval: '',
  configPaths: '',
  maxPeers: '',
  weight: '',
  statusRule: '',
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
  interval: 'the poll interval is 1 to 300 whole seconds, or empty for the global setting',
  maxPeers: 'max peers is a whole number from 1, or empty for none',
  weight: 'the weight is a number above 0 (1 is the default), or empty',
};

/** The schema's field for each form field whose problems it reports. */
const SCHEMA_FIELDS: Partial<Record<string, keyof ServerForm>> = {
  name: 'name',
  host: 'host',
  port: 'port',
  user: 'user',
  identityFile: 'identityFile',
  jump: 'jump',
  group: 'group',
  intervalSeconds: 'interval',
  configPaths: 'configPaths',
  maxPeers: 'maxPeers',
  weight: 'weight',
  statusRule: 'statusRule',
};

/** The interface a config file is for: wg-quick names it after the file (`/srv/wg/wg1.conf` is wg1). */
function interfaceOfPath(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.endsWith('.conf') ? base.slice(0, -'.conf'.length) : base;
}

/** The config paths field's lines as `configPaths`; a second file for one interface is a problem. */
export function parseConfigPaths(text: string): { paths: Record<string, string>; problem?: string } {
  const paths: Record<string, string> = {};
  for (const line of text.split(/[\n,]/)) {
    const path = line.trim();
    if (path === '') continue;
    const iface = interfaceOfPath(path);
    if (Object.hasOwn(paths, iface))
      return { paths, problem: `two files for ${iface}: give one per interface` };
    paths[iface] = path;
  }
  return { paths };
}

/** `configPaths` as the field shows them: one path a line. */
export function configPathsText(paths: Record<string, string> | undefined): string {
  return Object.values(paths ?? {}).join('\n');
}

/** What the add form and the edit dialog check the same way: the form as a `ServerConfig`, or problems. */
function checkServerForm(
  form: ServerForm,
  mode: 'add' | 'edit',
): { ok: true; server: ServerConfig } | { ok: false; errors: ServerFormErrors } {
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
  const interval = trimmed(form.interval);
  if (interval !== '') config['intervalSeconds'] = /^\d{1,3}$/.test(interval) ? Number(interval) : Number.NaN;
  const maxPeers = trimmed(form.maxPeers);
  if (maxPeers !== '') config['maxPeers'] = /^\d{1,7}$/.test(maxPeers) ? Number(maxPeers) : Number.NaN;
  const weight = trimmed(form.weight);
  if (weight !== '') config['weight'] = /^\d{1,4}(\.\d{1,3})?$/.test(weight) ? Number(weight) : Number.NaN;
  if (form.statusRule !== '') config['statusRule'] = form.statusRule;
  const configPaths = parseConfigPaths(form.configPaths);
  if (configPaths.problem) errors.configPaths = configPaths.problem;
  else if (Object.keys(configPaths.paths).length > 0) config['configPaths'] = configPaths.paths;
  // Editing keeps the secret already stored when the field is left empty.
  if (mode === 'add' && form.auth === 'password' && form.password === '')
    errors.password = 'enter the password';

  const parsed = serverConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      const key = typeof field === 'string' ? SCHEMA_FIELDS[field] : undefined;
      if (key === undefined) continue;
      // A config path's problem names the file it is about (or the interface its name gives).
      const about = key === 'configPaths' ? configPathAbout(issue.path[1], configPaths.paths) : '';
      // zod words a bad record key generically; the key is the file's name, an interface name.
      const message =
        issue.code === 'invalid_key'
          ? `the file name is the interface: ${INTERFACE_NAME_RULE}`
          : issue.message;
      errors[key] ??= FIELD_MESSAGES[key] ?? `${about}${message}`;
    }
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, server: parsed.data };
}

function configPathAbout(iface: PropertyKey | undefined, paths: Record<string, string>): string {
  if (typeof iface !== 'string') return '';
  const path = paths[iface];
  // An issue on the record's key (the interface name) has the key as its path too.
  return path === undefined ? `${iface}: ` : `${path}: `;
}

export function validateServerForm(form: ServerForm, canPersistSecrets = false): ServerFormResult {
  const checked = checkServerForm(form, 'add');
  if (!checked.ok) return checked;
  const request: ServerAddRequest = { server: checked.server };
  if (form.auth === 'password') request.password = form.password;
  if (form.auth === 'key' && form.passphrase !== '') request.passphrase = form.passphrase;
  if ((request.password !== undefined || request.passphrase !== undefined) && canPersistSecrets)
    request.remember = form.remember;
  return { ok: true, request };
}

/** A saved server in the form's terms, for the edit dialog; secrets are never read back (empty). */
export function formFromServer(server: ServerConfig): ServerForm {
  return {
    ...EMPTY_SERVER_FORM,
    name: server.name,
    host: server.host,
    port: String(server.port),
    user: server.user,
    auth: server.identityFile ? 'key' : 'agent',
    identityFile: server.identityFile ?? '',
    sudo: server.sudo,
    jump: server.jump ?? '',
    group: server.group ?? '',
    interval: server.intervalSeconds === undefined ? '' : String(server.intervalSeconds),
    configPaths: configPathsText(server.configPaths),
    maxPeers: server.maxPeers === undefined ? '' : String(server.maxPeers),
    weight: server.weight === undefined ? '' : String(server.weight),
    statusRule: server.statusRule ?? '',
  };
}

/** A new password or passphrase typed in the edit dialog, for the keychain path (`server:setCredentials`). */
export interface CredentialsUpdate {
  password?: string;
  passphrase?: string;
  remember: boolean;
}

export type ServerEditResult =
  | { ok: true; server: ServerConfig; credentials: CredentialsUpdate | null }
  | { ok: false; errors: ServerFormErrors };

/** The optional settings the form shows: an empty field drops them. */
const FORM_OPTIONALS = [
  'identityFile',
  'jump',
  'group',
  'intervalSeconds',
  'configPaths',
  'maxPeers',
  'weight',
  'statusRule',
] as const;

/**
 * The edit dialog's check: the add form's rules; an empty secret keeps the stored one. What the form
 * does not show stays as `saved` has it.
 */
export function validateServerEdit(
  form: ServerForm,
  saved: ServerConfig,
  canPersistSecrets = false,
): ServerEditResult {
  const checked = checkServerForm(form, 'edit');
  if (!checked.ok) return checked;
  const kept: Partial<ServerConfig> = { ...saved };
  for (const key of FORM_OPTIONALS) delete kept[key];
  const server = serverConfigSchema.parse({ ...kept, ...checked.server });
  const secret =
    form.auth === 'password' && form.password !== ''
      ? { password: form.password }
      : form.auth === 'key' && form.passphrase !== ''
        ? { passphrase: form.passphrase }
        : null;
  return {
    ok: true,
    server,
    credentials: secret && { ...secret, remember: canPersistSecrets && form.remember },
  };
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
  statusRule: StatusRule;
  /** '0' turns the ping checks off. */
  pingSeconds: string;
  pingParallel: string;
  rawHours: string;
  minuteDays: string;
  hourDays: string;
}

export function settingsToForm(settings: Settings): SettingsForm {
  return {
    intervalSeconds: String(settings.intervalSeconds),
    onlineSeconds: String(settings.thresholds.onlineSeconds),
    staleSeconds: String(settings.thresholds.staleSeconds),
    statusRule: settings.thresholds.rule ?? 'handshake',
    pingSeconds: String(settings.ping.intervalSeconds),
    pingParallel: String(settings.ping.parallel),
    rawHours: String(settings.retention.rawHours),
    minuteDays: String(settings.retention.minuteDays),
    hourDays: String(settings.retention.hourDays),
  };
}

export type SettingsFormResult =
  | {
      ok: true;
      patch: Pick<Settings, 'intervalSeconds' | 'thresholds' | 'retention' | 'ping'>;
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
      rule: form.statusRule,
    },
    ping: { intervalSeconds: wholeNumber(form.pingSeconds), parallel: wholeNumber(form.pingParallel) },
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
    else if (path[0] === 'ping' && path[1] === 'parallel')
      errors.pingParallel ??= 'pings at once: 1 to 64';
    else if (path[0] === 'ping') errors.pingSeconds ??= 'ping every 5 to 3,600 seconds, or 0 for off';
    else if (path[1] === 'rawHours') errors.rawHours ??= 'raw samples are kept 1 to 720 hours';
    else if (path[1] === 'minuteDays') errors.minuteDays ??= 'minute rollups are kept 1 to 1,830 days';
    else if (path[1] === 'hourDays') errors.hourDays ??= 'hour rollups are kept 1 to 7,300 days';
    else if (path[0] === 'retention')
      errors.hourDays ??= 'each tier must be kept at least as long as the finer one';
  }
  return { ok: false, errors };
}
