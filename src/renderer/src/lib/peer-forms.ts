import type { StatusRule } from '../../../shared/domain.ts';
import { formatThresholds, parseThresholdsText, THRESHOLDS_RULE } from '../../../shared/peer-options.ts';
import { checkAddressProblem, hostAddressOf } from '../../../shared/check-address.ts';
import {
  EXPIRES_RULE,
  formatExpires,
  formatQuota,
  formatSchedule,
  parseExpires,
  parseQuota,
  parseSchedule,
  QUOTA_RULE,
  SCHEDULE_RULE,
} from '../../../shared/peer-lifecycle.ts';
/**
 * The add-peer and edit-peer forms: their values (strings, as typed), the checks run as the admin
 * types (the shared rules from `shared/peers.ts`, a light CIDR shape check, then the contract's own
 * zod schema), the `peers:preview` request they make, and where the engine's `INVALID_INPUT`
 * problems (`changes[0].allowedIps[1]`, `client.mtu`) belong on the form.
 */
import { peerSchemas } from '../../../shared/api-params.ts';
import type { ClientOptions, ConfigPeerView, PreviewRequest } from '../../../shared/peer-ops.ts';
import {
  keepaliveProblem,
  peerNameProblem,
  type PeerChangeRequest,
  type PeerDraft,
  type PeerEdit,
} from '../../../shared/peers.ts';
import { cidrProblem, fullTunnelFor } from '../../../shared/ip-rules.ts';
import { explainError, type ApiError } from './errors.ts';

// --- Lists and shapes ------------------------------------------------------------------------------

/** `"198.18.0.2/32, 2001:2:0:1000::2/128"` or one per line → entries; spaces around them are ignored. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n\r]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/**
 * Why `value` is not an address/prefix, or null: the shared rule, so the form refuses what the engine
 * would. Whether it has host bits or overlaps another peer is the engine's to say (by field).
 */
export function cidrShapeProblem(value: string): string | null {
  return cidrProblem(value);
}

/** The first shape problem of a list of CIDRs, or null; `required` refuses an empty list. */
export function cidrListProblem(entries: string[], required: boolean): string | null {
  if (entries.length === 0) return required ? 'at least one address/prefix is needed' : null;
  if (entries.length > 256) return 'at most 256 entries';
  for (const entry of entries) {
    const problem = cidrShapeProblem(entry);
    if (problem) return problem;
  }
  return null;
}

/** Whole seconds as typed; empty = off (null); NaN when it is not a whole number. */
export function parseKeepalive(text: string): number | null {
  const t = text.trim();
  if (t === '') return null;
  return /^\d{1,6}$/.test(t) ? Number(t) : Number.NaN;
}

const WG_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
export const KEY_PROBLEM = 'is not a WireGuard public key (44 characters of base64)';

// --- The add form ----------------------------------------------------------------------------------

export type AddField =
  'name' | 'allowedIps' | 'keepalive' | 'publicKey' | 'dns' | 'mtu' | 'clientAllowedIps' | 'endpointHost';

export interface AddPeerForm {
  name: string;
  ipMode: 'auto' | 'explicit';
  allowedIps: string;
  keepalive: string;
  presharedKey: boolean;
  /** Empty: WG Deck generates the key pair (and can make the client config). */
  publicKey: string;
  dns: string;
  mtu: string;
  clientAllowedIps: string;
  endpointHost: string;
  keepPrivateKey: boolean;
}

/**
 * The client's default AllowedIPs: everything, in the families the interface carries (its Address
 * lines; a new peer's addresses come from its subnets). Unknown addresses: both families.
 */
export function defaultClientAllowedIps(interfaceAddresses: readonly string[]): string {
  return fullTunnelFor(interfaceAddresses).join(', ');
}

export function emptyAddForm(serverHost: string, interfaceAddresses: readonly string[] = []): AddPeerForm {
  return {
    name: '',
    ipMode: 'auto',
    allowedIps: '',
    keepalive: '',
    presharedKey: false,
    publicKey: '',
    dns: '',
    mtu: '',
    clientAllowedIps: defaultClientAllowedIps(interfaceAddresses),
    endpointHost: serverHost,
    keepPrivateKey: false,
  };
}

