import type { ServerForm, ServerFormErrors } from '../lib/forms.ts';
import { FormField, PLAIN_INPUT } from './FormField.tsx';

/**
 * The server settings the add form and the edit dialog both show, one markup for both: the
 * authentication (agent, key file, password; secrets go to the keychain path, never the config), the
 * poll interval and the config files.
 */
export interface ServerFieldsProps {
  form: ServerForm;
  errors: ServerFormErrors;
  set: <K extends keyof ServerForm>(key: K, value: ServerForm[K]) => void;
  /** The control's element id for a field. */
  id: (field: keyof ServerForm) => string;
  canPersist: boolean;
  /** Editing: an empty password or passphrase keeps the one stored. */
  editing?: boolean;
  /** The control's test id for a field, if the surface gives them. */
  testId?: (field: string) => string | undefined;
}

/** The add form's errors never had a `field-error` test id; the edit dialog's have their own. */
function errorTestId(props: ServerFieldsProps, field: string): string | null {
  return props.testId?.(`${field}-error`) ?? null;
}

export function AuthFieldset(props: ServerFieldsProps) {
  const { form, errors, set, id, canPersist, editing = false, testId } = props;
  const keep = editing ? 'Empty: keep the one WG Deck has, if any' : undefined;
  return (
    <fieldset className="fieldset">
      <legend>Authentication</legend>
      <div className="radio-row">
        {(
          [
            ['agent', 'SSH agent / default keys'],
            ['key', 'Key file'],
            ['password', 'Password'],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="radio">
            <input
              type="radio"
              name={`${id('auth')}-auth`}
              value={value}
              checked={form.auth === value}
              onChange={() => set('auth', value)}
              data-testid={testId?.(`auth-${value}`)}
            />
            {label}
          </label>
        ))}
      </div>
      {form.auth === 'key' && (
        <div className="form-grid">
          <FormField
            label="Key file path"
            id={id('identityFile')}
            error={errors.identityFile}
            errorTestId={errorTestId(props, 'identityFile')}
          >
            {(control) => (
              <input
                {...control}
                {...PLAIN_INPUT}
                name="identityFile"
                placeholder="~/.ssh/id_ed25519"
                value={form.identityFile}
                onChange={(e) => set('identityFile', e.target.value)}
                data-testid={testId?.('identityFile')}
              />
            )}
          </FormField>
          <FormField
            label="Key passphrase"
            id={id('passphrase')}
            hint={
              editing
                ? 'Only if the key is encrypted; empty keeps the one WG Deck has'
                : 'Only if the key is encrypted'
            }
            errorTestId={null}
          >
            {(control) => (
              <input
                {...control}
                type="password"
                autoComplete="off"
                value={form.passphrase}
                onChange={(e) => set('passphrase', e.target.value)}
                data-testid={testId?.('passphrase')}
              />
            )}
          </FormField>
        </div>
      )}
      {form.auth === 'password' && (
        <div className="form-grid">
          <FormField
            label="Password"
            id={id('password')}
            error={errors.password}
            hint={keep}
            errorTestId={errorTestId(props, 'password')}
          >
            {(control) => (
              <input
                {...control}
                type="password"
                autoComplete="off"
                value={form.password}
                onChange={(e) => set('password', e.target.value)}
                data-testid={testId?.('password')}
              />
            )}
          </FormField>
        </div>
      )}
      {(form.auth === 'password' || (form.auth === 'key' && form.passphrase !== '')) && canPersist && (
        <label className="check">
          <input
            type="checkbox"
            checked={form.remember}
            onChange={(e) => set('remember', e.target.checked)}
          />
          Remember in the system keychain
        </label>
      )}
      {form.auth === 'password' && !canPersist && (
        <p className="field-hint">Kept in memory only: WG Deck asks again after a restart.</p>
      )}
    </fieldset>
  );
}

/** The poll interval and the config files that are not at /etc/wireguard/IF.conf. */
export function PollingFields(props: ServerFieldsProps) {
  const { form, errors, set, id, testId } = props;
  return (
    <div className="form-grid">
      <FormField
        label="Poll interval (s)"
        id={id('interval')}
        error={errors.interval}
        hint="1–300; empty: the global setting"
        errorTestId={errorTestId(props, 'interval')}
      >
        {(control) => (
          <input
            {...control}
            {...PLAIN_INPUT}
            name="interval"
            inputMode="numeric"
            className="input-short"
            value={form.interval}
            onChange={(e) => set('interval', e.target.value)}
            data-testid={testId?.('interval')}
          />
        )}
      </FormField>
      <FormField
        label="Config files"
        id={id('configPaths')}
        error={errors.configPaths}
        hint="Only those not at /etc/wireguard/IF.conf: one path a line; the file name is the interface"
        className="field-wide"
        errorTestId={errorTestId(props, 'configPaths')}
      >
        {(control) => (
          <textarea
            {...control}
            {...PLAIN_INPUT}
            name="configPaths"
            className="textarea"
            rows={2}
            placeholder="/srv/wireguard/wg0.conf"
            value={form.configPaths}
            onChange={(e) => set('configPaths', e.target.value)}
            data-testid={testId?.('configPaths')}
          />
        )}
      </FormField>
    </div>
  );
}

/** Placement within the server's group (seed 001): its capacity and weight. */
export function PlacementFields(props: ServerFieldsProps) {
  const { form, errors, set, id, testId } = props;
  const field = (key: 'maxPeers' | 'weight', label: string, hint: string) => (
    <FormField
      label={label}
      id={id(key)}
      error={errors[key]}
      hint={hint}
      errorTestId={errorTestId(props, key)}
    >
      {(control) => (
        <input
          {...control}
          {...PLAIN_INPUT}
          name={key}
          inputMode="decimal"
          className="input-short"
          value={form[key]}
          onChange={(e) => set(key, e.target.value)}
          data-testid={testId?.(key)}
        />
      )}
    </FormField>
  );
  return (
    <div className="form-grid">
      {field('maxPeers', 'Max peers', 'Capacity for placement; empty: not placed on')}
      {field('weight', 'Weight', 'Share of new peers: 2 takes twice as many as 1 (default)')}
      <FormField
        label="Peers are online when"
        id={id('statusRule')}
        error={errors.statusRule}
        hint="Ping needs the ping checks on (Settings)"
        errorTestId={errorTestId(props, 'statusRule')}
      >
        {(control) => (
          <select
            {...control}
            name="statusRule"
            value={form.statusRule}
            onChange={(e) => set('statusRule', e.target.value as ServerForm['statusRule'])}
            data-testid={testId?.('statusRule')}
          >
            <option value="">As in Settings</option>
            <option value="handshake">Their handshake is recent</option>
            <option value="ping">They answer ping</option>
            <option value="either">Either</option>
          </select>
        )}
      </FormField>
    </div>
  );
}
