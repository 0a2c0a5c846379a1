/**
 * A plan for a batch of peer changes on one interface: the new config file, how it applies live, the
 * exact peers whose live state changes, the remote commands, and a preview for people. Pure: the
 * caller reads the file and the dump, and runs the commands (engine).
 *
 * 1. Every input is checked before anything else (names, keys, CIDRs, keepalive, the interface name
 *    and file path), then against the file and the live state (the peer exists, is in the right
 *    state, an added key is new, a name is unique, allowed IPs overlap nothing, "auto" allocates).
 *    All problems are reported at once, each naming its field (`changes[2].allowedIps[0]`).
 * 2. The changes are applied to the file model; only the lines they concern change.
 * 3. Tier: what differs between the new file and the live interface, computed as `wg syncconf`
 *    would reconcile it (drift.ts). If exactly one of the changed peers differs: tier 1, one
 *    `wg set` with that peer's whole state (or `remove`), nobody else touched. If several: tier 2,
 *    `wg syncconf`, which also reconciles every drifted peer — those are listed, not hidden, and a
 *    tier-2 plan that would change the interface's key or port is blocked. If none (a rename, an
 *    edit of a disabled peer, the interface down): tier 0, the file only.
 * 4. Commands: the atomic file write (compare-and-swap on the SHA-256 of the file the plan was made
 *    from), then the live command. No secret on any command line (commands.ts).
 */

import { checkAddressProblem } from '../../../shared/check-address.ts';
import type { StatusRule } from '../../../shared/domain.ts';
import {
  formatThresholds,
  peerThresholdsSchema,
  THRESHOLDS_RULE,
  type PeerThresholds,
} from '../../../shared/peer-options.ts';
import type { InterfaceDump } from '../../../shared/domain.ts';
import {
  formatDisabledBy,
  formatExpires,
  formatQuota,
  formatSchedule,
  type DisabledBy,
  type Quota,
  type Schedule,
} from '../../../shared/peer-lifecycle.ts';
import { INTERFACE_NAME_PATTERN } from '../../../shared/ip-rules.ts';
import type {
  DriftReport,
  PeerAction,
  PlanChangeSummary,
  PlanPreview,
  PlanTier,
  TouchedPeer,
} from '../../../shared/peers.ts';
import { buildAddressBook, peerLabel } from './allocate.ts';
import type { Claimant } from './allocate.ts';
import type { RemoteCommand } from './commands.ts';
import {
  IFACE_NAME_RE,
  sha256Hex,
  syncconfCommand,
  wgRemovePeerCommand,
  wgSetPeerCommand,
  writeConfigCommand,
} from './commands.ts';
import type { ConfigFile, FilePeer } from './config-file.ts';
import {
  addPeer,
  configInterface,
  configPeers,
  configProblems,
  disablePeer,
  enablePeer,
  lifecycleProblems,
  parseConfig,
  removePeer,
  serializeConfig,
  updatePeer,
} from './config-file.ts';
import { redactSecrets, unifiedDiff } from './diff.ts';
import { allowedIpSet, compareDriftOf } from './drift.ts';
import { formatPrefix, parsePrefix } from './ip.ts';
import type { Prefix } from './ip.ts';
import { publicKeyOf } from './keys.ts';
import type { FieldProblem } from './validate.ts';
import {
  checkAllowedIps,
  checkKeepalive,
  checkKey,
  checkName,
  PeerInputError,
  throwIfProblems,
} from './validate.ts';

