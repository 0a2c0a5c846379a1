import { formatAge, formatDateTime } from '../../../../shared/time-format.ts';
import { ALERT_KIND_LABEL } from '../../lib/alert-forms.ts';
import { routeHash } from '../../lib/route.ts';
import { useApp } from '../../store/store.ts';

export function FiringList() {
  const firing = useApp((s) => s.firing);
  const now = Date.now() / 1000;
  return (
    <section
      className={`panel${firing.some((a) => !a.snoozed) ? ' panel-alert' : ''}`}
      aria-labelledby="alerts-firing"
    >
      <h2 id="alerts-firing" className="section-title">
        Firing now
      </h2>
      {firing.length === 0 ? (
        <p className="muted" data-testid="alerts-none-firing">
          Nothing is firing.
        </p>
      ) : (
        <table className="usage-table alerts-table" data-testid="alerts-firing">
          <thead>
            <tr>
              <th scope="col">Since</th>
              <th scope="col">Alert</th>
              <th scope="col">Where</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {firing.map((a) => (
              <tr key={`${a.rule}-${a.server}-${a.iface ?? ''}-${a.publicKey ?? ''}`} data-rule={a.rule}>
                <th scope="row" title={formatDateTime(a.since * 1000)}>
                  {formatAge(a.since, now)}
                </th>
                <td className={a.snoozed ? 'muted' : 'alert-text'}>
                  {ALERT_KIND_LABEL[a.kind]}
                  {a.snoozed ? ' (snoozed)' : ''}
                </td>
                <td>
                  <a
                    href={routeHash({
                      page: 'server',
                      server: a.server,
                      ...(a.iface ? { iface: a.iface } : {}),
                    })}
                  >
                    {a.iface ? `${a.server} · ${a.iface}` : a.server}
                  </a>
                </td>
                <td className="alerts-message">{a.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
