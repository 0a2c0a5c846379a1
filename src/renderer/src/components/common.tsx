import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { ConnectionState, PeerStatus } from '../../../shared/domain.ts';
import { formatAge, formatDateTime } from '../../../shared/time-format.ts';
import { formatLastSeen } from '../../../shared/liveness.ts';
import { useNow } from '../lib/ticker.ts';

export const PEER_STATUS_LABEL: Record<PeerStatus, string> = {
  online: 'Online',
  stale: 'Stale',
  idle: 'Idle',
  offline: 'Offline',
  never: 'Never',
};

export const PEER_STATUS_HELP: Record<PeerStatus, string> = {
  online: 'Recent handshake',
  stale: 'Handshake a while ago',
  idle: 'No recent handshake; without keepalive or a ping check that is quiet, not down',
  offline: 'No handshake for a long time, or its ping check fails',
  never: 'Never completed a handshake',
};

export const CONNECTION_LABEL: Record<ConnectionState, string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  connected: 'Connected',
  reconnecting: 'Reconnecting',
  error: 'Error',
  stopped: 'Stopped',
};

/** Colour family of a connection state, shared by dots and cards. */
export function connectionTone(state: ConnectionState | null, hasError = false): string {
  if (state === 'connected') return hasError ? 'warn' : 'ok';
  if (state === 'connecting' || state === 'reconnecting') return 'warn';
  if (state === 'error') return 'bad';
  return 'none';
}

const PEER_TONE: Record<PeerStatus, string> = {
  online: 'ok',
  stale: 'warn',
  idle: 'none',
  offline: 'bad',
  never: 'none',
};

/** A status dot with its word beside it (never colour alone). */
export function PeerStatusBadge({ status }: { status: PeerStatus }) {
  return (
    <span
      className="status"
      data-tone={PEER_TONE[status]}
      data-status={status}
      data-testid="peer-status"
      title={PEER_STATUS_HELP[status]}
    >
      <span className="dot" aria-hidden="true" />
      {PEER_STATUS_LABEL[status]}
    </span>
  );
}

export function ConnectionBadge({
  state,
  hasError = false,
  compact = false,
}: {
  state: ConnectionState | null;
  hasError?: boolean;
  compact?: boolean;
}) {
  const label = state === null ? 'Waiting' : CONNECTION_LABEL[state];
  const text = hasError && state === 'connected' ? 'Connected, with a problem' : label;
  return (
    <span
      className={compact ? 'status status-compact' : 'status'}
      data-tone={connectionTone(state, hasError)}
      data-state={state ?? 'waiting'}
      data-testid="connection-status"
      title={compact ? text : undefined}
    >
      <span className="dot" aria-hidden="true" />
      {compact ? <span className="sr-only">{text}</span> : text}
    </span>
  );
}

/** "23 s ago", ticking every second against the server's clock. */
export function Age({
  then,
  serverTime,
  updatedAt,
}: {
  then: number | null;
  serverTime: number | null;
  updatedAt: number | null;
}) {
  const now = useNow();
  if (then === null) return <span className="muted">never</span>;
  if (serverTime === null) return <span className="muted">—</span>;
  const serverNow = updatedAt === null ? serverTime : serverTime + Math.max(0, now - updatedAt) / 1000;
  // The moment itself on hover: the age says how recent, the title says when.
  return (
    <time dateTime={new Date(then * 1000).toISOString()} title={formatDateTime(then * 1000)}>
      {formatAge(then, serverNow)}
    </time>
  );
}

/** "last seen 3 min ago" for a server that is not streaming, ticking with the laptop's clock. */
export function LastSeen({ updatedAt }: { updatedAt: number | null }) {
  const now = useNow();
  if (updatedAt === null) return <>{formatLastSeen(updatedAt, now)}</>;
  return (
    <time dateTime={new Date(updatedAt).toISOString()} title={formatDateTime(updatedAt)}>
      {formatLastSeen(updatedAt, now)}
    </time>
  );
}

export async function writeClipboard(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Fall back for contexts without the async clipboard (http:// browser mode, denied permission).
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/** Copies to the clipboard; `copied` stays true for 1.5 s after, so the button can say it worked. */
export function useCopy(): { copied: boolean; copy: (text: string) => void } {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(t);
  }, [copied]);
  return { copied, copy: (text) => void writeClipboard(text).then(() => setCopied(true)) };
}

/** A small copy button; `label` names what it copies ("Copy public key"). */
export function CopyButton({ text, label, className }: { text: string; label: string; className?: string }) {
  const { copied, copy } = useCopy();
  return (
    <button
      type="button"
      className={`icon-button copy-button ${className ?? ''}`}
      aria-label={label}
      title={copied ? 'Copied' : label}
      data-copied={copied || undefined}
      onClick={(event) => {
        event.stopPropagation();
        copy(text);
      }}
    >
      {copied ? <CheckIcon /> : <CopyIcon />}
      <span className="sr-only" aria-live="polite">
        {copied ? 'Copied' : ''}
      </span>
    </button>
  );
}

export function CopyIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.4" />
      <path
        d="M3.5 11H3a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1h7a1 1 0 0 1 1 1v.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.4"
      />
    </svg>
  );
}

export function CheckIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
    </svg>
  );
}

export function CloseIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  );
}

/**
 * A modal built on <dialog>: the browser traps focus, Escape closes, the rest of the page is inert.
 * `onClose` runs however it closes.
 */
export function Modal({
  open,
  onClose,
  title,
  children,
  testId,
  className,
  describedBy,
  suspended = false,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  testId?: string;
  className?: string;
  describedBy?: string;
  /**
   * Open but out of sight while another dialog stands in for it (a form while its preview is shown):
   * its contents stay mounted, so going back finds the form as it was left. Dialogs never stack.
   */
  suspended?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const shown = open && !suspended;
  const suspendedRef = useRef(suspended);
  suspendedRef.current = suspended;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (shown && !dialog.open) dialog.showModal();
    if (!shown && dialog.open) dialog.close();
  }, [shown]);
  // A closed dialog is not in the page at all: two interfaces' dialogs never meet in one document.
  if (!open) return null;
  return (
    <dialog
      ref={ref}
      className={`modal ${className ?? ''}`}
      aria-labelledby={titleId}
      aria-describedby={describedBy}
      data-testid={testId}
      data-suspended={(open && suspended) || undefined}
      onClose={() => {
        // Closed to make way for another dialog: still open as far as its owner is concerned.
        if (!suspendedRef.current) onClose();
      }}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {open && (
        <>
          <h2 id={titleId} className="modal-title">
            {title}
          </h2>
          {children}
        </>
      )}
    </dialog>
  );
}

/** A copyable one-line code block (sudoers line, fingerprint). */
export function CodeLine({ text, label, testId }: { text: string; label: string; testId?: string }) {
  return (
    <div className="code-line">
      <code data-testid={testId}>{text}</code>
      <CopyButton text={text} label={label} />
    </div>
  );
}