/** One change with its key material resolved (prepare.ts makes these from the UI's requests). */
export type PeerChange =
  | {
      action: 'add';
      publicKey: string;
      name: string;
      presharedKey: string | null;
      allowedIps: 'auto' | readonly string[];
      persistentKeepalive: number | null;
    }
  | {
      action: 'edit';
      publicKey: string;
      name?: string;
      allowedIps?: readonly string[];
      persistentKeepalive?: number | null;
      /** A new key; null removes it; omitted keeps it. */
      presharedKey?: string | null;
      /** `# CheckAddress`; null removes it. */
      checkAddress?: string | null;
      /** `# StatusRule`, `# StatusThresholds`; null removes them. */
      statusRule?: StatusRule | null;
      statusThresholds?: PeerThresholds | null;
      /** `# Quota`, `# Expires` (ms), `# Schedule`; null removes them. File only: never re-enables. */
      quota?: Quota | null;
      expiresAt?: number | null;
      schedule?: Schedule | null;
    }
  /**
   * `disabledBy`: the enforcer's reason. Disable writes it as `# DisabledBy`; enable with it applies
   * only while the file still says that reason (the peer was not re-disabled by hand meanwhile).
   */
  | { action: 'disable' | 'enable'; publicKey: string; disabledBy?: DisabledBy }
  | { action: 'remove'; publicKey: string };

export interface PlanInput {
  iface: string;
  /** Default `/etc/wireguard/<iface>.conf`. */
  configPath?: string;
  /** The config file as read from the server. */
  fileText: string;
  /** The interface's live state; null when it is not up. */
  live: InterfaceDump | null;
  changes: readonly PeerChange[];
}

/** A peer the plan adds, as written (what its client config needs). */
export interface PlannedPeer {
  publicKey: string;
  name: string;
  allowedIps: string[];
  presharedKey: string | null;
  persistentKeepalive: number | null;
}

export interface PeerPlan {
  iface: string;
  configPath: string;
  /** SHA-256 (hex) of the file the plan was made from; the write refuses if the file differs. */
  baseSha256: string;
  newText: string;
  /** In order: the file write (when the file changes), then the live command (tier 1 or 2). */
  commands: RemoteCommand[];
  preview: PlanPreview;
  added: PlannedPeer[];
}

export const SAVE_CONFIG_WARNING =
  'SaveConfig = true: the next "wg-quick down" (or a reboot) rewrites this file from the live state, ' +
  'dropping peer names, disabled peers and comments. Set SaveConfig = false to keep them (WG Deck can do it).';

const CONFIG_BASENAME_RE = new RegExp(`^${INTERFACE_NAME_PATTERN}\\.conf$`);

export function checkTarget(iface: string, configPath: string, problems: FieldProblem[]): void {
  if (!IFACE_NAME_RE.test(iface)) {
    problems.push({
      field: 'iface',
      message: 'an interface name is 1–15 letters, digits, "_", "=", "+", "." or "-"',
    });
  }
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.test(configPath);
  const segments = configPath.split('/');
  if (
    !configPath.startsWith('/') ||
    control ||
    segments.some((segment) => segment === '..' || segment === '.') ||
    !CONFIG_BASENAME_RE.test(segments.at(-1) ?? '')
  ) {
    problems.push({
      field: 'configPath',
      message: 'must be an absolute path to IF.conf (the name wg-quick needs), without "." or ".." segments',
    });
  }
}

function checkSyntax(changes: readonly PeerChange[], problems: FieldProblem[]): void {
  if (changes.length === 0) problems.push({ field: 'changes', message: 'no change given' });
  changes.forEach((change, index) => {
    const field = (name: string): string => `changes[${index}].${name}`;
    checkKey(field('publicKey'), change.publicKey, problems);
    if (change.action === 'add') {
      checkName(field('name'), change.name, problems);
      if (change.presharedKey !== null) checkKey(field('presharedKey'), change.presharedKey, problems);
      if (change.allowedIps !== 'auto') checkAllowedIps(field('allowedIps'), change.allowedIps, problems);
      checkKeepalive(field('persistentKeepalive'), change.persistentKeepalive, problems);
    } else if (change.action === 'edit') {
      const { name, allowedIps, persistentKeepalive, presharedKey, checkAddress } = change;
      if (
        name === undefined &&
        allowedIps === undefined &&
        persistentKeepalive === undefined &&
        presharedKey === undefined &&
        checkAddress === undefined &&
        change.statusRule === undefined &&
        change.statusThresholds === undefined &&
        change.quota === undefined &&
        change.expiresAt === undefined &&
        change.schedule === undefined
      ) {
        problems.push({ field: `changes[${index}]`, message: 'an edit must change at least one field' });
      }
      if (name !== undefined) checkName(field('name'), name, problems);
      if (allowedIps !== undefined) checkAllowedIps(field('allowedIps'), allowedIps, problems);
      if (persistentKeepalive !== undefined)
        checkKeepalive(field('persistentKeepalive'), persistentKeepalive, problems);
      if (presharedKey != null) checkKey(field('presharedKey'), presharedKey, problems);
      const checkProblem = checkAddress == null ? null : checkAddressProblem(checkAddress);
      if (checkProblem !== null) problems.push({ field: field('checkAddress'), message: checkProblem });
      if (change.statusThresholds != null && !peerThresholdsSchema.safeParse(change.statusThresholds).success)
        problems.push({ field: field('statusThresholds'), message: THRESHOLDS_RULE });
      problems.push(...lifecycleProblems(change, field));
    }
  });
}

