/**
 * How a plan preview and an apply read on screen: tier meanings, diff lines, change and session
 * labels, the apply's phases, and what an apply error means for the admin. Pure, so it is tested.
 */
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

export function applyErrorKind(code: string): ApplyErrorKind {
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
    case 'NO_SUCH_PLAN':
    case 'PLAN_NOT_FOUND':
      return 'expired';
    default:
      return 'other';
  }
}

export const APPLY_ERROR_TEXT: Record<Exclude<ApplyErrorKind, 'other'>, { title: string; hint: string }> = {
  'file-changed': {
    title: 'The config file changed since the preview',
    hint: 'Someone or something edited it on the server after WG Deck read it, so nothing was applied. Here is what changed; preview again to plan against the file as it is now.',
  },
  'live-changed': {
    title: 'The live interface changed since the preview',
    hint: 'What this change would touch is no longer what the preview showed, so nothing was applied. Preview again to see the plan as it is now.',
  },
  'rolled-back': {
    title: 'Rolled back',
    hint: 'The change could not be confirmed in time, so the server put the backup back on its own: the config file and the live interface are as they were before.',
  },
  'rollback-failed': {
    title: 'The automatic rollback failed',
    hint: 'The change was not confirmed, and the server refused to put the backup back (see why): the config file and the live peers are still as the change left them. Check them, and restore a backup by hand if the change was wrong.',
  },
  unconfirmed: {
    title: 'The change could not be verified',
    hint: 'WG Deck could not confirm that the change works over a new connection, so it did not confirm it: the server puts the backup back on its own when the rollback timer runs out.',
  },
  'rollback-pending': {
    title: 'An earlier change is still waiting for its confirmation',
    hint: 'Its automatic rollback is still armed on this interface. Nothing was applied; wait until it is confirmed or has rolled back, then preview again.',
  },
  blocked: {
    title: 'The plan is blocked',
    hint: 'The engine refused to apply it as it is (see the reasons). Nothing was applied.',
  },
  locked: {
    title: 'Another change is in progress',
    hint: 'Another WG Deck is changing this interface right now. Nothing was applied; wait for it to finish, then preview again.',
  },
  'no-answer': {
    title: 'No answer from the engine in time',
    hint: 'The apply may still be running on the server: the progress below follows it. When it ends, refresh the config view to see the file as it is.',
  },
  expired: {
    title: 'This preview has expired',
    hint: 'Previews are kept for a short time only. Nothing was applied; preview again.',
  },
};