/** With their own public key, WG Deck never has the private key: no client config to make. */
export function bringsOwnKey(form: AddPeerForm): boolean {
  return form.publicKey.trim() !== '';
}

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** Problems found on the form as it is (empty = sendable as far as the UI can tell). */
export function addFormErrors(form: AddPeerForm): FieldErrors<AddField> {
  const errors: FieldErrors<AddField> = {};
  const name = peerNameProblem(form.name);
  if (name) errors.name = name;
  if (form.ipMode === 'explicit') {
    const ips = cidrListProblem(splitList(form.allowedIps), true);
    if (ips) errors.allowedIps = ips;
  }
  const keepalive = keepaliveProblem(parseKeepalive(form.keepalive));
  if (keepalive) errors.keepalive = keepalive;
  if (bringsOwnKey(form) && !WG_KEY.test(form.publicKey.trim())) errors.publicKey = KEY_PROBLEM;
  if (!bringsOwnKey(form)) {
    const dns = splitList(form.dns);
    if (dns.length > 8) errors.dns = 'at most 8 entries';
    else if (dns.some((d) => d.length > 253 || /\s/.test(d)))
      errors.dns = 'each entry is an address or a domain';
    const mtu = form.mtu.trim();
    if (mtu !== '' && (!/^\d{1,5}$/.test(mtu) || Number(mtu) < 576 || Number(mtu) > 65535))
      errors.mtu = 'an MTU is a whole number from 576 to 65535 (empty = the client’s default)';
    const clientIps = cidrListProblem(splitList(form.clientAllowedIps), true);
    if (clientIps) errors.clientAllowedIps = clientIps;
    if (form.endpointHost.trim().length > 253) errors.endpointHost = 'at most 253 characters';
    else if (/\s/.test(form.endpointHost.trim())) errors.endpointHost = 'a host name has no spaces';
  }
  return errors;
}

export interface AddRequest {
  change: PeerChangeRequest;
  /** Absent when the admin brings their own key (no client config can be made). */
  client?: ClientOptions;
  keepPrivateKeys: boolean;
}

/** The change and client options the form describes (call after `addFormErrors` is empty). */
export function addRequestFromForm(form: AddPeerForm, canPersistSecrets: boolean): AddRequest {
  const draft: PeerDraft = {
    name: form.name,
    allowedIps: form.ipMode === 'auto' ? 'auto' : splitList(form.allowedIps),
    persistentKeepalive: parseKeepalive(form.keepalive),
    presharedKey: form.presharedKey,
  };
  const ownKey = bringsOwnKey(form);
  if (ownKey) draft.publicKey = form.publicKey.trim();
  const request: AddRequest = {
    change: { action: 'add', draft },
    keepPrivateKeys: !ownKey && canPersistSecrets && form.keepPrivateKey,
  };
  if (!ownKey) {
    const client: ClientOptions = {
      dns: splitList(form.dns),
      mtu: form.mtu.trim() === '' ? null : Number(form.mtu.trim()),
      allowedIps: splitList(form.clientAllowedIps),
    };
    const host = form.endpointHost.trim();
    if (host !== '') client.endpointHost = host;
    request.client = client;
  }
  return request;
}

// --- The edit form ---------------------------------------------------------------------------------

export type EditField =
  | 'name'
  | 'allowedIps'
  | 'keepalive'
  | 'checkAddress'
  | 'statusRule'
  | 'statusThresholds'
  | 'presharedKey'
  | 'quota'
  | 'expires'
  | 'schedule';

export interface EditPeerForm {
  name: string;
  allowedIps: string;
  keepalive: string;
  /** Empty: its host address (the first single-host AllowedIPs entry). */
  checkAddress: string;
  /** Empty: the server's rule. */
  statusRule: StatusRule | '';
  /** `ONLINE/STALE` seconds; empty: the fleet's thresholds. */
  statusThresholds: string;
  presharedKey: 'keep' | 'rotate' | 'remove';
  /** The file's spellings (`50GiB/month`, `2027-01-31`, `mon-fri 08:00-18:00 Europe/Berlin`); empty: none. */
  quota: string;
  expires: string;
  schedule: string;
}

