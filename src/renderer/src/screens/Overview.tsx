import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatBytes, formatPercent, formatRate } from '../../../shared/format.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { FleetChart } from '../components/charts/FleetHistory.tsx';
import { ConnectionBadge, LastSeen } from '../components/common.tsx';
import { downHeadline } from '../../../shared/liveness.ts';
import { routeHash } from '../lib/route.ts';
import type { HeldServer } from '../store/fleet-state.ts';
import { fleetTotals, groupServers, serverSummary, type TroubleCounter } from '../store/selectors.ts';
import { navigate, useApp, type RateUnit } from '../store/store.ts';

export const COUNTER_LABEL: Record<string, string> = {
  rxBytes: 'RX bytes',
  txBytes: 'TX bytes',
  rxPackets: 'RX packets',
  txPackets: 'TX packets',
  rxErrors: 'RX errors',
  txErrors: 'TX errors',
  rxDropped: 'RX drops',
  txDropped: 'TX drops',
  multicast: 'Multicast',
};

function risingText(counters: TroubleCounter[]): string {
  return counters.map((c) => COUNTER_LABEL[c]).join(', ');
}

function Stat({
  label,
  value,
  sub,
  testId,
  dataValue,
}: {
  label: string;
  value: string;
  /** Every card has one, so all four are alike (same lines, same height). */
  sub: string;
  testId: string;
  /** The raw number behind `value`, for tests and tools ('' when unknown). */
  dataValue?: number | null;
}) {
  return (
    <div
      className="stat"
      data-testid={testId}
      data-value={dataValue === undefined ? undefined : (dataValue ?? '')}
    >
      <div className="stat-label">{label}</div>
      <div className="stat-value num">{value}</div>
      <div className="stat-sub" title={sub}>
        {sub}
      </div>
    </div>
  );
}

const ServerCard = memo(function ServerCard({
  config,
  name,
  held,
  rateUnit,
}: {
  config: ServerConfig | undefined;
  name: string;
  held: HeldServer | undefined;
  rateUnit: RateUnit;
}) {
  const live = held?.live;
  const summary = live ? serverSummary(live) : null;
  // Not streaming: what it sent last is history, not a figure to show as current.
  const down = summary !== null && !summary.streaming;
  const system = down ? null : (live?.system ?? null);
  const mem =
    system?.memUsedBytes != null && system.memTotalBytes
      ? (system.memUsedBytes / system.memTotalBytes) * 100
      : null;
  const flagged = summary !== null && summary.rising.length > 0;
  return (
    <li
      className="card server-card"
      data-testid="server-card"
      data-server={name}
      data-flagged={flagged || undefined}
      data-streaming={summary?.streaming ?? false}
    >
      <div className="card-head">
        <a className="card-title" href={routeHash({ page: 'server', server: name })}>
          {name}
        </a>
        <ConnectionBadge state={live?.state ?? null} hasError={Boolean(live?.error)} />
      </div>
      <div className="card-host mono">{config ? `${config.user}@${config.host}` : (live?.host ?? '')}</div>
      {down && (
        <p className="card-seen" data-testid="server-last-seen">
          <LastSeen updatedAt={live?.updatedAt ?? null} />
        </p>
      )}
      {live?.error && <p className="card-error">{live.error}</p>}
      <dl className="card-figures">
        <div>
          <dt>Peers online</dt>
          <dd className="num" data-testid="server-peers">
            {summary && live && live.interfaces.length > 0
              ? `${down ? '—' : summary.counts.online} / ${summary.peers}`
              : '—'}
          </dd>
        </div>
        <div>
          <dt>RX</dt>
          <dd className="num" data-testid="server-rx-rate" data-value={summary?.rxRate ?? ''}>
            {formatRate(summary?.rxRate ?? null, rateUnit)}
          </dd>
        </div>
        <div>
          <dt>TX</dt>
          <dd className="num" data-testid="server-tx-rate" data-value={summary?.txRate ?? ''}>
            {formatRate(summary?.txRate ?? null, rateUnit)}
          </dd>
        </div>
        <div>
          <dt>CPU</dt>
          <dd className="num" data-testid="server-cpu">
            {formatPercent(system?.cpuPercent ?? null)}
          </dd>
        </div>
        <div>
          <dt>Memory</dt>
          <dd
            className="num"
            title={
              system
                ? `${formatBytes(system.memUsedBytes)} of ${formatBytes(system.memTotalBytes)}`
                : undefined
            }
          >
            {formatPercent(mem)}
          </dd>
        </div>
      </dl>
      {flagged && (
        <ul className="card-alerts" aria-label="Interface problems">
          {summary.rising.map((i) => (
            <li key={i.name} className="alert-text" data-testid="rising-interface" data-interface={i.name}>
              {i.name}: {risingText(i.rising)} rising
            </li>
          ))}
        </ul>
      )}
    </li>
  );
});

