/**
 * A lossless model of a wg-quick config file (`/etc/wireguard/IF.conf`).
 *
 * Round trip: `serializeConfig(parseConfig(text)) === text` for any text, byte for byte (comments,
 * blank lines, unknown keys, key case, spacing, CRLF, a missing final newline). The file is kept as
 * its lines, grouped into blocks; an edit replaces only the lines it changes: a value is replaced
 * inside its line (`allowedips=198.18.0.2/32   # bob` keeps its spelling, spacing and comment), a
 * removed field loses its line, a new field gets one canonical line, a new peer one canonical block
 * appended at the end.
 *
 * Reading follows wg and wg-quick: `#` starts a comment anywhere on a line; keys are
 * case-insensitive; wg-quick's own keys (Address, DNS, MTU, Table, Pre/PostUp/Down, SaveConfig) are
 * matched on the trimmed key, wg's on the key with all whitespace removed, and wg's values have all
 * whitespace removed (`198.18.0.2/32, 2001:2:0:1000::2/128` → two entries). Whatever either tool would refuse
 * is reported by `configProblems` as fatal, with its line number.
 *
 * Conventions (also in README.md next to this file):
 *
 * - **Names** are written as the first line inside the peer's block: `# Name = alice`. Read, in this
 *   order: `# Name = …` / `# Name: …` inside the block, `# friendly_name = …` inside the block
 *   (prometheus_wireguard_exporter), then the comment lines just above `[Peer]` with no blank line
 *   between: `# Name: …` (wireguard-ui), `# friendly_name = …`, `# Client: NAME (id)` (wg-easy),
 *   `### Client NAME` (wireguard-install), `### begin NAME ###` (PiVPN), `# BEGIN_PEER NAME`
 *   (Nyr's wireguard-install), else a plain comment directly above `[Peer]`, else a plain comment
 *   directly below it. A rename rewrites our `# Name` line (or `# friendly_name`) in place, else adds
 *   `# Name = …` under `[Peer]`; other tools' markers are left alone. A name as read is cleaned
 *   (control, invisible and direction-changing characters removed, at most 64 characters), since
 *   whatever a file holds ends up on a terminal.
 * - **Disabled peers** stay in the file, commented out under a marker, every line prefixed `#! `
 *   (`#!` alone for an empty line) so the block's extent is unambiguous and enabling restores the
 *   exact original lines (comments above `[Peer]` included):
 *
 *   ```
 *   #! wgdeck disabled
 *   #! [Peer]
 *   #! # Name = alice
 *   #! PublicKey = …
 *   #! AllowedIPs = 198.18.0.2/32
 *   ```
 *
 *   wg and wg-quick see only comments. A marker block that does not hold exactly one `[Peer]`, or
 *   that sits before lines wg would still read as part of the section above, is left as plain
 *   comments with a warning.
 * - **Ownership of comments**: a block owns the comment lines directly above its header (no blank
 *   line between), so removing or disabling a peer takes its `### begin alice ###` along; blank
 *   lines and comments after a block's last entry stay with that block (PiVPN's `### end alice ###`).
 */

import { isValidHost } from '../../../shared/validation.ts';
import { cleanName } from '../collector/text-fields.ts';
import { checkAddressProblem } from '../../../shared/check-address.ts';
import type { StatusRule } from '../../../shared/domain.ts';
import {
  formatThresholds,
  parseStatusRule,
  parseThresholdsText,
  peerThresholdsSchema,
  THRESHOLDS_RULE,
  type PeerThresholds,
} from '../../../shared/peer-options.ts';
import {
  DISABLED_BY_RULE,
  EXPIRES_RULE,
  expiresAtSchema,
  formatDisabledBy,
  formatExpires,
  formatQuota,
  formatSchedule,
  parseDisabledBy,
  parseExpires,
  parseQuota,
  parseSchedule,
  QUOTA_RULE,
  quotaSchema,
  SCHEDULE_RULE,
  scheduleInputSchema,
  type DisabledBy,
  type Quota,
  type Schedule,
} from '../../../shared/peer-lifecycle.ts';
import { isWireGuardKey } from '../collector/wg-key.ts';
import { formatPrefix, hasHostBits, parsePrefix } from './ip.ts';
import { isZeroKey } from './keys.ts';
import type { FieldProblem } from './validate.ts';
import {
  checkAllowedIps,
  checkKeepalive,
  checkKey,
  checkName,
  PeerInputError,
  throwIfProblems,
} from './validate.ts';

export type Eol = '' | '\n' | '\r\n';

export interface ConfigLine {
  /** The line without its end of line. */
  readonly text: string;
  /** `''` only for a last line without a final newline. */
  readonly eol: Eol;
}

export type BlockKind = 'preamble' | 'interface' | 'peer' | 'disabled' | 'section';

/**
 * A run of lines: the preamble (before the first section), a section (`[Interface]`, `[Peer]`, an
 * unknown `[…]`), or a disabled peer. `head` is the index of the header (or marker) line in `lines`;
 * the lines before it are the comments it owns; the lines after it run up to the next block.
 */
export interface Block {
  readonly kind: BlockKind;
  readonly lines: readonly ConfigLine[];
  readonly head: number;
  /** For `peer` and `disabled` blocks. */
  readonly peer: PeerFields | null;
}

export interface ConfigFile {
  readonly blocks: readonly Block[];
  /** The file's dominant line ending, used for every line an edit adds. */
  readonly eol: '\n' | '\r\n';
}

/** A peer as the file describes it. */
export interface FilePeer {
  /** null when the block has no valid PublicKey (such a peer cannot be managed; see problems). */
  publicKey: string | null;
  name: string | null;
  /** `# CheckAddress = …` in the block: what its ping check pings instead of its host address. */
  checkAddress: string | null;
  /** `# StatusRule = …`: its own status rule. */
  statusRule: StatusRule | null;
  /** `# StatusThresholds = ONLINE/STALE`: its own thresholds. */
  statusThresholds: PeerThresholds | null;
  /** Its lifecycle rules (shared/peer-lifecycle.ts): `# Quota`, `# Expires` (ms), `# Schedule`. */
  quota: Quota | null;
  expiresAt: number | null;
  schedule: Schedule | null;
  /** `# DisabledBy = …`: why the enforcer disabled it (written by disable, removed by enable). */
  disabledBy: DisabledBy | null;
  /** The key itself (the file is secret); null when none or all zero (which wg treats as none). */
  presharedKey: string | null;
  /** Entries as written, in order (wg's view: whitespace removed; several lines concatenated). */
  allowedIps: string[];
  endpoint: string | null;
  /** Seconds; null when absent, 0 or off. */
  persistentKeepalive: number | null;
  disabled: boolean;
  /** 1-based line of `[Peer]` (of the marker for a disabled peer). */
  line: number;
}

