import { countdownText, restoreCountdownText } from '../../lib/countdown.ts';
import type { TxPhase } from '../../../../shared/peer-ops.ts';
import { isFinalPhase, PHASE_LABEL, txKey, txMatches } from '../../lib/plan-view.ts';
import { useNow } from '../../lib/ticker.ts';
import { useApp } from '../../store/store.ts';

function Countdown({ rollbackAt, failed = false }: { rollbackAt: number; failed?: boolean }) {
  const now = useNow();
  const text = failed ? restoreCountdownText(rollbackAt, now) : countdownText(rollbackAt, now);
  return (
    <p className="tx-countdown num" data-testid="tx-countdown" role="timer" aria-live="off">
      {text}
    </p>
  );
}

const STEPS: { phase: TxPhase; label: string }[] = [
  { phase: 'locking', label: 'Lock' },
  { phase: 'armed', label: 'Backup and rollback armed' },
  { phase: 'applying', label: 'Apply' },
  { phase: 'verifying', label: 'Verify' },
  { phase: 'confirmed', label: 'Confirmed' },
];

function Steps({ phase }: { phase: TxPhase }) {
  const at = STEPS.findIndex((s) => s.phase === phase);
  return (
    <ol className="tx-steps" aria-hidden="true">
      {STEPS.map((s, i) => (
        <li
          key={s.phase}
          data-state={
            at === -1 ? 'todo' : i < at || phase === 'confirmed' ? 'done' : i === at ? 'current' : 'todo'
          }
        >
          {s.label}
        </li>
      ))}
    </ol>
  );
}

/**
 * The apply as the engine reports it (`peers:tx`): the phase and the rollback countdown while it
 * runs. After a failure it shows only what still matters: an armed rollback that will fire (the
 * countdown to the restore), or the progress of an apply whose answer the transport gave up on.
 */
export function ApplyProgress({
  server,
  iface,
  failed = false,
  planId = null,
}: {
  server: string;
  iface: string;
  /** The apply being followed: events of other applies on the interface are ignored. */
  planId?: string | null;
  /** The apply call failed: show only a rollback still armed, or progress still going. */
  failed?: boolean;
}) {
  const event = useApp((s) => s.peerTx[txKey(server, iface)]);
  const now = useNow();
  const matched = txMatches(event, server, iface, planId) ? event : null;
  const phase = matched?.phase ?? (failed ? null : 'locking');
  if (phase === null) return null;
  const final = isFinalPhase(phase);
  // A failure after the rollback was armed: the server restores the backup at that time.
  const restoreAt =
    phase === 'failed' && matched && matched.rollbackAt !== null && matched.rollbackAt > now - 5000
      ? matched.rollbackAt
      : null;
  if (failed && final && restoreAt === null) return null;
  if (restoreAt !== null) {
    return (
      <div className="tx" data-phase={phase} aria-live="polite">
        <Countdown rollbackAt={restoreAt} failed />
      </div>
    );
  }
  return (
    <div className="tx" data-phase={phase} aria-live="polite">
      <div className="tx-head">
        {!final && <span className="spinner spinner-small" aria-hidden="true" />}
        <span className="tx-phase" data-testid="tx-phase" data-phase={phase}>
          {PHASE_LABEL[phase]}
        </span>
        {matched?.message && <span className="muted small tx-message">{matched.message}</span>}
      </div>
      {matched?.rollbackAt != null && !final && <Countdown rollbackAt={matched.rollbackAt} />}
      {(phase === 'confirmed' || !final) && <Steps phase={phase} />}
    </div>
  );
}