export function Welcome() {
  return (
    <div className="welcome" data-testid="welcome">
      <div className="welcome-mark" aria-hidden="true" />
      <h1>Watch your WireGuard fleet</h1>
      <p>
        Add a Linux server you can reach over SSH. WG Deck installs nothing on it: one SSH connection streams
        peers, traffic, interface errors and system load every few seconds.
      </p>
      <ul className="welcome-list">
        <li>Your SSH agent, a key file or a password</li>
        <li>Root, or a user allowed to run “sudo -n wg”</li>
        <li>Jump hosts, host keys checked before any credential is sent</li>
      </ul>
      <button
        type="button"
        className="button button-primary button-large"
        onClick={() => navigate({ page: 'add' })}
      >
        Add server
      </button>
    </div>
  );
}

export function Overview() {
  const { fleet, configs, known, rateUnit } = useApp(
    useShallow((s) => ({ fleet: s.fleet, configs: s.configs, known: s.groups, rateUnit: s.rateUnit })),
  );
  const sections = groupServers(configs, fleet, known);
  const grouped = sections.some((g) => g.group !== null);
  const names = sections.flatMap((g) => g.names);
  if (names.length === 0) return <Welcome />;
  const totals = fleetTotals(fleet, names);
  const someDown = totals.serversUp < totals.servers;
  const upServers = `${totals.serversUp} server${totals.serversUp === 1 ? '' : 's'}`;
  const configByName = new Map(configs.map((c) => [c.name, c]));
  return (
    <div className="page">
      <header className="page-header">
        <h1>Overview</h1>
      </header>
      {totals.down.length > 0 && (
        <section className="panel panel-alert fleet-down" aria-label="Servers down" data-testid="fleet-down">
          <p>
            <strong className="alert-text">{downHeadline(totals.down.length, totals.servers)}:</strong>{' '}
            {totals.down.map((name, i) => (
              <span key={name}>
                {i > 0 && ', '}
                <a href={routeHash({ page: 'server', server: name })} data-testid="fleet-down-server">
                  {name}
                </a>
              </span>
            ))}
          </p>
          <p className="muted small">Their last values are left out of the totals until they stream again.</p>
        </section>
      )}
      <section className="stats" aria-label="Fleet totals">
        <Stat
          label="Servers up"
          value={`${totals.serversUp} / ${totals.servers}`}
          sub={
            totals.connecting.length > 0
              ? `${totals.connecting.length} connecting`
              : totals.servers === 0
                ? 'none added yet'
                : someDown
                  ? `${totals.servers - totals.serversUp} not streaming`
                  : 'all streaming'
          }
          testId="fleet-servers"
        />
        <Stat
          label="Peers online"
          value={`${totals.peersOnline} / ${totals.peers}`}
          sub={someDown ? `on ${upServers} up` : 'with a recent handshake'}
          testId="fleet-peers"
        />
        <Stat
          label="Fleet RX"
          value={formatRate(totals.rxRate, rateUnit)}
          sub={someDown ? `received by ${upServers} up` : 'received by servers'}
          testId="fleet-rx"
          dataValue={totals.rxRate}
        />
        <Stat
          label="Fleet TX"
          value={formatRate(totals.txRate, rateUnit)}
          sub={someDown ? `sent by ${upServers} up` : 'sent by servers'}
          testId="fleet-tx"
          dataValue={totals.txRate}
        />
      </section>
      {totals.rising.length > 0 && (
        <section className="panel panel-alert" aria-labelledby="health-alerts" data-testid="fleet-alerts">
          <h2 id="health-alerts" className="section-title">
            Interface errors or drops rising
          </h2>
          <ul className="alert-list">
            {totals.rising.map(({ server, iface }) => (
              <li key={`${server}/${iface.name}`}>
                <a href={routeHash({ page: 'server', server, iface: iface.name })} className="alert-text">
                  {server} · {iface.name}
                </a>{' '}
                <span className="muted">{risingText(iface.rising)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <FleetChart />
      {sections.map((section, i) => {
        const heading = section.group ?? (grouped ? 'Other servers' : 'Servers');
        const id = `servers-heading-${i}`;
        return (
          <section
            key={section.group ?? '\0'}
            aria-labelledby={id}
            data-testid="server-group"
            data-group={section.group ?? undefined}
          >
            <h2 id={id} className="section-title">
              {heading}
              {section.region && <span className="section-sub muted"> · {section.region}</span>}
            </h2>
            <ul className="card-grid">
              {section.names.map((name) => (
                <ServerCard
                  key={name}
                  name={name}
                  config={configByName.get(name)}
                  held={fleet[name]}
                  rateUnit={rateUnit}
                />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
