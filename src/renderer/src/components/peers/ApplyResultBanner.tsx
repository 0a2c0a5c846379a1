import type { ApplyResult } from '../../../../shared/peer-ops.ts';
import { CloseIcon, CopyButton } from '../common.tsx';
import { dismissApplied, selectPeerState, usePeerFlows } from '../../store/peer-flow.ts';

/** The last apply's outcome: applied and verified (how fast), the backup to go back to. */
export function ApplyResultBanner({ result, onDismiss }: { result: ApplyResult; onDismiss: () => void }) {
  const fileOnly = result.outcome === 'file-only';
  return (
    <div
      className="banner banner-ok"
      role="status"
      data-testid="apply-result"
      data-outcome={result.outcome}
      data-tier={result.tier}
    >
      <div className="banner-main">
        <p className="banner-title">
          {fileOnly
            ? `Config file written in ${result.verifiedAfterMs} ms; nothing live changed`
            : `Applied and verified in ${result.verifiedAfterMs} ms`}
        </p>
        <p className="banner-message">
          {result.preview.changes.length > 0 &&
            `${result.preview.changes.length} change${result.preview.changes.length === 1 ? '' : 's'} · `}
          {result.preview.touched.length} live session{result.preview.touched.length === 1 ? '' : 's'} touched
          {' · '}
          {result.backup ? (
            <>
              backup{' '}
              <span className="mono" data-testid="apply-backup">
                {result.backup}
              </span>
            </>
          ) : (
            'the file did not change, so no backup was needed'
          )}
        </p>
        {result.rotatedKeys.map((rotated) => (
          <p className="banner-message" key={rotated.publicKey} data-testid="rotated-key">
            New preshared key for {rotated.name ?? `${rotated.publicKey.slice(0, 8)}…`} (shown only now; give
            it to the client): <span className="mono">{rotated.presharedKey}</span>{' '}
            <CopyButton text={rotated.presharedKey} label="Copy" />
          </p>
        ))}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        <CloseIcon />
      </button>
    </div>
  );
}

/** The last apply on an interface, whichever view it came from (it stays until dismissed). */
export function LastApplyBanner({ server, iface }: { server: string; iface: string }) {
  const applied = usePeerFlows(selectPeerState(server, iface)).applied;
  if (!applied) return null;
  return <ApplyResultBanner result={applied} onDismiss={() => dismissApplied(server, iface)} />;
}
