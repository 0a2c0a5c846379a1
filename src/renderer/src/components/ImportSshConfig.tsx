import { useState } from 'react';
import type { SshConfigCandidate } from '../../../shared/api.ts';
import { blockingSshOptions } from '../../../shared/ssh-import.ts';
import { presentedHostKey, toApiError, type ApiError, type PresentedHostKey } from '../lib/errors.ts';
import {
  EMPTY_SERVER_FORM,
  formFromCandidate,
  validateServerForm,
  type ServerAddRequest,
} from '../lib/forms.ts';
import { routeHash } from '../lib/route.ts';
import { call, refreshServers, useApp } from '../store/store.ts';
import { TrustDialog } from './TrustDialog.tsx';

/** What became of one host of a multi-host import. */
interface ImportOutcome {
  alias: string;
  outcome: 'added' | 'not-trusted' | 'failed';
  message: string;
  /** The server it was added as. */
  server?: string;
}

function destination(c: SshConfigCandidate): string {
  return `${c.user}@${c.host}${c.port !== 22 ? `:${c.port}` : ''}`;
}

/** Why a host cannot be picked, or null. */
function blockedBecause(c: SshConfigCandidate): string | null {
  if (c.added) return 'Already added';
  const blocking = blockingSshOptions(c.unsupported);
  return blocking.length > 0 ? `Not importable: ${blocking.join(', ')}` : null;
}

/**
 * Hosts from ~/.ssh/config, resolved as ssh does (the engine's resolver): one to prefill the form, or
 * several added at once, each through the same first-contact trust dialog as the form. Hosts already
 * added, and hosts whose options WG Deck does not follow (ProxyCommand, Match…), cannot be picked.
 */
export function ImportSshConfig({ onPick }: { onPick: (c: SshConfigCandidate) => void }) {
  const canPersist = useApp((s) => s.info?.canPersistSecrets ?? false);
  const [candidates, setCandidates] = useState<SshConfigCandidate[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [results, setResults] = useState<ImportOutcome[]>([]);
  const [trust, setTrust] = useState<{ key: PresentedHostKey; answer: (yes: boolean) => void } | null>(null);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      setCandidates(await call('server:importSshConfig'));
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const askTrust = (key: PresentedHostKey) =>
    new Promise<boolean>((resolve) =>
      setTrust({
        key,
        answer: (yes) => {
          setTrust(null);
          resolve(yes);
        },
      }),
    );

  /** One host: add it, asking to trust its key on first contact (as the form does). */
  const addOne = async (c: SshConfigCandidate, request: ServerAddRequest): Promise<ImportOutcome> => {
    let acceptFingerprint: string | undefined;
    for (;;) {
      try {
        await call('server:add', { ...request, ...(acceptFingerprint ? { acceptFingerprint } : {}) });
        return { alias: c.alias, outcome: 'added', message: 'Added as ', server: request.server.name };
      } catch (e) {
        const apiError = toApiError(e);
        const key = apiError.code === 'HOST_KEY_UNKNOWN' ? presentedHostKey(apiError) : null;
        if (!key || acceptFingerprint)
          return { alias: c.alias, outcome: 'failed', message: apiError.message };
        if (!(await askTrust(key)))
          return { alias: c.alias, outcome: 'not-trusted', message: 'Host key not trusted; not added' };
        acceptFingerprint = key.fingerprint;
      }
    }
  };

  const addSelected = async () => {
    const chosen = (candidates ?? []).filter((c) => selected.has(c.alias));
    setBusy(true);
    setResults([]);
    const done: ImportOutcome[] = [];
    for (const c of chosen) {
      const checked = validateServerForm(formFromCandidate(EMPTY_SERVER_FORM, c), canPersist);
      const outcome = checked.ok
        ? await addOne(c, checked.request)
        : {
            alias: c.alias,
            outcome: 'failed' as const,
            message: Object.values(checked.errors).filter(Boolean).join('; '),
          };
      done.push(outcome);
      setResults([...done]);
    }
    setSelected(new Set());
    await refreshServers();
    await load(); // the hosts just added are marked so
  };

  const toggle = (alias: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(alias)) next.add(alias);
      return next;
    });

  return (
    <div className="import">
      <button
        type="button"
        className="button"
        onClick={() => void load()}
        disabled={busy}
        data-testid="import-ssh-config"
      >
        {busy && !candidates ? 'Reading ~/.ssh/config…' : 'Import from ~/.ssh/config'}
      </button>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {candidates && candidates.length === 0 && (
        <p className="muted">No concrete Host entries in ~/.ssh/config.</p>
      )}
      {candidates && candidates.length > 0 && (
        <>
          <ul
            className="candidate-list"
            aria-label="Hosts from ~/.ssh/config"
            data-testid="ssh-config-candidates"
          >
            {candidates.map((c) => {
              const blocked = blockedBecause(c);
              const blocking = blockingSshOptions(c.unsupported);
              const ignored = c.unsupported.filter((o) => !blocking.includes(o));
              return (
                <li
                  key={c.alias}
                  className="candidate"
                  data-candidate={c.alias}
                  data-added={c.added || undefined}
                  data-blocked={blocked !== null || undefined}
                >
                  <input
                    type="checkbox"
                    aria-label={`Select ${c.alias}`}
                    checked={selected.has(c.alias)}
                    disabled={blocked !== null || busy}
                    onChange={() => toggle(c.alias)}
                    data-testid="import-select"
                  />
                  <span className="candidate-main">
                    <span className="candidate-alias">{c.alias}</span>
                    {c.aliases && c.aliases.length > 0 && (
                      <span className="muted small" data-testid="import-aliases">
                        {' '}
                        also {c.aliases.join(', ')}
                      </span>
                    )}
                    <span className="candidate-destination muted mono">
                      {destination(c)}
                      {c.jump.length > 0 ? ` via ${c.jump.join(' → ')}` : ''}
                    </span>
                    {ignored.length > 0 && !blocked && (
                      <span className="muted small">Ignores {ignored.join(', ')}</span>
                    )}
                  </span>
                  {blocked ? (
                    <span className="import-note" data-testid="import-blocked" title={blocked}>
                      {blocked}
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="button button-quiet button-small"
                      onClick={() => {
                        onPick(c);
                        setCandidates(null);
                      }}
                      disabled={busy}
                      data-testid="import-fill"
                    >
                      Fill form
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
          <div className="button-row">
            <span className="muted small">Tick hosts to add several at once, or fill the form with one.</span>
            <button
              type="button"
              className="button button-primary"
              disabled={selected.size === 0 || busy}
              onClick={() => void addSelected()}
              data-testid="import-add-selected"
            >
              {busy && selected.size > 0
                ? 'Adding…'
                : selected.size === 0
                  ? 'Add selected'
                  : `Add ${selected.size === 1 ? '1 server' : `${selected.size} servers`}`}
            </button>
          </div>
        </>
      )}
      {results.length > 0 && (
        <ul className="import-results" aria-label="Import results" data-testid="import-results">
          {results.map((r) => (
            <li key={r.alias} data-alias={r.alias} data-outcome={r.outcome}>
              <strong>{r.alias}</strong>:{' '}
              <span className={r.outcome === 'added' ? '' : 'alert-text'}>{r.message}</span>
              {r.server && <a href={routeHash({ page: 'server', server: r.server })}>{r.server}</a>}
            </li>
          ))}
        </ul>
      )}
      <TrustDialog
        presented={trust?.key ?? null}
        host={trust?.key.hostPort ?? ''}
        busy={false}
        onCancel={() => trust?.answer(false)}
        onTrust={() => trust?.answer(true)}
      />
    </div>
  );
}