export function editFormFromPeer(peer: ConfigPeerView): EditPeerForm {
  return {
    name: peer.name ?? '',
    allowedIps: peer.allowedIps.join(', '),
    keepalive: peer.persistentKeepalive === null ? '' : String(peer.persistentKeepalive),
    checkAddress: peer.checkAddress ?? '',
    statusRule: peer.statusRule ?? '',
    statusThresholds: peer.statusThresholds ? formatThresholds(peer.statusThresholds) : '',
    presharedKey: 'keep',
    quota: peer.quota ? formatQuota(peer.quota) : '',
    expires: peer.expiresAt === null ? '' : formatExpires(peer.expiresAt),
    schedule: peer.schedule ? formatSchedule(peer.schedule) : '',
  };
}

/**
 * A lifecycle rule as typed → its file spelling ('' for none), or null when it does not parse:
 * compared by spelling, so `50 GiB / month` against the file's `50GiB/month` is no change.
 */
function ruleSpelling<T>(text: string, parse: (text: string) => T | null, format: (value: T) => string) {
  if (text.trim() === '') return '';
  const value = parse(text);
  return value === null ? null : format(value);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Only what changed: omitted fields stay as they are. */
export function editFromForm(form: EditPeerForm, peer: ConfigPeerView): PeerEdit {
  const edit: PeerEdit = {};
  if (form.name !== (peer.name ?? '')) edit.name = form.name;
  const ips = splitList(form.allowedIps);
  if (!sameList(ips, peer.allowedIps)) edit.allowedIps = ips;
  const keepalive = parseKeepalive(form.keepalive);
  // 0 and empty both mean off.
  const normalized = keepalive === 0 ? null : keepalive;
  if (normalized !== peer.persistentKeepalive) edit.persistentKeepalive = normalized;
  const check = form.checkAddress.trim() === '' ? null : form.checkAddress.trim();
  if (check !== peer.checkAddress) edit.checkAddress = check;
  const rule = form.statusRule === '' ? null : form.statusRule;
  if (rule !== peer.statusRule) edit.statusRule = rule;
  const thresholds = form.statusThresholds.trim() === '' ? null : parseThresholdsText(form.statusThresholds);
  const before = peer.statusThresholds ? formatThresholds(peer.statusThresholds) : null;
  if ((thresholds ? formatThresholds(thresholds) : null) !== before) edit.statusThresholds = thresholds;
  if (form.presharedKey !== 'keep') edit.presharedKey = form.presharedKey;
  // Empty clears a rule; one that does not parse is the form's error, never sent.
  const quota = ruleSpelling(form.quota, parseQuota, formatQuota);
  if (quota !== null && quota !== (peer.quota ? formatQuota(peer.quota) : ''))
    edit.quota = quota === '' ? null : parseQuota(quota);
  const expires = ruleSpelling(form.expires, parseExpires, formatExpires);
  if (expires !== null && expires !== (peer.expiresAt === null ? '' : formatExpires(peer.expiresAt)))
    edit.expiresAt = expires === '' ? null : parseExpires(expires);
  const schedule = ruleSpelling(form.schedule, parseSchedule, formatSchedule);
  if (schedule !== null && schedule !== (peer.schedule ? formatSchedule(peer.schedule) : ''))
    edit.schedule = schedule === '' ? null : parseSchedule(schedule);
  return edit;
}

export function editFormErrors(form: EditPeerForm, peer: ConfigPeerView): FieldErrors<EditField> {
  const errors: FieldErrors<EditField> = {};
  // A peer without a name may stay without one; a name, once given, cannot be emptied.
  if (!(form.name === '' && peer.name === null)) {
    const name = peerNameProblem(form.name);
    if (name) errors.name = name;
  }
  const ips = cidrListProblem(splitList(form.allowedIps), true);
  if (ips) errors.allowedIps = ips;
  const keepalive = keepaliveProblem(parseKeepalive(form.keepalive));
  if (keepalive) errors.keepalive = keepalive;
  const check = form.checkAddress.trim();
  const checkProblem = check === '' ? null : checkAddressProblem(check);
  if (checkProblem) errors.checkAddress = checkProblem;
  if (form.statusThresholds.trim() !== '' && parseThresholdsText(form.statusThresholds) === null)
    errors.statusThresholds = THRESHOLDS_RULE;
  if (form.presharedKey === 'remove' && !peer.hasPresharedKey)
    errors.presharedKey = 'this peer has no preshared key';
  if (ruleSpelling(form.quota, parseQuota, formatQuota) === null) errors.quota = QUOTA_RULE;
  if (ruleSpelling(form.expires, parseExpires, formatExpires) === null) errors.expires = EXPIRES_RULE;
  if (ruleSpelling(form.schedule, parseSchedule, formatSchedule) === null) errors.schedule = SCHEDULE_RULE;
  return errors;
}

/** What an empty check address stands for, as typed so far (the first host of the allowed IPs). */
export function defaultCheckAddress(allowedIps: string): string | null {
  return hostAddressOf(splitList(allowedIps));
}

export function editChange(peer: ConfigPeerView, edit: PeerEdit): PeerChangeRequest {
  return { action: 'edit', peer: peer.publicKey, edit };
}

export function hasChanges(edit: PeerEdit): boolean {
  return Object.keys(edit).length > 0;
}

// --- The batch limits form ---------------------------------------------------------------------------

export type LimitsField = 'quota' | 'expires' | 'schedule';

/** One set of limits for many peers: empty leaves each peer's own rule as it is, `none` removes it. */
export interface BatchLimitsForm {
  quota: string;
  expires: string;
  schedule: string;
}

export const EMPTY_BATCH_LIMITS: BatchLimitsForm = { quota: '', expires: '', schedule: '' };

/** Unset (leave it), null (`none`: remove it), the rule, or `bad` when it does not parse. */
function batchRule<T>(text: string, parse: (text: string) => T | null): T | null | undefined | 'bad' {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^none$/i.test(t)) return null;
  return parse(t) ?? 'bad';
}

