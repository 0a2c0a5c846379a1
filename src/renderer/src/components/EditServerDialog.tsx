import { useState, type FormEvent } from 'react';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { serverConfigSchema } from '../../../shared/validation.ts';
import { toApiError } from '../lib/errors.ts';
import { call, refreshServers } from '../store/store.ts';
import { Modal } from './common.tsx';

type Draft = {
  host: string;
  port: string;
  user: string;
  jump: string;
  sudo: boolean;
  interval: string;
  group: string;
};

function draftOf(server: ServerConfig): Draft {
  return {
    host: server.host,
    port: String(server.port),
    user: server.user,
    jump: server.jump ?? '',
    sudo: server.sudo,
    interval: server.intervalSeconds === undefined ? '' : String(server.intervalSeconds),
    group: server.group ?? '',
  };
}

/** The server as the draft says, over everything the draft does not show (key file, config paths). */
function serverOf(server: ServerConfig, draft: Draft): unknown {
  const { jump: _jump, group: _group, intervalSeconds: _interval, ...rest } = server;
  return {
    ...rest,
    host: draft.host.trim(),
    port: Number(draft.port),
    user: draft.user.trim(),
    sudo: draft.sudo,
    ...(draft.jump.trim() ? { jump: draft.jump.trim() } : {}),
    ...(draft.group.trim() ? { group: draft.group.trim() } : {}),
    ...(draft.interval.trim() ? { intervalSeconds: Number(draft.interval) } : {}),
  };
}

const FIELDS: readonly [keyof Draft, string, string][] = [
  ['host', 'Host', 'Address or host name'],
  ['port', 'SSH port', ''],
  ['user', 'User', ''],
  ['jump', 'Jump host', 'user@host:port, or a chain a,b; empty for none'],
  ['interval', 'Poll interval (s)', 'Empty: the global setting'],
  ['group', 'Group', 'Empty for none'],
];

/** "Edit…" on a server page: the connection settings, checked by the shared schema; it reconnects. */
export function EditServerDialog({
  server,
  open,
  onClose,
}: {
  server: ServerConfig;
  open: boolean;
  onClose: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(server));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = serverConfigSchema.safeParse(serverOf(server, draft));
    if (!checked.success) {
      const issue = checked.error.issues[0];
      setProblem(`${issue?.path.join('.') || 'server'}: ${issue?.message ?? 'not valid'}`);
      return;
    }
    setBusy(true);
    try {
      await call('server:update', checked.data);
      await refreshServers();
      setProblem(null);
      onClose();
    } catch (error) {
      setProblem(toApiError(error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Edit ${server.name}`}
      testId="edit-server-dialog"
      className="modal-form"
    >
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="form-grid">
          {FIELDS.map(([key, label, hint]) => (
            <label key={key} className="field">
              <span className="field-label">{label}</span>
              <input
                className="input"
                value={draft[key] as string}
                onChange={(e) => {
                  setDraft((d) => ({ ...d, [key]: e.target.value }));
                  // The problem was about what was typed before: it goes as the field changes.
                  setProblem(null);
                }}
                placeholder={hint}
                data-testid={`edit-server-${key}`}
              />
            </label>
          ))}
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.sudo}
            onChange={(e) => setDraft((d) => ({ ...d, sudo: e.target.checked }))}
            data-testid="edit-server-sudo"
          />
          <span>Run wg through sudo -n (for a user other than root)</span>
        </label>
        <p className="field-hint">
          Saving reconnects the server. A new host or port has its host key checked again before any login.
        </p>
        {problem && (
          <p className="form-error" role="alert" data-testid="edit-server-error">
            {problem}
          </p>
        )}
        <div className="button-row end form-footer">
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="button button-primary"
            disabled={busy}
            data-testid="edit-server-save"
          >
            {busy ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
