/**
 * How a plan preview and an apply read on screen: tier meanings, diff lines, change and session
 * labels, the apply's phases, and what an apply error means for the admin. Pure, so it is tested.
 */
import { isErrorCode } from '../../../shared/error-codes.ts';
import type { PeerOperation, PeerTxEvent, TxPhase } from '../../../shared/peer-ops.ts';
import type { PeerAction, SessionEffect } from '../../../shared/peers.ts';

export type Tier = 0 | 1 | 2 | 3;

export const TIER_MEANING: Record<Tier, string> = {
  0: 'Config file only: no live session is touched.',
  1: 'One “wg set” for the one peer that changes: no other session is touched.',
  2: '“wg syncconf” from the new file: every peer listed below is touched.',
  3: 'The interface restarts: every session on it drops.',
};

export const ACTION_LABEL: Record<PeerAction, string> = {
  add: 'Add',
  edit: 'Edit',
  disable: 'Disable',
  enable: 'Enable',
  remove: 'Remove',
};

export const EFFECT_LABEL: Record<SessionEffect, string> = {
  added: 'added',
  removed: 'removed',
  updated: 'updated',
};

// --- Diff --------------------------------------------------------------------------------------------

export type DiffLineKind = 'add' | 'del' | 'hunk' | 'meta' | 'context' | 'note';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

/** A unified diff's lines, each classified for colour (`+++`/`---` headers are not additions). */
export function classifyDiff(diff: string): DiffLine[] {
  if (diff === '') return [];
  const lines = diff.replace(/\r?\n$/, '').split(/\r?\n/);
  return lines.map((text): DiffLine => {
    if (text.startsWith('+++ ') || text.startsWith('--- ') || text === '+++' || text === '---')
      return { kind: 'meta', text };
    if (text.startsWith('@@')) return { kind: 'hunk', text };
    if (text.startsWith('+')) return { kind: 'add', text };
    if (text.startsWith('-')) return { kind: 'del', text };
    if (text.startsWith('\\')) return { kind: 'note', text };
    return { kind: 'context', text };
  });
}

/** "+3 −1" for a diff's summary line. */
export function diffStats(lines: readonly DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of lines) {
    if (line.kind === 'add') added++;
    else if (line.kind === 'del') removed++;
  }
  return { added, removed };
}

// --- Operations ----------------------------------------------------------------------------------------

/** The dialog title for an operation being previewed. */
export function operationTitle(operation: PeerOperation, iface: string): string {
  switch (operation.kind) {
    case 'changes': {
      const [first] = operation.changes;
      if (operation.changes.length !== 1 || !first) return `${operation.changes.length} changes on ${iface}`;
      if (first.action === 'add') return `Add peer “${first.draft.name}” to ${iface}`;
      return `${ACTION_LABEL[first.action]} a peer on ${iface}`;
    }
    case 'restore':
      return `Restore ${operation.backup}`;
    case 'reconcile':
      return operation.direction === 'file-to-live'
        ? `Make ${iface} match its config file`
        : `Write ${iface}’s live state into its config file`;
    case 'save-config-off':
      return `Set SaveConfig = false on ${iface}`;
  }
}

// --- Apply progress ----------------------------------------------------------------------------------

export const PHASE_LABEL: Record<TxPhase, string> = {
  locking: 'Taking the server-side lock',
  armed: 'Backup taken, automatic rollback armed',
  applying: 'Applying',
  verifying: 'Verifying over a new connection',
  confirmed: 'Confirmed',
  'rolled-back': 'Rolled back',
  'rollback-failed': 'Rollback failed: the change is still in place',
  failed: 'Failed',
};

export function isFinalPhase(phase: TxPhase): boolean {
  return (
    phase === 'confirmed' || phase === 'rolled-back' || phase === 'rollback-failed' || phase === 'failed'
  );
}

/** The store's key for the latest `peers:tx` event of an interface. */
export function txKey(server: string, iface: string): string {
  return `${server}\u0000${iface}`;
}

/** Whether an event is about the apply shown for this interface (and not an older one). */
export function txMatches(
  event: PeerTxEvent | undefined,
  server: string,
  iface: string,
  planId: string | null,
): event is PeerTxEvent {
  if (!event || event.server !== server || event.iface !== iface) return false;
  // An event of another window's (or the CLI's) apply on the same interface is not ours.
  return planId === null || event.planId === planId;
}

// --- Apply errors ------------------------------------------------------------------------------------

export type ApplyErrorKind =
  | 'file-changed'
  | 'live-changed'
  | 'rolled-back'
  | 'rollback-failed'
  | 'unconfirmed'
  | 'locked'
  | 'rollback-pending'
  | 'blocked'
  | 'expired'
  | 'no-answer'
  | 'other';

/**
 * What the apply dialog offers for an error (the file's diff, "preview again"). Its words are the
 * code's own, from the one table (shared/error-codes.ts); a code not declared there is 'other'.
 */
export function applyErrorKind(code: string): ApplyErrorKind {
  if (!isErrorCode(code)) return 'other';
  switch (code) {
    case 'FILE_CHANGED':
      return 'file-changed';
    case 'LIVE_CHANGED':
      return 'live-changed';
    case 'ROLLED_BACK':
      return 'rolled-back';
    case 'ROLLBACK_FAILED':
      return 'rollback-failed';
    case 'VERIFY_FAILED':
    case 'UNCONFIRMED':
      return 'unconfirmed';
    case 'LOCKED':
      return 'locked';
    case 'ROLLBACK_PENDING':
      return 'rollback-pending';
    case 'PLAN_BLOCKED':
      return 'blocked';
    case 'TIMEOUT':
      return 'no-answer';
    case 'PLAN_EXPIRED':
      return 'expired';
    default:
      return 'other';
  }
}
