import type { PeerLive } from '../../../shared/domain.ts';
import { isPinged } from '../../../shared/check-address.ts';
import { Age } from './common.tsx';

/** A peer's ping check in words: what is pinged, and what the last round said (and when). */
export function PingCheck({
  peer,
  serverTime,
  updatedAt,
}: {
  peer: PeerLive;
  serverTime: number | null;
  updatedAt: number | null;
}) {
  const { checkAddress, ping } = peer;
  if (checkAddress === null)
    return (
      <span className="muted" data-testid="ping-check" data-state="none">
        not checked: it routes only networks (give it a check address)
      </span>
    );
  if (!isPinged(peer))
    return (
      <span className="muted" data-testid="ping-check" data-state="waiting">
        <span className="mono">{checkAddress}</span> · not pinged until it connects (WireGuard has no endpoint
        for it yet)
      </span>
    );
  const state =
    ping === null ? 'pending' : ping.error ? 'error' : ping.ok ? 'ok' : ping.failing ? 'failing' : 'lost';
  const said =
    ping === null
      ? 'no result yet'
      : ping.error
        ? `ping could not run: ${ping.error}`
        : ping.ok
          ? `answers${ping.rttMs === null ? '' : ` in ${ping.rttMs < 10 ? ping.rttMs.toFixed(1) : Math.round(ping.rttMs)} ms`}`
          : ping.failing
            ? 'no answer: failing'
            : 'no answer to the last check';
  return (
    <span data-testid="ping-check" data-state={state}>
      <span className="mono">{checkAddress}</span> ·{' '}
      <span className={state === 'failing' ? 'text-bad' : undefined}>{said}</span>
      {ping !== null && (
        <span className="muted">
          {' '}
          · <Age then={ping.at} serverTime={serverTime} updatedAt={updatedAt} />
        </span>
      )}
    </span>
  );
}