function prefixesOf(entries: readonly string[]): Prefix[] {
  const out: Prefix[] = [];
  for (const entry of entries) {
    const prefix = parsePrefix(entry);
    if (prefix !== null) out.push(prefix);
  }
  return out;
}

interface Resolved {
  /** Allowed IPs of adds (after "auto"), by change index. */
  allowedIps: Map<number, string[]>;
}

/** Checks the changes against the file and the live state; resolves "auto" allowed IPs. */
function checkSemantics(
  file: ConfigFile,
  live: InterfaceDump | null,
  changes: readonly PeerChange[],
  problems: FieldProblem[],
): Resolved {
  const resolved: Resolved = { allowedIps: new Map() };
  const peers = configPeers(file);
  const iface = configInterface(file);
  const inFile = new Map<string, FilePeer>();
  for (const peer of peers)
    if (peer.publicKey !== null && !inFile.has(peer.publicKey)) inFile.set(peer.publicKey, peer);
  const liveKeys = new Set(live?.peers.map((peer) => peer.publicKey) ?? []);
  const ownKeys = new Set<string>();
  if (live?.publicKey) ownKeys.add(live.publicKey);
  if (iface.privateKey !== null) ownKeys.add(publicKeyOf(iface.privateKey));

  const names = new Map<string, string>();
  for (const peer of peers)
    if (peer.name !== null && peer.publicKey !== null) names.set(peer.name, peer.publicKey);
  const claimants: Claimant[] = [...peers];
  for (const peer of live?.peers ?? []) {
    claimants.push({
      publicKey: peer.publicKey,
      name: inFile.get(peer.publicKey)?.name ?? null,
      allowedIps: peer.allowedIps,
    });
  }
  const book = buildAddressBook(iface.addresses, claimants);
  const seen = new Set<string>();

  changes.forEach((change, index) => {
    const field = (name: string): string => `changes[${index}].${name}`;
    const key = change.publicKey;
    const problem = (name: string, message: string): void => {
      problems.push({ field: field(name), message });
    };
    if (seen.has(key)) {
      problem('publicKey', 'this batch already changes this peer: one change per peer');
      return;
    }
    seen.add(key);
    const current = inFile.get(key);
    const claimName = (name: string): void => {
      const owner = names.get(name);
      if (owner !== undefined && owner !== key)
        problem('name', `${peerLabel(owner, name)} already has this name`);
      else names.set(name, key);
    };
    const claimIps = (name: string, prefixes: Prefix[]): void => {
      problems.push(...book.check(key, prefixes, field(name)));
      const owner = change.action === 'add' ? change.name : (current?.name ?? null);
      book.claim({ publicKey: key, name: owner, allowedIps: prefixes.map(formatPrefix) });
    };
    switch (change.action) {
      case 'add': {
        if (current !== undefined) {
          problem(
            'publicKey',
            `a peer with this key is already in the config file${current.disabled ? ' (disabled)' : ''}`,
          );
          return;
        }
        if (liveKeys.has(key)) {
          problem(
            'publicKey',
            'a peer with this key is live but not in the config file: reconcile the drift first',
          );
          return;
        }
        if (ownKeys.has(key)) {
          problem('publicKey', "is the interface's own public key");
          return;
        }
        claimName(change.name);
        if (change.allowedIps === 'auto') {
          try {
            const allocated = book.allocate(field('allowedIps'));
            resolved.allowedIps.set(index, allocated.map(formatPrefix));
            book.claim({ publicKey: key, name: change.name, allowedIps: allocated.map(formatPrefix) });
          } catch (error) {
            if (!(error instanceof PeerInputError)) throw error;
            problems.push(...error.problems);
          }
        } else {
          const prefixes = prefixesOf(change.allowedIps);
          resolved.allowedIps.set(index, prefixes.map(formatPrefix));
          claimIps('allowedIps', prefixes);
        }
        return;
      }
      case 'edit':
      case 'disable':
      case 'enable':
      case 'remove':
        break;
    }
    if (current === undefined) {
      problem(
        'publicKey',
        liveKeys.has(key)
          ? 'this peer is live but not in the config file: reconcile the drift first'
          : 'no peer in the config file has this key',
      );
      return;
    }
    if (change.action === 'edit') {
      if (change.name !== undefined && change.name !== current.name) claimName(change.name);
      // A disabled peer's addresses stay reserved for it, so they are checked the same way.
      if (change.allowedIps !== undefined) claimIps('allowedIps', prefixesOf(change.allowedIps));
    } else if (change.action === 'disable' && current.disabled) {
      problem('publicKey', 'this peer is already disabled');
    } else if (change.action === 'enable') {
      if (!current.disabled) problem('publicKey', 'this peer is not disabled');
      else if (
        change.disabledBy !== undefined &&
        (current.disabledBy === null ||
          formatDisabledBy(current.disabledBy) !== formatDisabledBy(change.disabledBy))
      )
        problem(
          'disabledBy',
          `this peer is ${current.disabledBy ? `disabled by ${formatDisabledBy(current.disabledBy)}` : 'disabled by hand'}, not by ${formatDisabledBy(change.disabledBy)}`,
        );
      // Its addresses may have been given to someone else since it was disabled.
      else problems.push(...book.check(key, prefixesOf(current.allowedIps), field('allowedIps')));
    }
  });
  return resolved;
}

