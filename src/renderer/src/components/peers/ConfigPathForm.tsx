import { useState } from 'react';
import { serverConfigSchema } from '../../../../shared/validation.ts';
import { toApiError, type ApiError } from '../../lib/errors.ts';
import { call, refreshServers, useApp } from '../../store/store.ts';

/**
 * Where this interface's config file lives, when it is not `/etc/wireguard/<iface>.conf` (a
 * different layout, a tool that keeps it elsewhere). Saved with the server; its session reconnects.
 */
export function ConfigPathForm({
  server,
  iface,
  current,
  onSaved,
}: {
  server: string;
  iface: string;
  current: string;
  onSaved: () => void;
}) {
  const config = useApp((s) => s.configs.find((c) => c.name === server));
  const [path, setPath] = useState(current);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  if (!config) return null;

  const save = async (): Promise<void> => {
    const configPaths = { ...config.configPaths };
    if (path === `/etc/wireguard/${iface}.conf`) delete configPaths[iface];
    else configPaths[iface] = path;
    const { configPaths: _old, ...rest } = config;
    const next = Object.keys(configPaths).length === 0 ? rest : { ...rest, configPaths };
    const checked = serverConfigSchema.safeParse(next);
    if (!checked.success) {
      setProblem(checked.error.issues[0]?.message ?? 'not a valid path');
      return;
    }
    setSaving(true);
    try {
      await call('server:update', checked.data);
      await refreshServers();
      setProblem(null);
      onSaved();
    } catch (error) {
      const apiError: ApiError = toApiError(error);
      setProblem(apiError.message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="config-path-form"
      data-testid="config-path-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <label className="field-label" htmlFor={`config-path-${iface}`}>
        Config file of {iface}
      </label>
      <div className="button-row">
        <input
          id={`config-path-${iface}`}
          className="mono config-path-input"
          data-testid="config-path-input"
          value={path}
          spellCheck={false}
          onChange={(event) => setPath(event.target.value)}
        />
        <button type="submit" className="button" disabled={saving || path === current}>
          {saving ? 'Saving…' : 'Use this file'}
        </button>
      </div>
      {problem && (
        <p className="field-error" data-testid="field-error">
          {problem}
        </p>
      )}
    </form>
  );
}
