import type { ReactNode } from 'react';
import { shortKey } from '../../../../shared/format.ts';
import type { PeerOperation } from '../../../../shared/peer-ops.ts';
import type { DriftDifference, DriftPeer, DriftReport } from '../../../../shared/peers.ts';

type Direction = Extract<PeerOperation, { kind: 'reconcile' }>['direction'];

const FIELD_LABEL: Record<string, string> = {
  allowedIps: 'allowed IPs',
  persistentKeepalive: 'keepalive',
  presharedKey: 'preshared key',
  endpoint: 'endpoint',
  publicKey: 'public key',
  listenPort: 'listen port',
  fwmark: 'fwmark',
};

function Peer({ peer }: { peer: DriftPeer }) {
  return (
    <>
      {peer.name ?? <span className="muted">unnamed</span>}{' '}
      <span className="mono muted small" title={peer.publicKey}>
        {shortKey(peer.publicKey)}
      </span>
    </>
  );
}

/** A key is shortened (the whole one on hover); other values as they are. */
function Value({ field, value }: { field: string; value: string }) {
  return (
    <span className="mono" title={value}>
      {field === 'publicKey' ? shortKey(value) : value}
    </span>
  );
}

function Group({
  title,
  help,
  testId,
  children,
  count,
}: {
  title: string;
  help: string;
  testId: string;
  count: number;
  children: ReactNode;
}) {
  if (count === 0) return null;
  return (
    <div className="drift-group" data-testid={testId} data-count={count}>
      <h4 className="drift-group-title">
        {title} <span className="muted num">({count})</span>
      </h4>
      <p className="muted small">{help}</p>
      <ul className="drift-list">{children}</ul>
    </div>
  );
}

/** The groups whose peers need no more than their name and key. */
const PLAIN_GROUPS = [
  {
    key: 'onlyLive',
    title: 'Only live',
    help: 'On the interface but not in the file (added by hand with wg set).',
    testId: 'drift-only-live',
  },
  {
    key: 'onlyFile',
    title: 'Only in the file',
    help: 'Enabled in the file but not on the interface.',
    testId: 'drift-only-file',
  },
  {
    key: 'disabledButLive',
    title: 'Disabled but live',
    help: 'Disabled in the file, yet still on the interface.',
    testId: 'drift-disabled-but-live',
  },
] as const;

/** A group of peers, each by name and key; `details` adds what more there is to say of one. */
function PeerGroup<P extends DriftPeer>({
  peers,
  details,
  ...group
}: {
  title: string;
  help: string;
  testId: string;
  peers: readonly P[];
  details?: (peer: P) => ReactNode;
}) {
  return (
    <Group {...group} count={peers.length}>
      {peers.map((p) => (
        <li key={p.publicKey} data-peer={p.publicKey}>
          <Peer peer={p} />
          {details?.(p)}
        </li>
      ))}
    </Group>
  );
}

/** Field by field, the file's value beside the live one. */
function DifferenceTable({ differences }: { differences: DriftDifference[] }) {
  return (
    <table className="drift-table small">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">File</th>
          <th scope="col">Live</th>
        </tr>
      </thead>
      <tbody>
        {differences.map((d) => (
          <tr key={d.field} data-field={d.field}>
            <th scope="row">{FIELD_LABEL[d.field] ?? d.field}</th>
            <td className="mono">{d.file}</td>
            <td className="mono">{d.live}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One way to reconcile: its button (`reconcile-<direction>`) and what it does. */
function ReconcileOption({
  direction,
  label,
  busy,
  onReconcile,
  children,
}: {
  direction: Direction;
  label: string;
  busy: boolean;
  onReconcile: (direction: Direction) => void;
  children: ReactNode;
}) {
  return (
    <div className="reconcile-option">
      <button
        type="button"
        className="button"
        onClick={() => onReconcile(direction)}
        disabled={busy}
        data-testid={`reconcile-${direction}`}
      >
        {label}
      </button>
      <p className="small muted">{children}</p>
    </div>
  );
}

/**
 * Where the config file and the live interface disagree, and the two ways to make them agree. Both
 * only preview: nothing happens before the admin applies the plan.
 */
export function DriftPanel({
  report,
  onReconcile,
  busy,
}: {
  report: DriftReport;
  onReconcile: (direction: Direction) => void;
  busy: boolean;
}) {
  return (
    <section className="panel drift-panel" data-testid="drift-panel" aria-labelledby="drift-title">
      <h3 id="drift-title" className="section-title drift-title">
        Drift: the live interface differs from the config file
      </h3>
      <div className="drift-groups">
        {PLAIN_GROUPS.map(({ key, ...group }) => (
          <PeerGroup key={key} {...group} peers={report[key]} />
        ))}
        <PeerGroup
          title="Different"
          help="On both, with other settings live than in the file."
          testId="drift-different"
          peers={report.different}
          details={(p) => <DifferenceTable differences={p.differences} />}
        />
        <Group
          title="Interface"
          help="The interface’s own settings differ."
          testId="drift-interface"
          count={report.interface.length}
        >
          {report.interface.map((d) => (
            <li key={d.field} data-field={d.field}>
              {FIELD_LABEL[d.field] ?? d.field}: file <Value field={d.field} value={d.file} />, live{' '}
              <Value field={d.field} value={d.live} />
            </li>
          ))}
        </Group>
      </div>
      <div className="reconcile">
        <ReconcileOption
          direction="file-to-live"
          label="Make live match the file…"
          busy={busy}
          onReconcile={onReconcile}
        >
          File → live: runs <code>wg syncconf</code>, so live-only peers are removed and the others reset to
          the file.
        </ReconcileOption>
        <ReconcileOption
          direction="live-to-file"
          label="Write live into the file…"
          busy={busy}
          onReconcile={onReconcile}
        >
          Live → file: writes the live state into the config file; no live session changes.
        </ReconcileOption>
      </div>
    </section>
  );
}