export interface FileInterface {
  /** Whether the file has an `[Interface]` section at all. */
  present: boolean;
  /** `Address` entries as written, e.g. `198.18.0.1/24`, `2001:2:0:1000::1/64`. */
  addresses: string[];
  listenPort: number | null;
  /** The key text (secret); null when absent or invalid. */
  privateKey: string | null;
  /** null when absent or off. */
  fwmark: number | null;
  dns: string[];
  mtu: number | null;
  table: string | null;
  preUp: string[];
  postUp: string[];
  preDown: string[];
  postDown: string[];
  /** `SaveConfig = true`: a `wg-quick down` rewrites the file from the live state, losing edits. */
  saveConfig: boolean;
}

export interface ConfigProblem {
  /** 1-based. */
  line: number;
  message: string;
  /** Whether wg or wg-quick would refuse the file because of it. */
  fatal: boolean;
}

/** Fields of a peer to write. */
export interface NewPeer {
  publicKey: string;
  name: string | null;
  presharedKey: string | null;
  allowedIps: readonly string[];
  persistentKeepalive: number | null;
  endpoint?: string | null;
}

/** Fields to change; omitted = unchanged, null = remove the field. */
export interface PeerUpdate {
  name?: string | null;
  /** `# CheckAddress = …`; null removes it. */
  checkAddress?: string | null;
  /** `# StatusRule = …`; null removes it. */
  statusRule?: StatusRule | null;
  /** `# StatusThresholds = …`; null removes it. */
  statusThresholds?: PeerThresholds | null;
  /** `# Quota`, `# Expires` (ms), `# Schedule`; null removes them. */
  quota?: Quota | null;
  expiresAt?: number | null;
  schedule?: Schedule | null;
  presharedKey?: string | null;
  allowedIps?: readonly string[];
  persistentKeepalive?: number | null;
  endpoint?: string | null;
}

export const DISABLED_MARKER = '#! wgdeck disabled';
const DISABLED_PREFIX = '#!';

// --- lines ---------------------------------------------------------------------------------------

function splitLines(text: string): ConfigLine[] {
  const lines: ConfigLine[] = [];
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) {
      if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
      return lines;
    }
    if (newline > start && text.charCodeAt(newline - 1) === 13) {
      lines.push({ text: text.slice(start, newline - 1), eol: '\r\n' });
    } else {
      lines.push({ text: text.slice(start, newline), eol: '\n' });
    }
    start = newline + 1;
  }
}

/** wg's and bash's whitespace: space, \t, \n, \v, \f, \r. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

function removeSpaces(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (!isSpace(text.charCodeAt(i))) out += text[i];
  }
  return out;
}

type LineKind = 'blank' | 'comment' | 'header' | 'entry' | 'invalid';

interface LineInfo {
  kind: LineKind;
  /** header: the name with whitespace removed, lowercase (`[peer]`). entry: the trimmed key, lowercase. */
  name: string;
  /** entry: the key with all whitespace removed, lowercase (wg's view). */
  wgKey: string;
  /** entry: where the trimmed value starts and ends in the line's text. */
  valueStart: number;
  valueEnd: number;
}

function classify(text: string): LineInfo {
  const hash = text.indexOf('#');
  const end = hash < 0 ? text.length : hash;
  let start = 0;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  let stop = end;
  while (stop > start && isSpace(text.charCodeAt(stop - 1))) stop--;
  if (start === stop) {
    return { kind: hash < 0 ? 'blank' : 'comment', name: '', wgKey: '', valueStart: 0, valueEnd: 0 };
  }
  if (text.charCodeAt(start) === 91 /* [ */) {
    return {
      kind: 'header',
      name: removeSpaces(text.slice(start, stop)).toLowerCase(),
      wgKey: '',
      valueStart: 0,
      valueEnd: 0,
    };
  }
  const equals = text.indexOf('=', start);
  if (equals < 0 || equals >= stop) {
    return { kind: 'invalid', name: '', wgKey: '', valueStart: 0, valueEnd: 0 };
  }
  let keyEnd = equals;
  while (keyEnd > start && isSpace(text.charCodeAt(keyEnd - 1))) keyEnd--;
  let valueStart = equals + 1;
  while (valueStart < stop && isSpace(text.charCodeAt(valueStart))) valueStart++;
  const key = text.slice(start, keyEnd);
  return {
    kind: 'entry',
    name: key.toLowerCase(),
    wgKey: removeSpaces(key).toLowerCase(),
    valueStart,
    valueEnd: stop,
  };
}

function valueOf(line: ConfigLine, info: LineInfo): string {
  return line.text.slice(info.valueStart, info.valueEnd);
}

function isMarker(text: string): boolean {
  return /^#![ \t]*wgdeck[ \t]+disabled(?:[ \t].*)?$/i.test(text);
}

function isContinuation(text: string): boolean {
  return text.startsWith(DISABLED_PREFIX) && !isMarker(text);
}

function commentOut(line: ConfigLine): ConfigLine {
  return { text: line.text === '' ? DISABLED_PREFIX : `${DISABLED_PREFIX} ${line.text}`, eol: line.eol };
}

function uncomment(line: ConfigLine): ConfigLine {
  let text = line.text.slice(DISABLED_PREFIX.length);
  if (text.startsWith(' ')) text = text.slice(1);
  return { text, eol: line.eol };
}

// --- keys ----------------------------------------------------------------------------------------

const WG_QUICK_KEYS = new Set([
  'address',
  'dns',
  'mtu',
  'table',
  'preup',
  'postup',
  'predown',
  'postdown',
  'saveconfig',
]);

/** Canonical spelling of the keys we write. */
const KEY_SPELLING: Record<string, string> = {
  publickey: 'PublicKey',
  presharedkey: 'PresharedKey',
  allowedips: 'AllowedIPs',
  endpoint: 'Endpoint',
  persistentkeepalive: 'PersistentKeepalive',
  saveconfig: 'SaveConfig',
};

// --- peer fields ---------------------------------------------------------------------------------

