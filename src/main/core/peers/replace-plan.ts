/**
 * Plans that replace the whole config file rather than change peers: restoring a backup,
 * reconciling drift (file → live: the same file, applied live; live → file: the file rewritten from
 * the live state) and turning SaveConfig off. The live part is always `wg syncconf` (tier 2) — it
 * changes exactly the peers that differ, and they are listed — or nothing (tier 0).
 */

import type { InterfaceDump } from '../../../shared/domain.ts';
import type {
  PeerAction,
  PlanChangeSummary,
  PlanPreview,
  PlanTier,
  TouchedPeer,
} from '../../../shared/peers.ts';
import { peerLabel } from './allocate.ts';
import type { RemoteCommand } from './commands.ts';
import { sha256Hex, syncconfCommand, writeConfigCommand } from './commands.ts';
import type { FilePeer } from './config-file.ts';
import { configInterface, configPeers, configProblems, parseConfig } from './config-file.ts';
import { redactSecrets, unifiedDiff } from './diff.ts';
import { allowedIpSet, compareDriftOf } from './drift.ts';
import type { PeerPlan } from './plan.ts';
import { SAVE_CONFIG_WARNING, checkTarget, summaryText } from './plan.ts';
import type { FieldProblem } from './validate.ts';
import { throwIfProblems } from './validate.ts';

export interface ReplacementInput {
  iface: string;
  configPath?: string;
  fileText: string;
  newText: string;
  live: InterfaceDump | null;
  /** What the replacement is, for people: "Restore wg0.conf.20261123T101502Z". */
  title: string;
  /** Extra things to know (what live → file leaves out, for instance). */
  notes?: readonly string[];
}

const FIELD_NAMES: Record<string, string> = {
  allowedIps: 'allowed IPs',
  persistentKeepalive: 'keepalive',
  presharedKey: 'preshared key',
  endpoint: 'endpoint',
};

function peerDetails(before: FilePeer, after: FilePeer): string[] {
  const details: string[] = [];
  const ips = (peer: FilePeer): string => allowedIpSet(peer.allowedIps).join(', ') || '(none)';
  if (before.name !== after.name)
    details.push(`name: ${JSON.stringify(before.name)} → ${JSON.stringify(after.name)}`);
  if (ips(before) !== ips(after)) details.push(`allowed IPs: ${ips(before)} → ${ips(after)}`);
  if (before.persistentKeepalive !== after.persistentKeepalive) {
    const show = (s: number | null): string => (s ? `${s} s` : 'off');
    details.push(`keepalive: ${show(before.persistentKeepalive)} → ${show(after.persistentKeepalive)}`);
  }
  if (before.presharedKey !== after.presharedKey) {
    details.push(
      after.presharedKey === null
        ? 'preshared key: removed'
        : before.presharedKey === null
          ? 'preshared key: added'
          : 'preshared key: changed',
    );
  }
  if (before.endpoint !== after.endpoint)
    details.push(`endpoint: ${before.endpoint ?? '(none)'} → ${after.endpoint ?? '(none)'}`);
  return details;
}

/** Per peer, what the new file changes compared with the current one. */
function fileChanges(before: readonly FilePeer[], after: readonly FilePeer[]): PlanChangeSummary[] {
  const byKey = (peers: readonly FilePeer[]): Map<string, FilePeer> =>
    new Map(peers.filter((p) => p.publicKey !== null).map((p) => [p.publicKey!, p]));
  const old = byKey(before);
  const next = byKey(after);
  const changes: PlanChangeSummary[] = [];
  const push = (action: PeerAction, key: string, peer: FilePeer, details: string[]): void => {
    changes.push({ action, publicKey: key, name: peer.name, details });
  };
  for (const [key, peer] of next) {
    const was = old.get(key);
    if (was === undefined)
      push('add', key, peer, [`allowed IPs: ${allowedIpSet(peer.allowedIps).join(', ')}`]);
    else if (was.disabled !== peer.disabled)
      push(peer.disabled ? 'disable' : 'enable', key, peer, peerDetails(was, peer));
    else {
      const details = peerDetails(was, peer);
      if (details.length > 0) push('edit', key, peer, details);
    }
  }
  for (const [key, peer] of old) if (!next.has(key)) push('remove', key, peer, []);
  return changes;
}

