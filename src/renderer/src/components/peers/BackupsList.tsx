import { formatBytes } from '../../../../shared/format.ts';
import { formatDateTime } from '../../../../shared/time-format.ts';
import type { BackupInfo } from '../../../../shared/peer-ops.ts';
import { newestFirst } from '../../lib/config-view.ts';

/** The file's backups, newest first; restoring one previews it like any other change. */
export function BackupsList({
  backups,
  onRestore,
  busy,
}: {
  backups: BackupInfo[];
  onRestore: (id: string) => void;
  busy: boolean;
}) {
  const sorted = newestFirst(backups);
  return (
    <section className="backups" aria-labelledby="backups-title">
      <h3 id="backups-title" className="section-title">
        Backups <span className="num">({backups.length})</span>
      </h3>
      {backups.length === 0 ? (
        <p className="muted small" data-testid="backups-list" data-count={0}>
          None yet: WG Deck takes one on the server before every change it writes.
        </p>
      ) : (
        <ul className="backups-list" data-testid="backups-list" data-count={backups.length}>
          {sorted.map((b, i) => (
            <li key={b.id} className="backup" data-backup={b.id}>
              <span className="mono backup-id">{b.id}</span>
              <span className="backup-date">
                {formatDateTime(b.takenAt)}
                {i === 0 && <span className="muted small"> · latest</span>}
              </span>
              <span className="muted num small">{formatBytes(b.bytes)}</span>
              <button
                type="button"
                className="button button-small"
                onClick={() => onRestore(b.id)}
                disabled={busy}
                data-testid="restore-backup"
                data-backup={b.id}
              >
                Restore…
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
