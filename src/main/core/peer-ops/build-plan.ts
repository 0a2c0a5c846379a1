/**
 * From an operation the admin asked for (`PeerOperation`) and what was read from the server to a
 * plan — and a way to make the same plan again against a fresh read (apply re-plans under the lock,
 * with the same generated keys, and refuses if the result differs from what was previewed).
 */

import type { PeerOperation } from '../../../shared/peer-ops.ts';
import { WgDeckError } from '../errors.ts';
import { disableSaveConfig, parseConfig, serializeConfig } from '../peers/config-file.ts';
import { fileFromLive } from '../peers/live-to-file.ts';
import type { PeerPlan } from '../peers/plan.ts';
import { planPeerChanges } from '../peers/plan.ts';
import type { PreparedChanges } from '../peers/prepare.ts';
import { prepareChanges } from '../peers/prepare.ts';
import { planFileReplacement } from '../peers/replace-plan.ts';
import type { InterfaceRead } from './interface-read.ts';
import { remoteOps } from './remote-ops.ts';
import type { RemoteRunner } from './remote-runner.ts';

export interface PlanContext {
  iface: string;
  configPath: string;
  read: InterfaceRead & { fileText: string };
  runner: RemoteRunner;
}

export interface BuiltPlan {
  plan: PeerPlan;
  /** Generated keys (private keys of new peers, preshared keys); empty for file replacements. */
  prepared: PreparedChanges | null;
  /** The same plan against a fresh read (same keys, same backup text, same live → file source). */
  again(read: InterfaceRead & { fileText: string }): PeerPlan;
}

export async function buildPlan(operation: PeerOperation, context: PlanContext): Promise<BuiltPlan> {
  const { iface, configPath, read, runner } = context;
  switch (operation.kind) {
    case 'changes': {
      const prepared = prepareChanges(parseConfig(read.fileText), operation.changes);
      const make = (r: InterfaceRead & { fileText: string }): PeerPlan =>
        planPeerChanges({ iface, configPath, fileText: r.fileText, live: r.live, changes: prepared.changes });
      return { plan: make(read), prepared, again: make };
    }
    case 'restore': {
      if (!read.backups.some((backup) => backup.id === operation.backup)) {
        throw new WgDeckError('NO_SUCH_BACKUP', `There is no backup ${operation.backup} of ${configPath}.`);
      }
      const text = await runner.check(
        remoteOps.backupRead(configPath, operation.backup),
        'reading the backup',
      );
      const make = (r: InterfaceRead & { fileText: string }): PeerPlan =>
        planFileReplacement({
          iface,
          configPath,
          fileText: r.fileText,
          newText: text,
          live: r.live,
          title: `Restore ${operation.backup}`,
        });
      return { plan: make(read), prepared: null, again: make };
    }
    case 'reconcile': {
      if (read.live === null) {
        throw new WgDeckError(
          'INTERFACE_DOWN',
          `${iface} is not up: there is no live state to reconcile with.`,
        );
      }
      if (operation.direction === 'file-to-live') {
        const make = (r: InterfaceRead & { fileText: string }): PeerPlan =>
          planFileReplacement({
            iface,
            configPath,
            fileText: r.fileText,
            newText: r.fileText,
            live: r.live,
            title: 'Config file → live interface',
          });
        return { plan: make(read), prepared: null, again: make };
      }
      const showconf = await runner.check(remoteOps.showconf(iface), 'reading the live configuration');
      const fromLive = fileFromLive(read.fileText, showconf, read.live);
      const make = (r: InterfaceRead & { fileText: string }): PeerPlan =>
        planFileReplacement({
          iface,
          configPath,
          fileText: r.fileText,
          newText: fromLive.text,
          live: r.live,
          title: 'Live interface → config file',
          notes: fromLive.notes,
        });
      return { plan: make(read), prepared: null, again: make };
    }
    case 'save-config-off': {
      const make = (r: InterfaceRead & { fileText: string }): PeerPlan => {
        const newText = serializeConfig(disableSaveConfig(parseConfig(r.fileText)));
        if (newText === r.fileText) {
          throw new WgDeckError('NOTHING_TO_DO', `${configPath} does not set SaveConfig = true.`);
        }
        return planFileReplacement({
          iface,
          configPath,
          fileText: r.fileText,
          newText,
          live: r.live,
          title: 'SaveConfig = false',
        });
      };
      return { plan: make(read), prepared: null, again: make };
    }
  }
}

/** What makes two previews of the same operation the same to the admin: the file and the touched peers. */
export function planSignature(plan: PeerPlan): string {
  return JSON.stringify({
    text: plan.newText,
    tier: plan.preview.tier,
    touched: plan.preview.touched.map((peer) => [peer.publicKey, peer.effect, peer.intended]),
  });
}