export function batchLimitsErrors(form: BatchLimitsForm): FieldErrors<LimitsField> {
  const errors: FieldErrors<LimitsField> = {};
  if (batchRule(form.quota, parseQuota) === 'bad') errors.quota = `${QUOTA_RULE}; none removes it`;
  if (batchRule(form.expires, parseExpires) === 'bad') errors.expires = `${EXPIRES_RULE}; none removes it`;
  if (batchRule(form.schedule, parseSchedule) === 'bad')
    errors.schedule = `${SCHEDULE_RULE}; none removes it`;
  return errors;
}

/** The edit every selected peer gets (call after `batchLimitsErrors` is empty). */
export function batchLimitsEdit(form: BatchLimitsForm): PeerEdit {
  const edit: PeerEdit = {};
  const quota = batchRule(form.quota, parseQuota);
  if (quota !== undefined && quota !== 'bad') edit.quota = quota;
  const expires = batchRule(form.expires, parseExpires);
  if (expires !== undefined && expires !== 'bad') edit.expiresAt = expires;
  const schedule = batchRule(form.schedule, parseSchedule);
  if (schedule !== undefined && schedule !== 'bad') edit.schedule = schedule;
  return edit;
}

// --- Engine problems on the form ---------------------------------------------------------------------

export interface Problem {
  field: string;
  message: string;
}

export interface MappedProblems<F extends string> {
  fields: FieldErrors<F>;
  /** Problems that belong to no field of this form, as `field: message`. */
  general: string[];
}

/** Change fields (`changes[0].<name>`) and client fields (`client.<name>`) → the form's fields. */
const CHANGE_FIELDS: Record<string, AddField | EditField> = {
  name: 'name',
  allowedIps: 'allowedIps',
  persistentKeepalive: 'keepalive',
  publicKey: 'publicKey',
  presharedKey: 'presharedKey',
  checkAddress: 'checkAddress',
  statusRule: 'statusRule',
  statusThresholds: 'statusThresholds',
  quota: 'quota',
  expiresAt: 'expires',
  schedule: 'schedule',
};
const CLIENT_FIELDS: Record<string, AddField> = {
  dns: 'dns',
  mtu: 'mtu',
  allowedIps: 'clientAllowedIps',
  endpointHost: 'endpointHost',
};

/**
 * The client config's own check (made while previewing) names its fields bare: `dns[0]`, `mtu`,
 * `allowedIps[0]` (the client's AllowedIPs), `endpointHost`; the peer's fields come as `changes[i].…`.
 */
const BARE_CLIENT_FIELDS: Record<string, AddField> = {
  ...CLIENT_FIELDS,
  endpointPort: 'endpointHost',
  name: 'name',
  persistentKeepalive: 'keepalive',
};