/** A peer block's fields, parsed once when the block is made. Problems are relative to the block. */
interface PeerFields {
  publicKey: string | null;
  name: string | null;
  checkAddress: string | null;
  statusRule: StatusRule | null;
  statusThresholds: PeerThresholds | null;
  quota: Quota | null;
  expiresAt: number | null;
  schedule: Schedule | null;
  disabledBy: DisabledBy | null;
  presharedKey: string | null;
  allowedIps: string[];
  endpoint: string | null;
  persistentKeepalive: number | null;
  problems: { index: number; message: string; fatal: boolean }[];
}

const NAME_RE = /^[ \t]*#[ \t]*name[ \t]*[=:][ \t]*(.*?)[ \t]*$/di;
const FRIENDLY_RE = /^[ \t]*#[ \t]*friendly_name[ \t]*=[ \t]*(.*?)[ \t]*$/di;
/**
 * WG Deck's own peer options, beside the name: monitoring (shared/peer-options.ts: `# CheckAddress`,
 * `# StatusRule`, `# StatusThresholds`) and lifecycle (shared/peer-lifecycle.ts: `# Quota`,
 * `# Expires`, `# Schedule`, `# DisabledBy`). Group 1 is the key, group 2 the value.
 */
const OPTION_RE =
  /^[ \t]*#[ \t]*(checkaddress|statusrule|statusthresholds|quota|expires|schedule|disabledby)[ \t]*=[ \t]*(.*?)[ \t]*$/di;
type OptionKey =
  'checkaddress' | 'statusrule' | 'statusthresholds' | 'quota' | 'expires' | 'schedule' | 'disabledby';
const OPTION_SPELLING: Record<OptionKey, string> = {
  checkaddress: 'CheckAddress',
  statusrule: 'StatusRule',
  statusthresholds: 'StatusThresholds',
  quota: 'Quota',
  expires: 'Expires',
  schedule: 'Schedule',
  disabledby: 'DisabledBy',
};

/** Reads one option comment into `fields`; a value it cannot read is a warning, never a guess. */
function readOption(
  text: string,
  fields: PeerFields,
  problem: (message: string, fatal?: boolean) => void,
): void {
  const match = OPTION_RE.exec(text);
  if (!match) return;
  const key = match[1]!.toLowerCase() as OptionKey;
  const value = match[2]!;
  const shown = JSON.stringify(value.slice(0, 64));
  if (key === 'checkaddress' && fields.checkAddress === null) {
    if (checkAddressProblem(value) === null) fields.checkAddress = value;
    else problem(`CheckAddress ${shown} is not an address`, false);
  } else if (key === 'statusrule' && fields.statusRule === null) {
    fields.statusRule = parseStatusRule(value);
    if (fields.statusRule === null) problem(`StatusRule ${shown} is not handshake, ping or either`, false);
  } else if (key === 'statusthresholds' && fields.statusThresholds === null) {
    fields.statusThresholds = parseThresholdsText(value);
    if (fields.statusThresholds === null) problem(`StatusThresholds ${shown}: ${THRESHOLDS_RULE}`, false);
  } else if (key === 'quota' && fields.quota === null) {
    fields.quota = parseQuota(value);
    if (fields.quota === null) problem(`Quota ${shown}: ${QUOTA_RULE}`, false);
  } else if (key === 'expires' && fields.expiresAt === null) {
    fields.expiresAt = parseExpires(value);
    if (fields.expiresAt === null) problem(`Expires ${shown}: ${EXPIRES_RULE}`, false);
  } else if (key === 'schedule' && fields.schedule === null) {
    fields.schedule = parseSchedule(value);
    if (fields.schedule === null) problem(`Schedule ${shown}: ${SCHEDULE_RULE}`, false);
  } else if (key === 'disabledby' && fields.disabledBy === null) {
    fields.disabledBy = parseDisabledBy(value);
    if (fields.disabledBy === null) problem(`DisabledBy ${shown}: ${DISABLED_BY_RULE}`, false);
  }
}
/** Other tools' comments above `[Peer]`, each capturing the name. */
const LEADING_NAME_RES = [
  NAME_RE,
  FRIENDLY_RE,
  /^[ \t]*#[ \t]*client[ \t]*:[ \t]*(.+?)(?:[ \t]+\([^()]*\))?[ \t]*$/i, // wg-easy: "# Client: alice (id)"
  /^[ \t]*###[ \t]*client[ \t]+(.+?)[ \t]*$/i, // wireguard-install: "### Client alice"
  /^[ \t]*###[ \t]*begin[ \t]+(.+?)[ \t]*###[ \t]*$/i, // PiVPN: "### begin alice ###"
  /^[ \t]*#[ \t]*BEGIN_PEER[ \t]+(.+?)[ \t]*$/i, // Nyr: "# BEGIN_PEER alice"
];
/** Comments that close the block above (PiVPN, Nyr): never taken as the next block's own comments. */
const END_MARKER_RE = /^[ \t]*#+[ \t]*(?:end[ \t]+.*###|END_PEER\b)/i;
const PLAIN_COMMENT_RE = /^[ \t]*#+[ \t]*([^#]+?)[ \t]*#*[ \t]*$/;
const PLAIN_NAME_MAX = 64;

function plainName(text: string): string | null {
  const match = PLAIN_COMMENT_RE.exec(text);
  const name = match?.[1];
  if (
    name === undefined ||
    name.length > PLAIN_NAME_MAX ||
    name.includes('=') ||
    text.startsWith(DISABLED_PREFIX)
  ) {
    return null;
  }
  return name;
}

/**
 * A name as read goes to terminals and pages: another tool (or a hostile server) may have written
 * anything into the comment, so it is cleaned like every text from a server (safe-text.ts). The
 * line itself stays as it is in the file.
 */
function shownName(name: string | null): string | null {
  if (name === null) return null;
  const clean = cleanName(name);
  return clean === '' ? null : clean;
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/** The name per the conventions in the header comment. */
function readName(lines: readonly ConfigLine[], infos: readonly LineInfo[], head: number): string | null {
  for (let i = head + 1; i < lines.length; i++) {
    if (infos[i]!.kind === 'comment') {
      const name = nonEmpty(NAME_RE.exec(lines[i]!.text)?.[1]);
      if (name !== null) return name;
    }
  }
  for (let i = head + 1; i < lines.length; i++) {
    if (infos[i]!.kind === 'comment') {
      const name = nonEmpty(FRIENDLY_RE.exec(lines[i]!.text)?.[1]);
      if (name !== null) return name;
    }
  }
  for (let i = head - 1; i >= 0; i--) {
    for (const re of LEADING_NAME_RES) {
      const name = nonEmpty(re.exec(lines[i]!.text)?.[1]);
      if (name !== null) return name;
    }
  }
  if (head > 0) {
    const name = plainName(lines[head - 1]!.text);
    if (name !== null) return name;
  }
  const below = lines[head + 1];
  if (below !== undefined && infos[head + 1]!.kind === 'comment') return plainName(below.text);
  return null;
}

function parseKeepalive(value: string): number | null | undefined {
  if (value.toLowerCase() === 'off') return null;
  if (!/^\d{1,5}$/.test(value)) return undefined;
  const seconds = Number(value);
  if (seconds > 65535) return undefined;
  return seconds === 0 ? null : seconds;
}

/** `host:port` or `[v6]:port` as wg reads it (a host name is resolved on the server). */
export function isEndpointText(value: string): boolean {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!match) return false;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return false;
  if (match[1] === undefined) return isValidHost(match[2]!);
  const host = match[1].replace(/%[^%]+$/, ''); // an IPv6 zone, `[2001:2:0:1000::1%eth0]`
  return host.includes(':') && isValidHost(host);
}