function applyChanges(file: ConfigFile, changes: readonly PeerChange[], resolved: Resolved): ConfigFile {
  let next = file;
  changes.forEach((change, index) => {
    const key = change.publicKey;
    switch (change.action) {
      case 'add':
        next = addPeer(next, {
          publicKey: key,
          name: change.name,
          presharedKey: change.presharedKey,
          allowedIps: resolved.allowedIps.get(index)!,
          persistentKeepalive: change.persistentKeepalive,
        });
        break;
      case 'edit': {
        const update: Parameters<typeof updatePeer>[2] = {};
        if (change.name !== undefined) update.name = change.name;
        if (change.allowedIps !== undefined) update.allowedIps = change.allowedIps;
        if (change.persistentKeepalive !== undefined) update.persistentKeepalive = change.persistentKeepalive;
        if (change.presharedKey !== undefined) update.presharedKey = change.presharedKey;
        if (change.checkAddress !== undefined) update.checkAddress = change.checkAddress;
        if (change.statusRule !== undefined) update.statusRule = change.statusRule;
        if (change.statusThresholds !== undefined) update.statusThresholds = change.statusThresholds;
        if (change.quota !== undefined) update.quota = change.quota;
        if (change.expiresAt !== undefined) update.expiresAt = change.expiresAt;
        if (change.schedule !== undefined) update.schedule = change.schedule;
        next = updatePeer(next, key, update);
        break;
      }
      case 'disable':
        next = disablePeer(next, key, change.disabledBy ?? null);
        break;
      case 'enable':
        next = enablePeer(next, key);
        break;
      case 'remove':
        next = removePeer(next, key);
        break;
    }
  });
  return next;
}

