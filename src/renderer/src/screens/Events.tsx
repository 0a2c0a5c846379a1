import { useEffect, useState } from 'react';
import { EVENT_TYPES, type EventQuery, type EventType, type LoggedEvent } from '../../../shared/event-log.ts';
import { shortKey } from '../../../shared/format.ts';
import { formatAge, formatDateTime } from '../../../shared/time-format.ts';
import { toApiError, type ApiError } from '../lib/errors.ts';
import { EVENT_LABEL, eventDetails, eventKind } from '../lib/event-text.ts';
import { routeHash } from '../lib/route.ts';
import { call, navigate, useApp } from '../store/store.ts';

const SINCE = [
  { id: '1h', label: 'Last hour', seconds: 3600 },
  { id: '24h', label: 'Last 24 h', seconds: 86_400 },
  { id: '7d', label: 'Last 7 days', seconds: 7 * 86_400 },
  { id: 'all', label: 'All kept', seconds: null },
] as const;
type SinceId = (typeof SINCE)[number]['id'];

/** How often an open list asks again: events are rare, and a poll is 5 s. */
const REFRESH_MS = 10_000;
const LIMIT = 500;

/** The event log, newest first, filtered by server, type, peer and age; refreshed while open. */
export function EventsPage({ server }: { server?: string | undefined }) {
  const configs = useApp((s) => s.configs);
  const [type, setType] = useState<EventType | ''>('');
  const [peer, setPeer] = useState('');
  const [since, setSince] = useState<SinceId>('24h');
  const [events, setEvents] = useState<LoggedEvent[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    const load = () => {
      const q: EventQuery = { limit: LIMIT };
      if (server) q.server = server;
      if (type) q.types = [type];
      if (peer.trim()) q.peer = peer.trim();
      const seconds = SINCE.find((s) => s.id === since)?.seconds ?? null;
      if (seconds !== null) q.since = Date.now() / 1000 - seconds;
      call('events:list', q)
        .then((found) => {
          if (!live) return;
          setEvents(found);
          setError(null);
        })
        .catch((e: unknown) => live && setError(toApiError(e)));
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [server, type, peer, since]);

  const now = Date.now() / 1000;
  return (
    <div className="page">
      <header className="page-header">
        <h1>Events</h1>
      </header>
      <div className="peers-toolbar" role="group" aria-label="Filter events">
        <label className="events-filter">
          <span className="muted small">Server</span>
          <select
            value={server ?? ''}
            onChange={(e) =>
              navigate(e.target.value ? { page: 'events', server: e.target.value } : { page: 'events' })
            }
            data-testid="events-server"
          >
            <option value="">All servers</option>
            {configs.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="events-filter">
          <span className="muted small">Type</span>
          <select
            value={type}
            onChange={(e) => setType(e.target.value as EventType | '')}
            data-testid="events-type"
          >
            <option value="">All types</option>
            {EVENT_TYPES.map((t) => (
              <option key={t} value={t}>
                {EVENT_LABEL[t]}
              </option>
            ))}
          </select>
        </label>
        <label className="search">
          <span className="sr-only">Peer (name or public key)</span>
          <input
            type="search"
            placeholder="Peer name or public key"
            value={peer}
            onChange={(e) => setPeer(e.target.value)}
            data-testid="events-peer"
          />
        </label>
        <label className="events-filter">
          <span className="muted small">Since</span>
          <select
            value={since}
            onChange={(e) => setSince(e.target.value as SinceId)}
            data-testid="events-since"
          >
            {SINCE.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small num" aria-live="polite" data-testid="events-count">
          {events === null ? '' : events.length >= LIMIT ? `newest ${LIMIT}` : `${events.length} events`}
        </span>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="events-error">
          {error.message}
        </p>
      )}
      {events !== null && events.length === 0 && !error && (
        <p className="muted" data-testid="events-empty">
          No events{server ? ` for ${server}` : ''} in this time. Events are kept by the process that records
          history (the app or <code>wgdeck serve</code>) while it runs.
        </p>
      )}
      {events !== null && events.length > 0 && (
        <div className="events-scroll">
          <table className="usage-table events-table" data-testid="events-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Where</th>
                <th scope="col">Peer</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e, i) => (
                <tr
                  key={`${e.at}-${e.type}-${e.server}-${e.peer ?? ''}-${i}`}
                  data-type={e.type}
                  data-server={e.server}
                >
                  <th scope="row" title={formatDateTime(e.at * 1000)}>
                    {formatAge(e.at, now)}
                  </th>
                  <td className={eventKind(e.type) === 'problem' ? 'alert-text' : undefined}>
                    {EVENT_LABEL[e.type]}
                  </td>
                  <td>
                    <a
                      href={routeHash({
                        page: 'server',
                        server: e.server,
                        ...(e.interface ? { iface: e.interface } : {}),
                      })}
                    >
                      {e.interface ? `${e.server} · ${e.interface}` : e.server}
                    </a>
                  </td>
                  <td className={e.name ? undefined : 'mono'}>
                    {e.peer ? (e.name ?? shortKey(e.peer)) : ''}
                  </td>
                  <td className="events-details">{eventDetails(e)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