function readPeer(lines: readonly ConfigLine[], head: number, known?: readonly LineInfo[]): PeerFields {
  const infos = known ?? lines.map((line) => classify(line.text));
  const fields: PeerFields = {
    publicKey: null,
    name: shownName(readName(lines, infos, head)),
    checkAddress: null,
    statusRule: null,
    statusThresholds: null,
    quota: null,
    expiresAt: null,
    schedule: null,
    disabledBy: null,
    presharedKey: null,
    allowedIps: [],
    endpoint: null,
    persistentKeepalive: null,
    problems: [],
  };
  let sawPublicKey = false;
  for (let i = head + 1; i < lines.length; i++) {
    const info = infos[i]!;
    const problem = (message: string, fatal = true): void => {
      fields.problems.push({ index: i, message, fatal });
    };
    if (info.kind === 'comment') readOption(lines[i]!.text, fields, problem);
    if (info.kind === 'blank' || info.kind === 'comment') continue;
    if (info.kind !== 'entry') {
      problem(info.kind === 'header' ? 'unexpected section header' : 'not a "Key = value" line');
      continue;
    }
    const value = removeSpaces(valueOf(lines[i]!, info));
    switch (info.wgKey) {
      case 'publickey':
        if (sawPublicKey) problem('a second PublicKey in the same [Peer] replaces the first', false);
        sawPublicKey = true;
        if (isWireGuardKey(value)) fields.publicKey = value;
        else problem('PublicKey is not a WireGuard key');
        break;
      case 'presharedkey':
        if (isWireGuardKey(value)) fields.presharedKey = isZeroKey(value) ? null : value;
        else problem('PresharedKey is not a WireGuard key');
        break;
      case 'allowedips':
        for (const entry of value.split(',')) {
          if (entry === '') continue;
          const prefix = parsePrefix(entry);
          if (prefix === null) problem(`AllowedIPs entry ${JSON.stringify(entry)} is not an address/prefix`);
          fields.allowedIps.push(entry);
        }
        break;
      case 'endpoint':
        if (!isEndpointText(value)) problem('Endpoint is not host:port or [IPv6]:port');
        fields.endpoint = value;
        break;
      case 'persistentkeepalive': {
        const seconds = parseKeepalive(value);
        if (seconds === undefined) problem('PersistentKeepalive is neither off nor 0–65535');
        else fields.persistentKeepalive = seconds;
        break;
      }
      default:
        problem(
          `unknown key ${JSON.stringify(lines[i]!.text.slice(0, info.valueStart).split('=')[0]!.trim())} in [Peer]`,
        );
    }
  }
  if (!sawPublicKey)
    fields.problems.push({ index: head, message: 'this [Peer] has no PublicKey', fatal: true });
  return fields;
}

// --- blocks --------------------------------------------------------------------------------------

function kindOfHeader(name: string): BlockKind {
  if (name === '[interface]') return 'interface';
  if (name === '[peer]') return 'peer';
  return 'section';
}

/** `infos`: the lines' classification when the caller has it already (parsing). */
function makeBlock(
  kind: BlockKind,
  lines: readonly ConfigLine[],
  head: number,
  infos?: readonly LineInfo[],
): Block {
  let peer: PeerFields | null = null;
  if (kind === 'peer') peer = readPeer(lines, head, infos);
  else if (kind === 'disabled') {
    const inner = disabledInner({ kind, lines, head, peer: null });
    peer = inner && readPeer(inner.lines, inner.head);
  }
  return { kind, lines, head, peer };
}

/** Index after the last line of a disabled block's commented-out part. */
function disabledEnd(lines: readonly ConfigLine[], head: number): number {
  let end = head + 1;
  while (end < lines.length && isContinuation(lines[end]!.text)) end++;
  return end;
}

/**
 * The peer inside a disabled block, uncommented: its lines (comments above `[Peer]`, the header, the
 * body) and the header's index. Null when the commented part is not exactly one `[Peer]` block.
 */
function disabledInner(block: Block): { lines: ConfigLine[]; head: number; end: number } | null {
  const end = disabledEnd(block.lines, block.head);
  const lines = block.lines.slice(block.head + 1, end).map(uncomment);
  let head = -1;
  for (const [index, line] of lines.entries()) {
    const info = classify(line.text);
    if (info.kind === 'header') {
      if (head >= 0 || info.name !== '[peer]') return null;
      head = index;
    } else if (head < 0 && (info.kind === 'entry' || info.kind === 'invalid')) {
      return null;
    }
  }
  return head < 0 ? null : { lines, head, end };
}