const FIELD_NAMES: Record<string, string> = {
  allowedIps: 'allowed IPs',
  persistentKeepalive: 'keepalive',
  presharedKey: 'preshared key',
  endpoint: 'endpoint',
};

/** Every peer whose live state differs from the new file, and why; `actions` marks the intended ones. */
function touchedPeers(
  after: DriftReport,
  actions: ReadonlyMap<string, PeerAction>,
  names: ReadonlyMap<string, string | null>,
): TouchedPeer[] {
  const touched: TouchedPeer[] = [];
  const push = (
    publicKey: string,
    name: string | null,
    effect: TouchedPeer['effect'],
    intendedReason: string,
    driftReason: string,
  ): void => {
    const action = actions.get(publicKey);
    touched.push({
      publicKey,
      name: name ?? names.get(publicKey) ?? null,
      effect,
      reason: action ? intendedReason : driftReason,
      intended: action !== undefined,
    });
  };
  for (const peer of after.onlyFile) {
    const action = actions.get(peer.publicKey);
    push(
      peer.publicKey,
      peer.name,
      'added',
      action === 'add'
        ? 'new peer'
        : action === 'enable'
          ? 'enabled'
          : "missing live (drift): created with the file's settings",
      'in the config file but not live (drift): syncconf adds it',
    );
  }
  for (const peer of after.onlyLive) {
    push(
      peer.publicKey,
      peer.name,
      'removed',
      'removed',
      'live but not in the config file (drift): syncconf removes it',
    );
  }
  for (const peer of after.disabledButLive) {
    push(
      peer.publicKey,
      peer.name,
      'removed',
      'disabled',
      'disabled in the config file but live (drift): syncconf removes it',
    );
  }
  for (const peer of after.different) {
    const fields = peer.differences
      .map((difference) => FIELD_NAMES[difference.field] ?? difference.field)
      .join(', ');
    push(
      peer.publicKey,
      peer.name,
      'updated',
      `${fields} updated`,
      `${fields} differ from the config file (drift): syncconf resets them`,
    );
  }
  return touched;
}

function describeChange(
  change: PeerChange,
  before: FilePeer | undefined,
  after: FilePeer | undefined,
): PlanChangeSummary {
  const details: string[] = [];
  const ips = (peer: FilePeer | undefined): string =>
    peer ? allowedIpSet(peer.allowedIps).join(', ') || '(none)' : '(none)';
  const keepalive = (seconds: number | null | undefined): string => (seconds ? `${seconds} s` : 'off');
  const psk = (peer: FilePeer | undefined): string => (peer?.presharedKey ? 'yes' : 'no');
  if (change.action === 'add') {
    details.push(
      `allowed IPs: ${ips(after)}`,
      `keepalive: ${keepalive(after?.persistentKeepalive)}`,
      `preshared key: ${psk(after)}`,
    );
  } else if (change.action === 'edit') {
    if (change.name !== undefined && before?.name !== after?.name) {
      details.push(`name: ${JSON.stringify(before?.name ?? null)} → ${JSON.stringify(after?.name ?? null)}`);
    }
    if (change.allowedIps !== undefined && ips(before) !== ips(after))
      details.push(`allowed IPs: ${ips(before)} → ${ips(after)}`);
    if (
      change.persistentKeepalive !== undefined &&
      before?.persistentKeepalive !== after?.persistentKeepalive
    ) {
      details.push(
        `keepalive: ${keepalive(before?.persistentKeepalive)} → ${keepalive(after?.persistentKeepalive)}`,
      );
    }
    if (change.checkAddress !== undefined && before?.checkAddress !== after?.checkAddress) {
      const shown = (peer: FilePeer | undefined) => peer?.checkAddress ?? 'its host address';
      details.push(`ping check address: ${shown(before)} → ${shown(after)}`);
    }
    if (change.statusRule !== undefined && before?.statusRule !== after?.statusRule) {
      const shown = (peer: FilePeer | undefined) => peer?.statusRule ?? "the server's";
      details.push(`status rule: ${shown(before)} → ${shown(after)}`);
    }
    const thresholdsText = (peer: FilePeer | undefined) =>
      peer?.statusThresholds ? `${formatThresholds(peer.statusThresholds)} s` : 'the fleet’s';
    if (change.statusThresholds !== undefined && thresholdsText(before) !== thresholdsText(after))
      details.push(`status thresholds: ${thresholdsText(before)} → ${thresholdsText(after)}`);
    details.push(...lifecycleDetails(change, before, after));
    if (change.presharedKey !== undefined) {
      details.push(
        change.presharedKey === null
          ? `preshared key: ${before?.presharedKey ? 'removed' : 'none (unchanged)'}`
          : `preshared key: ${before?.presharedKey ? 'rotated' : 'added'} (the client needs the new key)`,
      );
    }
    if (details.length === 0) details.push('no field changes value');
  } else {
    details.push(`allowed IPs: ${ips(before)}`);
    if (change.action !== 'remove' && change.disabledBy !== undefined)
      details.push(`disabled by: ${formatDisabledBy(change.disabledBy)}`);
  }
  return {
    action: change.action,
    publicKey: change.publicKey,
    name: after?.name ?? before?.name ?? null,
    details,
  };
}

