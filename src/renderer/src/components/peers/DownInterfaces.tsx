import { useEffect, useState } from 'react';
import type { ServerInterface } from '../../../../shared/peer-ops.ts';
import { call } from '../../store/store.ts';
import { LastApplyBanner } from './ApplyResultBanner.tsx';
import { ConfigView } from './ConfigView.tsx';
import { PeerActionDialogs } from './PeerActionDialogs.tsx';

/**
 * Interfaces with a config file that are not up (stopped, or not started at boot): their peers can
 * still be managed — the change goes to the file only and applies at the next `wg-quick up`.
 */
export function DownInterfaces({
  server,
  serverHost,
  liveNames,
}: {
  server: string;
  serverHost: string;
  /** The interfaces up right now (when they change, the list is read again). */
  liveNames: string;
}) {
  const [down, setDown] = useState<ServerInterface[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    call('peers:interfaces', server)
      .then((all) => {
        if (current) setDown(all.filter((i) => !i.live && i.hasFile));
      })
      // Listing needs root like every peer operation; without it, the live interfaces still show.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [server, liveNames]);
  if (down.length === 0) return null;
  return (
    <section className="down-interfaces" data-testid="down-interfaces" aria-label="Interfaces not running">
      <h2 className="iface-title">
        <span className="muted">Not running</span>
      </h2>
      <ul className="down-interface-list">
        {down.map((i) => (
          <li key={i.iface} data-testid="down-interface" data-interface={i.iface}>
            <div className="down-interface-row">
              <span className="mono">{i.iface}</span>
              <span className="muted mono small">{i.configPath}</span>
              <button
                type="button"
                className="button"
                aria-expanded={open === i.iface}
                data-testid={`manage-down-${i.iface}`}
                onClick={() => setOpen(open === i.iface ? null : i.iface)}
              >
                {open === i.iface ? 'Close' : 'Manage peers'}
              </button>
            </div>
            {open === i.iface && (
              <>
                <LastApplyBanner server={server} iface={i.iface} />
                <ConfigView
                  key={`${server}/${i.iface}`}
                  server={server}
                  iface={i.iface}
                  serverHost={serverHost}
                />
                <PeerActionDialogs server={server} iface={i.iface} />
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