/** Parses any text; never throws. What wg would refuse is reported by `configProblems`. */
export function parseConfig(text: string): ConfigFile {
  const lines = splitLines(text);
  const infos = lines.map((line) => classify(line.text));
  let crlf = 0;
  for (const line of lines) if (line.eol === '\r\n') crlf++;
  const eol = crlf * 2 > lines.length ? '\r\n' : '\n';

  // Heads: every section header, and every disabled-peer marker that can stand as its own block.
  const heads: { index: number; kind: BlockKind }[] = [];
  const owned = new Uint8Array(lines.length); // lines of a disabled block's commented part
  let regionStart = 0;
  const scanRegion = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      if (!isMarker(lines[i]!.text)) continue;
      const end = disabledEnd(lines, i);
      const candidate = makeBlock('disabled', lines.slice(i, end), 0);
      let tailIsComments = true;
      for (let j = end; j < to; j++) {
        const kind = infos[j]!.kind;
        if (kind === 'entry' || kind === 'invalid') tailIsComments = false;
      }
      if (candidate.peer !== null && tailIsComments) {
        heads.push({ index: i, kind: 'disabled' });
        for (let j = i; j < end; j++) owned[j] = 1;
      }
      i = end - 1;
    }
  };
  for (let i = 0; i < lines.length; i++) {
    if (infos[i]!.kind !== 'header') continue;
    scanRegion(regionStart, i);
    heads.push({ index: i, kind: kindOfHeader(infos[i]!.name) });
    regionStart = i + 1;
  }
  scanRegion(regionStart, lines.length);
  heads.sort((a, b) => a.index - b.index);

  // Each head takes the comment lines directly above it (not another block's, not past a blank).
  const starts = heads.map((head, n) => {
    const floor = n === 0 ? 0 : heads[n - 1]!.index + 1;
    let start = head.index;
    while (
      start > floor &&
      infos[start - 1]!.kind === 'comment' &&
      owned[start - 1] === 0 &&
      !END_MARKER_RE.test(lines[start - 1]!.text)
    ) {
      start--;
    }
    return start;
  });

  const blocks: Block[] = [];
  const firstStart = starts[0] ?? lines.length;
  if (firstStart > 0) blocks.push(makeBlock('preamble', lines.slice(0, firstStart), -1));
  heads.forEach((head, n) => {
    const start = starts[n]!;
    const end = starts[n + 1] ?? lines.length;
    blocks.push(makeBlock(head.kind, lines.slice(start, end), head.index - start, infos.slice(start, end)));
  });
  return { blocks, eol };
}

export function serializeConfig(file: ConfigFile): string {
  const parts: string[] = [];
  for (const block of file.blocks) {
    for (const line of block.lines) parts.push(line.text, line.eol);
  }
  return parts.join('');
}

// --- reading -------------------------------------------------------------------------------------

/** Every peer, enabled and disabled, in file order. */
export function configPeers(file: ConfigFile): FilePeer[] {
  const peers: FilePeer[] = [];
  let offset = 0;
  for (const block of file.blocks) {
    if (block.peer !== null) {
      const fields = block.peer;
      peers.push({
        publicKey: fields.publicKey,
        name: fields.name,
        checkAddress: fields.checkAddress,
        statusRule: fields.statusRule,
        statusThresholds: fields.statusThresholds,
        quota: fields.quota,
        expiresAt: fields.expiresAt,
        schedule: fields.schedule,
        disabledBy: fields.disabledBy,
        presharedKey: fields.presharedKey,
        allowedIps: fields.allowedIps,
        endpoint: fields.endpoint,
        persistentKeepalive: fields.persistentKeepalive,
        disabled: block.kind === 'disabled',
        line: offset + block.head + 1,
      });
    }
    offset += block.lines.length;
  }
  return peers;
}

/** The peer with this public key, or null. */
export function findPeer(file: ConfigFile, publicKey: string): FilePeer | null {
  return configPeers(file).find((peer) => peer.publicKey === publicKey) ?? null;
}

function parseUintText(value: string, max: number): number | null {
  if (!/^\d{1,10}$/.test(value)) return null;
  const number = Number(value);
  return number <= max ? number : null;
}

function parseFwmark(value: string): number | null | undefined {
  if (value.toLowerCase() === 'off') return null;
  const number = /^0x[0-9a-f]{1,8}$/i.test(value)
    ? parseInt(value.slice(2), 16)
    : parseUintText(value, 0xffffffff);
  if (number === null) return undefined;
  return number === 0 ? null : number;
}

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

interface InterfaceRead {
  fields: FileInterface;
  problems: { index: number; message: string; fatal: boolean }[];
}

function readInterface(blocks: readonly Block[]): { fields: FileInterface; problems: ConfigProblem[] } {
  const fields: FileInterface = {
    present: false,
    addresses: [],
    listenPort: null,
    privateKey: null,
    fwmark: null,
    dns: [],
    mtu: null,
    table: null,
    preUp: [],
    postUp: [],
    preDown: [],
    postDown: [],
    saveConfig: false,
  };
  const problems: ConfigProblem[] = [];
  let offset = 0;
  for (const block of blocks) {
    if (block.kind === 'interface') {
      if (fields.present)
        problems.push({
          line: offset + block.head + 1,
          message: 'a second [Interface] section',
          fatal: false,
        });
      fields.present = true;
      const read: InterfaceRead = { fields, problems: [] };
      readInterfaceBlock(block, read);
      for (const problem of read.problems) {
        problems.push({ line: offset + problem.index + 1, message: problem.message, fatal: problem.fatal });
      }
    }
    offset += block.lines.length;
  }
  return { fields, problems };
}

function readInterfaceBlock(block: Block, read: InterfaceRead): void {
  const { fields } = read;
  for (let i = block.head + 1; i < block.lines.length; i++) {
    const line = block.lines[i]!;
    const info = classify(line.text);
    if (info.kind === 'blank' || info.kind === 'comment') continue;
    const problem = (message: string, fatal = true): void => {
      read.problems.push({ index: i, message, fatal });
    };
    if (info.kind !== 'entry') {
      problem('not a "Key = value" line');
      continue;
    }
    const trimmed = valueOf(line, info);
    if (WG_QUICK_KEYS.has(info.name)) {
      switch (info.name) {
        case 'address':
          fields.addresses.push(...commaList(trimmed));
          break;
        case 'dns':
          fields.dns.push(...commaList(trimmed));
          break;
        case 'mtu':
          fields.mtu = parseUintText(trimmed, 65535);
          if (fields.mtu === null) problem('MTU is not a number', false);
          break;
        case 'table':
          fields.table = trimmed;
          break;
        case 'preup':
          fields.preUp.push(trimmed);
          break;
        case 'postup':
          fields.postUp.push(trimmed);
          break;
        case 'predown':
          fields.preDown.push(trimmed);
          break;
        case 'postdown':
          fields.postDown.push(trimmed);
          break;
        case 'saveconfig': {
          const flag = trimmed.toLowerCase();
          if (flag === 'true') fields.saveConfig = true;
          else if (flag === 'false') fields.saveConfig = false;
          else problem('SaveConfig is neither true nor false (wg-quick refuses the file)');
          break;
        }
      }
      continue;
    }
    const value = removeSpaces(trimmed);
    switch (info.wgKey) {
      case 'listenport':
        fields.listenPort = parseUintText(value, 65535);
        if (fields.listenPort === null) problem('ListenPort is not a port number', false);
        break;
      case 'fwmark': {
        const mark = parseFwmark(value);
        if (mark === undefined) problem('FwMark is neither off nor 0–0xffffffff');
        else fields.fwmark = mark;
        break;
      }
      case 'privatekey':
        if (isWireGuardKey(value)) fields.privateKey = value;
        else problem('PrivateKey is not a WireGuard key');
        break;
      default:
        problem(
          `unknown key ${JSON.stringify(line.text.slice(0, info.valueStart).split('=')[0]!.trim())} in [Interface]`,
        );
    }
  }
}