/** `quota: none → 50GiB/month`, one line per lifecycle rule the edit changes (file spellings). */
function lifecycleDetails(
  change: { quota?: unknown; expiresAt?: unknown; schedule?: unknown },
  before: FilePeer | undefined,
  after: FilePeer | undefined,
): string[] {
  const rules = [
    ['quota', change.quota, (p?: FilePeer) => (p?.quota ? formatQuota(p.quota) : 'none')],
    [
      'expires',
      change.expiresAt,
      (p?: FilePeer) => (p?.expiresAt != null ? formatExpires(p.expiresAt) : 'never'),
    ],
    ['schedule', change.schedule, (p?: FilePeer) => (p?.schedule ? formatSchedule(p.schedule) : 'always')],
  ] as const;
  const details: string[] = [];
  for (const [label, asked, shown] of rules)
    if (asked !== undefined && shown(before) !== shown(after))
      details.push(`${label}: ${shown(before)} → ${shown(after)}`);
  return details;
}

function tierReason(tier: PlanTier, live: InterfaceDump | null, touched: readonly TouchedPeer[]): string {
  if (live === null)
    return 'The interface is not up: only the config file changes; it applies at the next wg-quick up.';
  if (tier === 0)
    return 'No live change: only the config file changes (a name, a disabled peer, or the live state already matches).';
  if (tier === 1) {
    const peer = touched[0]!;
    return `One "wg set" for ${peerLabel(peer.publicKey, peer.name)}; no other peer's session is touched.`;
  }
  const drifted = touched.filter((peer) => !peer.intended).length;
  return (
    `"wg syncconf" from the new file: ${touched.length} peers change live` +
    (drifted > 0
      ? `, ${drifted} of them only because they had drifted from the file.`
      : '; every other session stays up.')
  );
}

export function summaryText(preview: Omit<PlanPreview, 'summary'>): string {
  const lines = [`Interface ${preview.iface}, tier ${preview.tier}: ${preview.tierReason}`, '', 'Changes:'];
  for (const change of preview.changes) {
    lines.push(`  ${change.action} ${peerLabel(change.publicKey, change.name)}`);
    for (const detail of change.details) lines.push(`      ${detail}`);
  }
  lines.push('', 'Peers touched live:');
  if (preview.touched.length === 0) lines.push('  none');
  for (const peer of preview.touched) {
    lines.push(
      `  ${peerLabel(peer.publicKey, peer.name)}: ${peer.effect}, ${peer.reason}${peer.intended ? '' : ' [NOT part of this change]'}`,
    );
  }
  if (preview.blockers.length > 0)
    lines.push('', 'Cannot apply:', ...preview.blockers.map((blocker) => `  - ${blocker}`));
  if (preview.warnings.length > 0)
    lines.push('', 'Warnings:', ...preview.warnings.map((warning) => `  - ${warning}`));
  lines.push('', 'Commands:', ...preview.commands.map((command, index) => `  ${index + 1}. ${command}`));
  if (preview.diff !== '') lines.push('', 'Config file:', preview.diff.trimEnd());
  return `${lines.join('\n')}\n`;
}