/**
 * The form field an engine problem belongs to: `changes[0].allowedIps[1]` → `allowedIps`,
 * `client.dns[0]` or bare `dns[0]` → `dns`, bare `allowedIps[0]` → `clientAllowedIps`. Null for
 * another change, the peer reference, or anything unknown.
 */
export function problemField(field: string, changeIndex = 0): AddField | EditField | null {
  const change = /^changes\[(\d+)\]\.([A-Za-z]+)(?:\[\d+\])?$/.exec(field);
  if (change) {
    if (Number(change[1]) !== changeIndex) return null;
    return CHANGE_FIELDS[change[2]!] ?? null;
  }
  const client = /^client\.([A-Za-z]+)(?:\[\d+\])?$/.exec(field);
  if (client) return CLIENT_FIELDS[client[1]!] ?? null;
  const bare = /^([A-Za-z]+)(?:\[\d+\])?$/.exec(field);
  if (bare) return BARE_CLIENT_FIELDS[bare[1]!] ?? null;
  return null;
}

/** The entry a problem names (`…allowedIps[1]` → 1), for "entry 2: …". */
function entryIndex(field: string): number | null {
  const m = /\[(\d+)\]$/.exec(field);
  return m && !/^changes\[\d+\]$/.test(field) ? Number(m[1]) : null;
}

/** Sorts problems onto the form's fields; several on one field are joined. */
export function mapProblems<F extends string>(
  problems: readonly Problem[],
  fields: readonly F[],
  changeIndex = 0,
): MappedProblems<F> {
  const known = new Set<string>(fields);
  const mapped: MappedProblems<F> = { fields: {}, general: [] };
  for (const problem of problems) {
    const field = problemField(problem.field, changeIndex);
    if (field !== null && known.has(field)) {
      const key = field as F;
      const index = entryIndex(problem.field);
      // Engine messages about one entry quote it; say which entry only when they do not.
      const message =
        index !== null && !problem.message.includes('"')
          ? `entry ${index + 1}: ${problem.message}`
          : problem.message;
      mapped.fields[key] = mapped.fields[key] ? `${mapped.fields[key]}; ${message}` : message;
    } else {
      mapped.general.push(`${problem.field}: ${problem.message}`);
    }
  }
  return mapped;
}

/**
 * A failed `peers:preview` on a form: `INVALID_INPUT` problems next to their fields, anything else
 * (another code, a problem of no field here, a transport's message without problems) at the top.
 */
export function formErrorsFromApi<F extends string>(
  error: ApiError,
  fields: readonly F[],
  changeIndex = 0,
): MappedProblems<F> {
  const problems = error.code === 'INVALID_INPUT' ? error.details?.problems : undefined;
  if (problems && problems.length > 0) return mapProblems(problems, fields, changeIndex);
  const { title } = explainError(error.code);
  return {
    fields: {},
    general: [error.code === 'INVALID_INPUT' ? error.message : `${title}: ${error.message}`],
  };
}

/** A zod issue path of a `peers:preview` request → the engine's field naming (`changes[0].name`). */
export function fieldOfPath(path: readonly PropertyKey[]): string {
  const parts = [...path];
  if (parts[0] === 'operation') parts.shift();
  // changes[i].draft.name and changes[i].edit.name are the engine's changes[i].name.
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if ((part === 'draft' || part === 'edit') && i === 2 && parts[0] === 'changes') continue;
    if (typeof part === 'number') {
      const last = out.pop() ?? '';
      out.push(`${last}[${part}]`);
    } else out.push(String(part));
  }
  return out.join('.');
}

/** The contract's own check of a preview request (sizes, ranges), as problems named like the engine's. */
export function contractProblems(request: PreviewRequest): Problem[] {
  const parsed = peerSchemas.preview.safeParse(request);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => ({ field: fieldOfPath(issue.path), message: issue.message }));
}

// --- The confirm timeout -----------------------------------------------------------------------------

export const DEFAULT_CONFIRM_TIMEOUT = 60;

/** Seconds before the server rolls back on its own: a whole number from 10 to 3600. */
export function parseConfirmTimeout(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,4}$/.test(t)) return null;
  const value = Number(t);
  return value >= 10 && value <= 3600 ? value : null;
}