export function configInterface(file: ConfigFile): FileInterface {
  return readInterface(file.blocks).fields;
}

/**
 * What wg or wg-quick would refuse (fatal) and what deserves a look (duplicate peers, host bits in
 * allowed IPs, marker blocks that are not valid disabled peers), in line order.
 */
export function configProblems(file: ConfigFile): ConfigProblem[] {
  const problems: ConfigProblem[] = [...readInterface(file.blocks).problems];
  const seen = new Map<string, number>();
  let offset = 0;
  for (const block of file.blocks) {
    const disabled = block.kind === 'disabled';
    if (block.kind === 'section') {
      problems.push({
        line: offset + block.head + 1,
        message: 'unknown section (wg refuses it)',
        fatal: true,
      });
    }
    if (block.kind === 'preamble' || block.kind === 'section') {
      block.lines.forEach((line, index) => {
        const kind = classify(line.text).kind;
        if (kind === 'entry' || kind === 'invalid') {
          problems.push({
            line: offset + index + 1,
            message: 'a line outside [Interface] and [Peer]',
            fatal: true,
          });
        }
      });
    }
    block.lines.forEach((line, index) => {
      if (isMarker(line.text) && !(disabled && index === block.head)) {
        problems.push({
          line: offset + index + 1,
          message: `a "${DISABLED_MARKER}" block that is not one disabled [Peer] followed only by comments: left as comments`,
          fatal: false,
        });
      }
    });
    const peer = block.peer;
    if (peer !== null) {
      // A disabled peer's problems are relative to its uncommented lines, which start after the marker.
      const base = disabled ? offset + block.head + 1 : offset;
      for (const problem of peer.problems) {
        problems.push({
          line: base + problem.index + 1,
          message: disabled ? `disabled peer: ${problem.message}` : problem.message,
          fatal: problem.fatal && !disabled,
        });
      }
      for (const entry of peer.allowedIps) {
        const prefix = parsePrefix(entry);
        if (prefix !== null && hasHostBits(prefix)) {
          problems.push({
            line: offset + block.head + 1,
            message: `AllowedIPs ${entry} has host bits set`,
            fatal: false,
          });
        }
      }
      if (peer.publicKey !== null) {
        const first = seen.get(peer.publicKey);
        if (first !== undefined) {
          problems.push({
            line: offset + block.head + 1,
            message: `the same PublicKey as the peer at line ${first}`,
            fatal: false,
          });
        } else {
          seen.set(peer.publicKey, offset + block.head + 1);
        }
      }
    }
    offset += block.lines.length;
  }
  return problems.sort((a, b) => a.line - b.line);
}

/**
 * The peer a reference means: a public key, else a unique name. Throws a PeerInputError naming
 * `field` when there is none or the name is ambiguous.
 */
export function resolvePeer(file: ConfigFile, reference: string, field = 'peer'): FilePeer {
  const peers = configPeers(file);
  const byKey = peers.find((peer) => peer.publicKey === reference);
  if (byKey) return byKey;
  const byName = peers.filter((peer) => peer.name === reference && peer.publicKey !== null);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new PeerInputError([
      { field, message: `${byName.length} peers have this name: give the public key` },
    ]);
  }
  throw new PeerInputError([{ field, message: 'no peer in the config file has this public key or name' }]);
}

// --- editing -------------------------------------------------------------------------------------

function indexOfPeer(file: ConfigFile, publicKey: string): number {
  return file.blocks.findIndex((block) => block.peer?.publicKey === publicKey);
}

function requirePeer(file: ConfigFile, publicKey: string): number {
  const index = indexOfPeer(file, publicKey);
  if (index < 0)
    throw new PeerInputError([{ field: 'publicKey', message: 'no peer in the config file has this key' }]);
  return index;
}

function replaceBlocks(file: ConfigFile, index: number, count: number, ...blocks: Block[]): ConfigFile {
  const next = [...file.blocks];
  next.splice(index, count, ...blocks);
  return { blocks: next, eol: file.eol };
}

/** Whether this file ends inside `blocks[index]` without a final newline. */
function lastLineOpen(block: Block): boolean {
  return block.lines.at(-1)?.eol === '';
}

function isBlank(line: ConfigLine): boolean {
  return classify(line.text).kind === 'blank';
}

/** The lifecycle fields of an edit that the file could not read back the same (peer-lifecycle.ts). */
export function lifecycleProblems(
  edit: { quota?: Quota | null; expiresAt?: number | null; schedule?: Schedule | null },
  field = (name: string): string => name,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (edit.quota != null && !quotaSchema.safeParse(edit.quota).success)
    problems.push({ field: field('quota'), message: QUOTA_RULE });
  if (edit.expiresAt != null && !expiresAtSchema.safeParse(edit.expiresAt).success)
    problems.push({ field: field('expiresAt'), message: EXPIRES_RULE });
  if (edit.schedule != null && !scheduleInputSchema.safeParse(edit.schedule).success)
    problems.push({ field: field('schedule'), message: SCHEDULE_RULE });
  return problems;
}

function validateNewPeer(peer: NewPeer, problems: FieldProblem[]): void {
  checkKey('publicKey', peer.publicKey, problems);
  if (peer.name !== null) checkName('name', peer.name, problems);
  if (peer.presharedKey !== null) checkKey('presharedKey', peer.presharedKey, problems);
  checkAllowedIps('allowedIps', peer.allowedIps, problems);
  checkKeepalive('persistentKeepalive', peer.persistentKeepalive, problems);
  if (peer.endpoint != null && !isEndpointText(peer.endpoint)) {
    problems.push({ field: 'endpoint', message: 'must be host:port or [IPv6]:port' });
  }
}

function canonicalAllowedIps(values: readonly string[]): string {
  return values.map((value) => formatPrefix(parsePrefix(value)!)).join(', ');
}