/**
 * The plan for `input.changes`. Throws a PeerInputError (code INVALID_INPUT) listing every invalid
 * field before anything else is computed. Reasons not to apply (tier 2 would change the interface's
 * key, the file has errors wg would refuse) are `preview.blockers`, for the caller to enforce.
 */
export function planPeerChanges(input: PlanInput): PeerPlan {
  const { iface, fileText, live, changes } = input;
  const configPath = input.configPath ?? `/etc/wireguard/${iface}.conf`;
  const problems: FieldProblem[] = [];
  checkTarget(iface, configPath, problems);
  checkSyntax(changes, problems);
  throwIfProblems(problems);

  const file = parseConfig(fileText);
  const resolved = checkSemantics(file, live, changes, problems);
  throwIfProblems(problems);

  const next = applyChanges(file, changes, resolved);
  const newText = serializeConfig(next);
  const baseSha256 = sha256Hex(fileText);
  const before = configPeers(file);
  const after = configPeers(next);
  const beforeByKey = new Map(
    before.filter((peer) => peer.publicKey !== null).map((peer) => [peer.publicKey!, peer]),
  );
  const afterByKey = new Map(
    after.filter((peer) => peer.publicKey !== null).map((peer) => [peer.publicKey!, peer]),
  );
  const fileInterface = configInterface(file);

  const warnings: string[] = [];
  const blockers: string[] = [];
  if (fileInterface.saveConfig) warnings.push(SAVE_CONFIG_WARNING);
  const fatal = configProblems(file).filter((problem) => problem.fatal);
  if (fatal.length > 0) {
    blockers.push(
      `The config file has errors that wg or wg-quick would refuse; fix them first: ${fatal
        .slice(0, 5)
        .map((problem) => `line ${problem.line}: ${problem.message}`)
        .join('; ')}${fatal.length > 5 ? `; and ${fatal.length - 5} more` : ''}.`,
    );
  }

  const actions = new Map<string, PeerAction>(changes.map((change) => [change.publicKey, change.action]));
  const names = new Map<string, string | null>();
  for (const peer of [...before, ...after]) if (peer.publicKey !== null) names.set(peer.publicKey, peer.name);

  const commands: RemoteCommand[] = [];
  if (newText !== fileText) commands.push(writeConfigCommand(configPath, newText, baseSha256));
  let tier: PlanTier = 0;
  let touched: TouchedPeer[] = [];
  if (live !== null) {
    const drift = compareDriftOf(configInterface(next), after, live);
    // In file order (then live-only peers in dump order), as the admin reads the file.
    const order = new Map<string, number>();
    for (const key of [
      ...afterByKey.keys(),
      ...beforeByKey.keys(),
      ...live.peers.map((peer) => peer.publicKey),
    ]) {
      if (!order.has(key)) order.set(key, order.size);
    }
    const all = touchedPeers(drift, actions, names);
    // The dump shows whether a peer has a preshared key, not which: a rotation is invisible to the
    // drift comparison but changes the peer live all the same.
    const liveKeys = new Set(live.peers.map((peer) => peer.publicKey));
    for (const change of changes) {
      const key = change.publicKey;
      const now = afterByKey.get(key);
      if (
        change.action === 'edit' &&
        change.presharedKey != null &&
        now !== undefined &&
        !now.disabled &&
        liveKeys.has(key) &&
        beforeByKey.get(key)?.presharedKey !== now.presharedKey &&
        !all.some((peer) => peer.publicKey === key)
      ) {
        all.push({
          publicKey: key,
          name: now.name,
          effect: 'updated',
          reason: 'preshared key updated',
          intended: true,
        });
      }
    }
    all.sort((a, b) => order.get(a.publicKey)! - order.get(b.publicKey)!);
    const intended = all.filter((peer) => peer.intended);
    const drifted = all.length - intended.length;
    if (intended.length === 1) {
      tier = 1;
      touched = intended;
      const key = intended[0]!.publicKey;
      const state = afterByKey.get(key);
      commands.push(
        state !== undefined && !state.disabled
          ? wgSetPeerCommand(iface, {
              publicKey: key,
              presharedKey: state.presharedKey,
              allowedIps: allowedIpSet(state.allowedIps),
              persistentKeepalive: state.persistentKeepalive,
              endpoint: state.endpoint,
            })
          : wgRemovePeerCommand(iface, key),
      );
    } else if (intended.length > 1) {
      tier = 2;
      touched = all;
      commands.push(syncconfCommand(iface, configPath));
      for (const difference of drift.interface) {
        if (difference.field === 'publicKey') {
          blockers.push(
            `The file's PrivateKey does not match the live interface (public key ${difference.file.slice(0, 8)}… in the file, ` +
              `${difference.live.slice(0, 8)}… live): wg syncconf would change the key and drop every session. Reconcile the interface first.`,
          );
        } else if (difference.field === 'listenPort') {
          blockers.push(
            `The file's ListenPort (${difference.file}) differs from the live port (${difference.live}): wg syncconf would move the ` +
              'interface and clients would lose it. Reconcile the interface first.',
          );
        } else {
          warnings.push(
            `wg syncconf also sets the fwmark to the file's value (${difference.file}; live: ${difference.live}).`,
          );
        }
      }
      const removedByDrift = all.filter((peer) => !peer.intended && peer.effect === 'removed');
      if (removedByDrift.length > 0) {
        warnings.push(
          `wg syncconf removes ${removedByDrift.length} live peer(s) that the config file does not enable, cutting them off: ` +
            `${removedByDrift
              .slice(0, 5)
              .map((peer) => peerLabel(peer.publicKey, peer.name))
              .join(', ')}` +
            `${removedByDrift.length > 5 ? ', …' : ''}. Reconcile the drift first to keep them.`,
        );
      }
    }
    if (tier !== 2 && drifted > 0) {
      warnings.push(
        `${drifted} peer(s) differ between the config file and the live interface (drift); this change leaves them alone.`,
      );
    }
  } else {
    warnings.push(`${iface} is not up: only the config file changes.`);
  }

  const publicKeys = new Set<string>([
    ...beforeByKey.keys(),
    ...afterByKey.keys(),
    ...(live?.peers.map((peer) => peer.publicKey) ?? []),
  ]);
  if (live?.publicKey) publicKeys.add(live.publicKey);
  const diff = unifiedDiff(fileText, newText, {
    oldLabel: `${configPath} (now)`,
    newLabel: `${configPath} (planned)`,
    redact: (line) => redactSecrets(line, publicKeys),
  });

  const body: Omit<PlanPreview, 'summary'> = {
    iface,
    tier,
    tierReason: tierReason(tier, live, touched),
    changes: changes.map((change) =>
      describeChange(change, beforeByKey.get(change.publicKey), afterByKey.get(change.publicKey)),
    ),
    touched,
    warnings,
    blockers,
    diff,
    commands: commands.map((command) => command.display),
  };
  const added: PlannedPeer[] = [];
  changes.forEach((change, index) => {
    if (change.action !== 'add') return;
    added.push({
      publicKey: change.publicKey,
      name: change.name,
      allowedIps: resolved.allowedIps.get(index)!,
      presharedKey: change.presharedKey,
      persistentKeepalive: change.persistentKeepalive === 0 ? null : change.persistentKeepalive,
    });
  });
  return {
    iface,
    configPath,
    baseSha256,
    newText,
    commands,
    preview: { ...body, summary: summaryText(body) },
    added,
  };
}
