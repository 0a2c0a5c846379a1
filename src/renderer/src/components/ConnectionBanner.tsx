import { useState, type FormEvent } from 'react';
import type { HostKeyProbe } from '../../../shared/api.ts';
import type { ServerLive } from '../../../shared/domain.ts';
import type { ErrorDetails } from '../../../shared/error-details.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import {
  explainError,
  keyTypeLabel,
  expectedFingerprintsOf,
  sudoersLineOf,
  toApiError,
  type ApiError,
} from '../lib/errors.ts';
import { call, useApp } from '../store/store.ts';
import { CodeLine } from './common.tsx';

/** Codes a reconnect cannot fix: the admin has to act first (trust a key). */
const NO_RETRY = new Set(['HOST_KEY_CHANGED', 'HOST_KEY_REVOKED']);

function ErrorLine({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-error-code={error.code}>
      <strong>{explainError(error.code).title}.</strong> {error.message}
    </p>
  );
}

/** HOST_KEY_CHANGED / HOST_KEY_UNKNOWN on a saved server: read the presented key, compare, then re-trust. */
function Retrust({
  server,
  message,
  changed,
  details,
}: {
  server: string;
  message: string;
  changed: boolean;
  details: ErrorDetails | undefined;
}) {
  const [probe, setProbe] = useState<HostKeyProbe | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const expected = changed ? expectedFingerprintsOf(details, message) : [];

  const check = async () => {
    setBusy(true);
    setError(null);
    setConfirmed(false);
    try {
      setProbe(await call('server:probeHostKey', server));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const retrust = async (fingerprint: string) => {
    setBusy(true);
    setError(null);
    try {
      const key = await call('server:retrust', server, fingerprint);
      setDone(key.fingerprint);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <p className="banner-note" role="status">
        Trusted <code className="mono">{done}</code>. Reconnecting…
      </p>
    );
  }

  return (
    <div className="retrust" data-testid="retrust">
      {expected.length > 0 && (
        <p className="banner-note">
          Trusted before: <code className="mono">{expected.join(' or ')}</code>
        </p>
      )}
      {!probe && (
        <button type="button" className="button" onClick={() => void check()} disabled={busy}>
          {busy ? 'Reading the host key…' : 'Check the key the server presents'}
        </button>
      )}
      {probe && probe.key && probe.verdict !== 'trusted' && probe.verdict !== 'unreachable' && (
        <div className="retrust-probe">
          <p className="banner-note">
            {probe.key.host}:{probe.key.port} presents this {keyTypeLabel(probe.key.keyType)} key:
          </p>
          <CodeLine text={probe.key.fingerprint} label="Copy fingerprint" testId="presented-fingerprint" />
          {probe.verdict === 'revoked' ? (
            <p className="banner-note">This key is revoked; it cannot be trusted. {probe.message}</p>
          ) : (
            <>
              <label className="check">
                <input
                  type="checkbox"
                  checked={confirmed}
                  onChange={(e) => setConfirmed(e.target.checked)}
                  data-testid="retrust-confirm"
                />
                <span>
                  I compared this fingerprint with what{' '}
                  <code>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code> prints on the server, and it
                  matches.
                </span>
              </label>
              <div className="button-row">
                <button
                  type="button"
                  className={changed ? 'button button-danger' : 'button button-primary'}
                  disabled={!confirmed || busy}
                  onClick={() => void retrust(probe.key!.fingerprint)}
                  data-testid="retrust-button"
                >
                  {changed ? 'Replace the trusted key' : 'Trust and connect'}
                </button>
                <button type="button" className="button button-quiet" onClick={() => setProbe(null)}>
                  Cancel
                </button>
              </div>
            </>
          )}
        </div>
      )}
      {probe && probe.verdict === 'trusted' && (
        <p className="banner-note" role="status">
          The key it presents now is trusted. Reconnect to continue.
        </p>
      )}
      {probe && probe.verdict === 'unreachable' && (
        <p className="banner-note" role="status">
          Could not reach the server to read its key. {probe.message}
        </p>
      )}
      <ErrorLine error={error} />
    </div>
  );
}

/** AUTH_FAILED / PASSPHRASE_REQUIRED: give the password (or key passphrase) for this server. */
function Credentials({ server, passphrase }: { server: string; passphrase: boolean }) {
  const canPersist = useApp((s) => s.info?.canPersistSecrets ?? false);
  const [secret, setSecret] = useState('');
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const label = passphrase ? 'Key passphrase' : 'Password';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (secret === '') return;
    setBusy(true);
    setError(null);
    try {
      await call('server:setCredentials', server, {
        ...(passphrase ? { passphrase: secret } : { password: secret }),
        remember: canPersist && remember,
      });
      setSecret('');
      setSaved(true);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} data-testid="credentials-form">
      <label className="field field-inline">
        <span className="field-label">{label}</span>
        <input
          type="password"
          autoComplete="off"
          value={secret}
          onChange={(e) => {
            setSecret(e.target.value);
            setSaved(false);
          }}
        />
      </label>
      {canPersist && (
        <label className="check">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          Remember in the system keychain
        </label>
      )}
      <button type="submit" className="button" disabled={busy || secret === ''}>
        Use {passphrase ? 'passphrase' : 'password'}
      </button>
      {saved && (
        <span className="muted" role="status">
          Saved; reconnecting…
        </span>
      )}
      <ErrorLine error={error} />
    </form>
  );
}

/**
 * What went wrong with a server's connection, and the one action that fixes it: reconnect, re-trust a
 * changed host key, give a password, or add a sudoers line.
 */
export function ConnectionBanner({ live, config }: { live: ServerLive; config: ServerConfig | undefined }) {
  const [reconnecting, setReconnecting] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (!live.error) return null;
  const code = live.errorCode ?? 'INTERNAL';
  const explanation = explainError(code);
  const sudoers = code === 'SUDO_PASSWORD_REQUIRED' ? sudoersLineOf(live.errorDetails, live.error) : null;
  const severe = live.state === 'error' || code.startsWith('HOST_KEY');

  const reconnect = async () => {
    setReconnecting(true);
    setError(null);
    try {
      await call('server:reconnect', live.name);
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setReconnecting(false);
    }
  };

  return (
    <section
      className="banner"
      data-tone={severe ? 'bad' : 'warn'}
      aria-labelledby="banner-title"
      data-testid="connection-banner"
      data-error-code={code}
    >
      <div className="banner-main">
        <h2 id="banner-title" className="banner-title" aria-live="polite">
          {explanation.title}
          {live.state === 'reconnecting' && <span className="muted"> · retrying</span>}
        </h2>
        <p className="banner-message" data-testid="connection-error">
          {live.error}
        </p>
        {explanation.hint && code !== 'HOST_KEY_UNKNOWN' && <p className="banner-note">{explanation.hint}</p>}
        {sudoers && <CodeLine text={sudoers} label="Copy sudoers line" testId="sudoers-line" />}
        {(code === 'HOST_KEY_CHANGED' || code === 'HOST_KEY_UNKNOWN') && (
          <Retrust
            server={live.name}
            message={live.error}
            changed={code === 'HOST_KEY_CHANGED'}
            details={live.errorDetails}
          />
        )}
        {(code === 'AUTH_FAILED' || code === 'PASSPHRASE_REQUIRED') && (
          <Credentials
            server={live.name}
            passphrase={code === 'PASSPHRASE_REQUIRED' && Boolean(config?.identityFile)}
          />
        )}
        <ErrorLine error={error} />
      </div>
      {!NO_RETRY.has(code) && (
        <button
          type="button"
          className="button"
          onClick={() => void reconnect()}
          disabled={reconnecting}
          data-testid="reconnect-button"
        >
          {reconnecting ? 'Reconnecting…' : 'Reconnect'}
        </button>
      )}
    </section>
  );
}