function canonicalPeerLines(peer: NewPeer, eol: Eol): ConfigLine[] {
  const texts = ['[Peer]'];
  if (peer.name !== null) texts.push(`# Name = ${peer.name}`);
  texts.push(`PublicKey = ${peer.publicKey}`);
  if (peer.presharedKey !== null) texts.push(`PresharedKey = ${peer.presharedKey}`);
  texts.push(`AllowedIPs = ${canonicalAllowedIps(peer.allowedIps)}`);
  if (peer.endpoint != null) texts.push(`Endpoint = ${peer.endpoint}`);
  if (peer.persistentKeepalive !== null && peer.persistentKeepalive !== 0) {
    texts.push(`PersistentKeepalive = ${peer.persistentKeepalive}`);
  }
  return texts.map((text) => ({ text, eol }));
}

/**
 * Appends a canonical `[Peer]` block (after a blank line) at the end of the file. Validates every
 * field and refuses a key the file already has (enabled or disabled).
 */
export function addPeer(file: ConfigFile, peer: NewPeer): ConfigFile {
  const problems: FieldProblem[] = [];
  validateNewPeer(peer, problems);
  throwIfProblems(problems);
  if (indexOfPeer(file, peer.publicKey) >= 0) {
    throw new PeerInputError([
      { field: 'publicKey', message: 'a peer with this key is already in the config file' },
    ]);
  }
  const blocks = [...file.blocks];
  const last = blocks.at(-1);
  const lines = canonicalPeerLines(peer, file.eol);
  if (last !== undefined && last.lines.length > 0) {
    const open = lastLineOpen(last);
    const lastLines = [...last.lines];
    if (open) lastLines[lastLines.length - 1] = { text: lastLines.at(-1)!.text, eol: file.eol };
    if (!isBlank(lastLines.at(-1)!)) lastLines.push({ text: '', eol: file.eol });
    blocks[blocks.length - 1] = makeBlock(last.kind, lastLines, last.head);
    // A file without a final newline keeps that style.
    if (open) lines[lines.length - 1] = { text: lines.at(-1)!.text, eol: '' };
  }
  blocks.push(makeBlock('peer', lines, 0));
  return { blocks, eol: file.eol };
}

/** Removes a peer (enabled or disabled) with the comments it owns. */
export function removePeer(file: ConfigFile, publicKey: string): ConfigFile {
  const index = requirePeer(file, publicKey);
  const removed = file.blocks[index]!;
  if (index < file.blocks.length - 1 || index === 0) return replaceBlocks(file, index, 1);
  // The last block: the one before it now ends the file, without the blank lines that separated them.
  const previous = file.blocks[index - 1]!;
  const lines = [...previous.lines];
  while (lines.length > previous.head + 1 && isBlank(lines.at(-1)!)) lines.pop();
  if (lastLineOpen(removed) && lines.length > 0)
    lines[lines.length - 1] = { text: lines.at(-1)!.text, eol: '' };
  return replaceBlocks(file, index - 1, 2, makeBlock(previous.kind, lines, previous.head));
}

/**
 * Comments the peer out under the disabled marker, keeping it in place. `disabledBy` (the enforcer)
 * is written as `# DisabledBy = …` beside the name; without it (a person) any such line goes, so the
 * enforcer never re-enables a peer someone disabled by hand.
 */
export function disablePeer(
  file: ConfigFile,
  publicKey: string,
  disabledBy: DisabledBy | null = null,
): ConfigFile {
  const index = requirePeer(file, publicKey);
  const block = file.blocks[index]!;
  if (block.kind === 'disabled') {
    throw new PeerInputError([{ field: 'publicKey', message: 'this peer is already disabled' }]);
  }
  const own = [...block.lines];
  setOption(own, block.head, 'disabledby', disabledBy && formatDisabledBy(disabledBy), file.eol);
  let contentEnd = own.length;
  while (contentEnd > block.head + 1 && isBlank(own[contentEnd - 1]!)) contentEnd--;
  const lines = [
    { text: DISABLED_MARKER, eol: file.eol },
    ...own.slice(0, contentEnd).map(commentOut),
    ...own.slice(contentEnd),
  ];
  return replaceBlocks(file, index, 1, makeBlock('disabled', lines, 0));
}

/** Restores a disabled peer's original lines in place. */
export function enablePeer(file: ConfigFile, publicKey: string): ConfigFile {
  const index = requirePeer(file, publicKey);
  const block = file.blocks[index]!;
  if (block.kind !== 'disabled') {
    throw new PeerInputError([{ field: 'publicKey', message: 'this peer is not disabled' }]);
  }
  const inner = disabledInner(block)!;
  // Enabled, it is no longer disabled by anything: `# DisabledBy` goes.
  setOption(inner.lines, inner.head, 'disabledby', null, file.eol);
  const lines = [...block.lines.slice(0, block.head), ...inner.lines, ...block.lines.slice(inner.end)];
  return replaceBlocks(file, index, 1, makeBlock('peer', lines, block.head + inner.head));
}

/**
 * Changes fields of a peer (enabled or disabled) in place: a value is replaced inside its line, a
 * removed field (null) loses its line(s), a new field is added after the peer's last entry.
 */
export function updatePeer(file: ConfigFile, publicKey: string, update: PeerUpdate): ConfigFile {
  const problems: FieldProblem[] = [];
  if (update.name != null) checkName('name', update.name, problems);
  if (update.presharedKey != null) checkKey('presharedKey', update.presharedKey, problems);
  if (update.allowedIps !== undefined) checkAllowedIps('allowedIps', update.allowedIps, problems);
  if (update.persistentKeepalive !== undefined)
    checkKeepalive('persistentKeepalive', update.persistentKeepalive, problems);
  if (update.endpoint != null && !isEndpointText(update.endpoint)) {
    problems.push({ field: 'endpoint', message: 'must be host:port or [IPv6]:port' });
  }
  const checkProblem = update.checkAddress == null ? null : checkAddressProblem(update.checkAddress);
  if (checkProblem !== null) problems.push({ field: 'checkAddress', message: checkProblem });
  if (update.statusThresholds != null && !peerThresholdsSchema.safeParse(update.statusThresholds).success)
    problems.push({ field: 'statusThresholds', message: THRESHOLDS_RULE });
  problems.push(...lifecycleProblems(update));
  throwIfProblems(problems);
  const index = requirePeer(file, publicKey);
  const block = file.blocks[index]!;
  if (block.kind === 'peer') {
    const lines = editPeerLines(block.lines, block.head, update, file.eol);
    return replaceBlocks(file, index, 1, makeBlock('peer', lines, block.head));
  }
  const inner = disabledInner(block)!;
  const edited = editPeerLines(inner.lines, inner.head, update, file.eol).map(commentOut);
  const lines = [...block.lines.slice(0, block.head + 1), ...edited, ...block.lines.slice(inner.end)];
  return replaceBlocks(file, index, 1, makeBlock('disabled', lines, block.head));
}