export function planFileReplacement(input: ReplacementInput): PeerPlan {
  const { iface, fileText, newText, live } = input;
  const configPath = input.configPath ?? `/etc/wireguard/${iface}.conf`;
  const problems: FieldProblem[] = [];
  checkTarget(iface, configPath, problems);
  throwIfProblems(problems);

  const before = parseConfig(fileText);
  const after = parseConfig(newText);
  const afterInterface = configInterface(after);
  const afterPeers = configPeers(after);
  const baseSha256 = sha256Hex(fileText);
  const warnings: string[] = [...(input.notes ?? [])];
  const blockers: string[] = [];
  if (afterInterface.saveConfig) warnings.push(SAVE_CONFIG_WARNING);
  const fatal = configProblems(after).filter((problem) => problem.fatal);
  if (fatal.length > 0) {
    blockers.push(
      `The resulting file has errors wg or wg-quick would refuse: ${fatal
        .slice(0, 5)
        .map((problem) => `line ${problem.line}: ${problem.message}`)
        .join('; ')}.`,
    );
  }

  const commands: RemoteCommand[] = [];
  if (newText !== fileText) commands.push(writeConfigCommand(configPath, newText, baseSha256));
  let tier: PlanTier = 0;
  const touched: TouchedPeer[] = [];
  if (live !== null) {
    const drift = compareDriftOf(afterInterface, afterPeers, live);
    for (const peer of drift.onlyFile)
      touched.push({ ...peer, effect: 'added', reason: 'in the file, not live: added', intended: true });
    for (const peer of drift.onlyLive)
      touched.push({ ...peer, effect: 'removed', reason: 'live, not in the file: removed', intended: true });
    for (const peer of drift.disabledButLive)
      touched.push({ ...peer, effect: 'removed', reason: 'disabled in the file: removed', intended: true });
    for (const peer of drift.different) {
      const fields = peer.differences.map((d) => FIELD_NAMES[d.field] ?? d.field).join(', ');
      touched.push({
        publicKey: peer.publicKey,
        name: peer.name,
        effect: 'updated',
        reason: `${fields} set from the file`,
        intended: true,
      });
    }
    // A preshared key replaced by another one is invisible in the dump, yet changes the peer live.
    const oldKeys = new Map(configPeers(before).map((p) => [p.publicKey, p.presharedKey]));
    for (const peer of afterPeers) {
      if (peer.publicKey === null || peer.disabled || peer.presharedKey === null) continue;
      const previous = oldKeys.get(peer.publicKey);
      if (previous !== undefined && previous !== null && previous !== peer.presharedKey) {
        if (!touched.some((t) => t.publicKey === peer.publicKey)) {
          touched.push({
            publicKey: peer.publicKey,
            name: peer.name,
            effect: 'updated',
            reason: 'preshared key set from the file',
            intended: true,
          });
        }
      }
    }
    for (const difference of drift.interface) {
      if (difference.field === 'fwmark') {
        warnings.push(`wg syncconf also sets the fwmark to the file's value (${difference.file}).`);
      } else {
        blockers.push(
          `The file's ${difference.field === 'publicKey' ? 'PrivateKey' : 'ListenPort'} differs from the live interface ` +
            `(${difference.file.slice(0, 12)} in the file, ${difference.live.slice(0, 12)} live): applying it live would ` +
            'drop every session. Apply it with a restart (tier 3) if that is what you want.',
        );
      }
    }
    if (touched.length > 0 || drift.interface.length > 0) {
      tier = 2;
      commands.push(syncconfCommand(iface, configPath));
    }
  } else {
    warnings.push(`${iface} is not up: only the config file changes.`);
  }

  const publicKeys = new Set<string>();
  for (const peer of [...configPeers(before), ...afterPeers])
    if (peer.publicKey) publicKeys.add(peer.publicKey);
  for (const peer of live?.peers ?? []) publicKeys.add(peer.publicKey);
  if (live?.publicKey) publicKeys.add(live.publicKey);
  const diff = unifiedDiff(fileText, newText, {
    oldLabel: `${configPath} (now)`,
    newLabel: `${configPath} (planned)`,
    redact: (line) => redactSecrets(line, publicKeys),
  });
  const tierReason =
    tier === 2
      ? `${input.title}: "wg syncconf" from the new file changes ${touched.length} peer(s) live; every other session stays up.`
      : live === null
        ? `${input.title}: the interface is not up, only the config file changes.`
        : `${input.title}: the live interface already matches; only the config file changes.`;
  const body: Omit<PlanPreview, 'summary'> = {
    iface,
    tier,
    tierReason,
    changes: fileChanges(configPeers(before), afterPeers),
    touched,
    warnings,
    blockers,
    diff,
    commands: commands.map((command) => command.display),
  };
  return {
    iface,
    configPath,
    baseSha256,
    newText,
    commands,
    preview: { ...body, summary: summaryText(body) },
    added: [],
  };
}

/** For messages: who a touched peer is. */
export function touchedLabel(peer: TouchedPeer): string {
  return peerLabel(peer.publicKey, peer.name);
}
