import type { InterfaceConfigView } from '../../../../shared/peer-ops.ts';

/**
 * What the admin must know about the file before changing anything: SaveConfig = true (wg-quick
 * overwrites the file), the file's own problems, an apply elsewhere waiting for its confirmation, a
 * rollback that refused to restore its backup.
 */
export function ConfigNotices({
  view,
  onFixSaveConfig,
  busy,
}: {
  view: InterfaceConfigView;
  onFixSaveConfig: () => void;
  busy: boolean;
}) {
  const fatal = view.problems.filter((p) => p.fatal).length;
  return (
    <>
      {view.pendingRollback && (
        <div className="banner" data-tone="warn" role="status" data-testid="pending-rollback">
          <div className="banner-main">
            <p className="banner-title">A change on {view.iface} is waiting for its confirmation</p>
            <p className="banner-message">
              Another apply armed an automatic rollback: unless it is confirmed, the server puts its backup
              back on its own shortly. Wait for it before changing anything else, then refresh.
            </p>
          </div>
        </div>
      )}
      {view.rollbackFailed && (
        <div className="banner" data-tone="bad" role="alert" data-testid="rollback-failed">
          <div className="banner-main">
            <p className="banner-title">The last automatic rollback on {view.iface} failed</p>
            <p className="banner-message">
              An unconfirmed change was not undone: {view.rollbackFailed.reason}. Check the file and the live
              peers below before changing anything; restore a backup if the change was wrong.
            </p>
          </div>
        </div>
      )}
      {view.saveConfig && (
        <div className="banner" data-tone="warn" data-testid="saveconfig-warning">
          <div className="banner-main">
            <p className="banner-title">SaveConfig = true</p>
            <p className="banner-message">
              When {view.iface} goes down, wg-quick writes the live state over this file, which can undo
              changes made here or by hand. Setting it to false keeps the file as the source of truth.
            </p>
          </div>
          <button
            type="button"
            className="button"
            onClick={onFixSaveConfig}
            disabled={busy}
            data-testid="saveconfig-fix"
          >
            Fix (SaveConfig = false)
          </button>
        </div>
      )}
      {view.problems.length > 0 && (
        <div
          className="banner"
          data-tone={fatal > 0 ? 'bad' : 'warn'}
          data-testid="config-problems"
          data-fatal={fatal}
        >
          <div className="banner-main">
            <p className="banner-title">
              {fatal > 0
                ? 'The config file has problems that block every change'
                : 'The config file has problems'}
            </p>
            <ul className="problem-list">
              {view.problems.map((p, i) => (
                <li key={i} data-fatal={p.fatal || undefined}>
                  <span className="mono muted">line {p.line}:</span> {p.message}
                  {p.fatal && <span className="flag-badge flag-bad">blocks changes</span>}
                </li>
              ))}
            </ul>
            {fatal > 0 && <p className="banner-note">Fix them on the server, or restore a backup below.</p>}
          </div>
        </div>
      )}
    </>
  );
}