function editPeerLines(
  original: readonly ConfigLine[],
  head: number,
  update: PeerUpdate,
  eol: Eol,
): ConfigLine[] {
  const lines = [...original];
  const set = (key: string, value: string | null): void => {
    setEntry(lines, head, key, value, eol);
  };
  if (update.presharedKey !== undefined) set('presharedkey', update.presharedKey);
  if (update.allowedIps !== undefined) set('allowedips', canonicalAllowedIps(update.allowedIps));
  if (update.endpoint !== undefined) set('endpoint', update.endpoint);
  if (update.persistentKeepalive !== undefined) {
    const seconds = update.persistentKeepalive;
    set('persistentkeepalive', seconds === null || seconds === 0 ? null : String(seconds));
  }
  if (update.name !== undefined) setName(lines, head, update.name, eol);
  if (update.checkAddress !== undefined) setOption(lines, head, 'checkaddress', update.checkAddress, eol);
  if (update.statusRule !== undefined) setOption(lines, head, 'statusrule', update.statusRule, eol);
  if (update.statusThresholds !== undefined) {
    const text = update.statusThresholds === null ? null : formatThresholds(update.statusThresholds);
    setOption(lines, head, 'statusthresholds', text, eol);
  }
  if (update.quota !== undefined)
    setOption(lines, head, 'quota', update.quota && formatQuota(update.quota), eol);
  if (update.expiresAt !== undefined) {
    const text = update.expiresAt === null ? null : formatExpires(update.expiresAt);
    setOption(lines, head, 'expires', text, eol);
  }
  if (update.schedule !== undefined)
    setOption(lines, head, 'schedule', update.schedule && formatSchedule(update.schedule), eol);
  return lines;
}

/**
 * Rewrites the block's option comment in place, else adds one under the name and the other options
 * (or under `[Peer]`); null removes it.
 */
function setOption(lines: ConfigLine[], head: number, key: OptionKey, value: string | null, eol: Eol): void {
  let after = head;
  for (let i = head + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (classify(line.text).kind !== 'comment') continue;
    const match = OPTION_RE.exec(line.text);
    const span = match?.indices?.[2];
    if (match && span && match[1]!.toLowerCase() === key) {
      if (value === null) removeAt(lines, i);
      else
        lines[i] = {
          text: `${line.text.slice(0, span[0])}${value}${line.text.slice(span[1])}`,
          eol: line.eol,
        };
      return;
    }
    // A plain comment right under `[Peer]` may be the peer's name (readName's last rule): options
    // go below it, or the name would move off its line and the peer would lose it.
    const nameLine = NAME_RE.test(line.text) || (i === head + 1 && plainName(line.text) !== null);
    if ((match || nameLine) && i === after + 1) after = i;
  }
  if (value !== null) insertAfter(lines, after, `# ${OPTION_SPELLING[key]} = ${value}`, eol);
}

/** Inserts `line` after `index`, keeping a missing final newline at the end. */
function insertAfter(lines: ConfigLine[], index: number, text: string, eol: Eol): void {
  const before = lines[index]!;
  if (before.eol === '') {
    lines[index] = { text: before.text, eol };
    lines.splice(index + 1, 0, { text, eol: '' });
  } else {
    lines.splice(index + 1, 0, { text, eol });
  }
}

function removeAt(lines: ConfigLine[], index: number): void {
  const [removed] = lines.splice(index, 1);
  if (removed?.eol === '' && index > 0 && index === lines.length) {
    lines[index - 1] = { text: lines[index - 1]!.text, eol: '' };
  }
}

function setEntry(lines: ConfigLine[], head: number, key: string, value: string | null, eol: Eol): void {
  const found: number[] = [];
  let lastEntry = head;
  let publicKeyLine = -1;
  for (let i = head + 1; i < lines.length; i++) {
    const info = classify(lines[i]!.text);
    if (info.kind !== 'entry') continue;
    lastEntry = i;
    if (info.wgKey === key) found.push(i);
    if (info.wgKey === 'publickey') publicKeyLine = i;
  }
  if (value === null) {
    for (const index of found.reverse()) removeAt(lines, index);
    return;
  }
  const first = found[0];
  if (first === undefined) {
    // Where we would have written it: a preshared key under the public key, the rest at the end.
    const after = key === 'presharedkey' && publicKeyLine >= 0 ? publicKeyLine : lastEntry;
    insertAfter(lines, after, `${KEY_SPELLING[key] ?? key} = ${value}`, eol);
    return;
  }
  const line = lines[first]!;
  const info = classify(line.text);
  lines[first] = {
    text: `${line.text.slice(0, info.valueStart)}${value}${line.text.slice(info.valueEnd)}`,
    eol: line.eol,
  };
  // Several lines of the same key add up (AllowedIPs) or override: the first now holds it all.
  for (const index of found.slice(1).reverse()) removeAt(lines, index);
}

function setName(lines: ConfigLine[], head: number, name: string | null, eol: Eol): void {
  for (const re of [NAME_RE, FRIENDLY_RE]) {
    for (let i = head + 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (classify(line.text).kind !== 'comment') continue;
      const match = re.exec(line.text);
      const span = match?.indices?.[1];
      if (!match || !span) continue;
      if (name === null) {
        removeAt(lines, i);
      } else {
        lines[i] = {
          text: `${line.text.slice(0, span[0])}${name}${line.text.slice(span[1])}`,
          eol: line.eol,
        };
      }
      return;
    }
  }
  if (name !== null) insertAfter(lines, head, `# Name = ${name}`, eol);
}

/** Rewrites `SaveConfig = true` to `false` in place (so a `wg-quick down` no longer overwrites edits). */
export function disableSaveConfig(file: ConfigFile): ConfigFile {
  const blocks = file.blocks.map((block) => {
    if (block.kind !== 'interface') return block;
    let changed = false;
    const lines = block.lines.map((line, index) => {
      if (index <= block.head) return line;
      const info = classify(line.text);
      if (info.kind !== 'entry' || info.name !== 'saveconfig') return line;
      changed = true;
      return {
        text: `${line.text.slice(0, info.valueStart)}false${line.text.slice(info.valueEnd)}`,
        eol: line.eol,
      };
    });
    return changed ? makeBlock(block.kind, lines, block.head) : block;
  });
  return { blocks, eol: file.eol };
}
