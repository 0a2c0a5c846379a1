import { useEffect, useState } from 'react';
import type { Placement, PlacementRow } from '../../../../shared/placement.ts';
import { routeHash } from '../../lib/route.ts';
import { call, useApp } from '../../store/store.ts';

const decimal = (value: number | null) => (value === null ? '—' : value.toFixed(3));
const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value)} %`);

function parts(row: PlacementRow): string {
  return `${decimal(row.score)} = base ${decimal(row.base)} + CPU ${row.cpuPenalty} + memory ${row.memoryPenalty}`;
}

/**
 * In the add-peer dialog of a server in a group: where placement (seed 001's formula, the one
 * `wgdeck placement` and `peer add --server auto` use) would put a new peer, with each score's parts —
 * so the admin adding by hand sees when another server of the group is the better place.
 */
export function PlacementNote({ server, iface }: { server: string; iface: string }) {
  const group = useApp((s) => s.configs.find((c) => c.name === server)?.group ?? null);
  const [ranking, setRanking] = useState<Placement | null>(null);
  useEffect(() => {
    if (group === null) return;
    let live = true;
    call('placement:rank', group)
      .then((r) => live && setRanking(r))
      .catch(() => undefined); // a nicety: the dialog works without it
    return () => {
      live = false;
    };
  }, [group]);
  if (group === null || ranking === null || ranking.servers.length < 2) return null;
  const best = ranking.servers[0]!;
  const here = ranking.servers.find((r) => r.name === server);
  return (
    <div
      className="callout placement-note"
      data-tone="info"
      data-testid="placement-note"
      data-chosen={ranking.chosen ?? ''}
    >
      <p>
        {ranking.chosen === null ? (
          <>No server in group {group} is eligible for placement.</>
        ) : ranking.chosen === server ? (
          <>
            This server is placement’s choice in group {group}: score {parts(best)}.
          </>
        ) : (
          <>
            Placement in group {group} would choose{' '}
            <a href={routeHash({ page: 'server', server: best.name, iface })} data-testid="placement-best">
              {best.name}
            </a>{' '}
            (score {parts(best)}); this one{' '}
            {here?.eligible ? `scores ${decimal(here.score)}` : `is not eligible: ${here?.reason ?? ''}`}.
          </>
        )}
      </p>
      <details>
        <summary>The ranking</summary>
        <div className="placement-scroll">
          <table className="usage-table" data-testid="placement-table">
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col" className="end">
                  Active / max
                </th>
                <th scope="col" className="end">
                  Weight
                </th>
                <th scope="col" className="end">
                  CPU
                </th>
                <th scope="col" className="end">
                  Memory
                </th>
                <th scope="col" className="end">
                  Score
                </th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {ranking.servers.map((r) => (
                <tr key={r.name} data-server={r.name} data-eligible={r.eligible}>
                  <th scope="row">{r.name}</th>
                  <td className="end num">
                    {r.activePeers} / {r.maxPeers ?? '—'}
                  </td>
                  <td className="end num">{r.weight}</td>
                  <td className="end num" data-testid="placement-cpu">
                    {percent(r.cpuPercent)}
                  </td>
                  <td className="end num">{percent(r.memoryPercent)}</td>
                  <td className="end num" title={r.score === null ? undefined : parts(r)}>
                    {decimal(r.score)}
                  </td>
                  <td className="placement-why">{r.name === ranking.chosen ? 'chosen' : (r.reason ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
