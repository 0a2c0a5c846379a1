import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS, DEFAULT_VICTORIA_METRICS } from '../../../shared/exporter-settings.ts';
import {
  EMPTY_SERVER_FORM,
  configPathsText,
  formFromCandidate,
  formFromServer,
  parseConfigPaths,
  validateServerEdit,
  settingsToForm,
  validateServerForm,
  validateSettingsForm,
} from './forms.ts';

const valid = { ...EMPTY_SERVER_FORM, name: 'edge-1', host: '198.18.1.2', user: 'ops' };

describe('validateServerForm', () => {
  it('builds the server:add request for agent auth', () => {
    expect(
      validateServerForm({ ...valid, jump: ' admin@198.18.0.1:2222 ', group: 'eu', sudo: true }),
    ).toEqual({
      ok: true,
      request: {
        server: {
          name: 'edge-1',
          host: '198.18.1.2',
          port: 22,
          user: 'ops',
          sudo: true,
          jump: 'admin@198.18.0.1:2222',
          group: 'eu',
        },
      },
    });
  });

  it('uses the shared rules and their words', () => {
    const result = validateServerForm({
      ...valid,
      name: '-bad',
      host: 'bad host',
      port: '70000',
      user: '',
      jump: 'a@@b',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.name).toMatch(/server name is 1–63/);
    expect(result.errors.host).toMatch(/DNS name/);
    expect(result.errors.port).toBe('a port is a whole number from 1 to 65535');
    expect(result.errors.user).toMatch(/user name/);
    expect(result.errors.jump).toMatch(/jump host/);
  });

  it('takes a jump chain as typed, and names the hop that is wrong', () => {
    const chain = validateServerForm({ ...valid, jump: ' admin@198.18.0.1:2222,bastion.example.net ' });
    expect(chain.ok ? chain.request.server.jump : chain.errors).toBe(
      'admin@198.18.0.1:2222,bastion.example.net',
    );
    const bad = validateServerForm({ ...valid, jump: 'admin@198.18.0.1,,bastion' });
    expect(bad.ok ? null : bad.errors.jump).toMatch(/^jump host 2 of 3 is empty/);
  });

  it('refuses a non-numeric port', () => {
    const result = validateServerForm({ ...valid, port: '22a' });
    expect(result.ok ? null : result.errors.port).toBe('a port is a whole number from 1 to 65535');
  });

  it('needs a key path for key auth and passes the passphrase', () => {
    const missing = validateServerForm({ ...valid, auth: 'key' });
    expect(missing.ok ? null : missing.errors.identityFile).toBeTruthy();
    const ok = validateServerForm({
      ...valid,
      auth: 'key',
      identityFile: '~/.ssh/id_ed25519',
      passphrase: 'pp',
    });
    expect(ok).toMatchObject({
      ok: true,
      request: { server: { identityFile: '~/.ssh/id_ed25519' }, passphrase: 'pp' },
    });
  });

  it('needs a password for password auth; remember only where secrets can persist', () => {
    const missing = validateServerForm({ ...valid, auth: 'password' });
    expect(missing.ok ? null : missing.errors.password).toBeTruthy();
    const form = { ...valid, auth: 'password' as const, password: 'pw', remember: true };
    expect(validateServerForm(form, false)).toEqual({
      ok: true,
      request: { server: expect.any(Object) as unknown, password: 'pw' },
    });
    expect(validateServerForm(form, true)).toMatchObject({
      ok: true,
      request: { password: 'pw', remember: true },
    });
  });

  it('ignores the key path and password of the auth methods not chosen', () => {
    const result = validateServerForm({ ...valid, identityFile: '/k', password: 'pw' });
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.request.server.identityFile).toBeUndefined();
    expect(result.request.password).toBeUndefined();
  });
});

describe('poll interval and config files', () => {
  it('sends the interval and the config files by interface (the file names it)', () => {
    const result = validateServerForm({
      ...valid,
      interval: ' 15 ',
      configPaths: '/srv/wireguard/wg0.conf\n\n  /opt/vpn/wg-office.conf ',
    });
    expect(result).toMatchObject({
      ok: true,
      request: {
        server: {
          intervalSeconds: 15,
          configPaths: { wg0: '/srv/wireguard/wg0.conf', 'wg-office': '/opt/vpn/wg-office.conf' },
        },
      },
    });
  });

  it('leaves both out when empty', () => {
    const result = validateServerForm(valid);
    if (!result.ok) throw new Error('expected ok');
    expect(result.request.server).not.toHaveProperty('intervalSeconds');
    expect(result.request.server).not.toHaveProperty('configPaths');
  });

  it.each(['0', '301', '5s', '1.5'])('refuses the interval %s with the field’s words', (interval) => {
    const result = validateServerForm({ ...valid, interval });
    expect(result.ok ? null : result.errors.interval).toMatch(/1 to 300/);
  });

  it.each([
    ['wg0.conf', /absolute path/],
    ['/etc/wg/wg0.txt', /absolute path|interface/],
    ['/etc/wg/../wg0.conf', /absolute path|"\.\."/],
    ['/etc/wg 1/wg0.conf', /absolute path/],
    ['/a/this-name-is-way-too-long.conf', /the file name is the interface: an interface name is 1–15/],
  ])('refuses the config file %s, naming it', (path, words) => {
    const result = validateServerForm({ ...valid, configPaths: path });
    const error = result.ok ? '' : (result.errors.configPaths ?? '');
    expect(error).toMatch(words);
    expect(error.startsWith(`${path}: `) || error.includes(': ')).toBe(true);
  });

  it('refuses two files for one interface', () => {
    expect(parseConfigPaths('/a/wg0.conf\n/b/wg0.conf').problem).toMatch(/two files for wg0/);
    const result = validateServerForm({ ...valid, configPaths: '/a/wg0.conf, /b/wg0.conf' });
    expect(result.ok ? null : result.errors.configPaths).toMatch(/two files/);
  });

  it('shows saved config files one a line', () => {
    expect(configPathsText({ wg0: '/a/wg0.conf', wg1: '/b/wg1.conf' })).toBe('/a/wg0.conf\n/b/wg1.conf');
    expect(configPathsText(undefined)).toBe('');
  });
});

describe('validateServerEdit', () => {
  const saved = {
    name: 'edge-1',
    host: '198.18.1.2',
    port: 2222,
    user: 'ops',
    sudo: true,
    identityFile: '/k/id',
    intervalSeconds: 30,
    configPaths: { wg0: '/srv/wg0.conf' },
  };

  it('round-trips a saved server unchanged, with no credentials', () => {
    expect(validateServerEdit(formFromServer(saved), saved)).toEqual({
      ok: true,
      server: saved,
      credentials: null,
    });
  });

  it('an empty password keeps the stored one; a typed one goes to the keychain path', () => {
    const form = { ...formFromServer(saved), auth: 'password' as const };
    const kept = validateServerEdit(form, saved);
    expect(kept).toMatchObject({ ok: true, credentials: null });
    if (kept.ok) expect(kept.server).not.toHaveProperty('identityFile');
    expect(validateServerEdit({ ...form, password: 'pw', remember: true }, saved, true)).toMatchObject({
      ok: true,
      credentials: { password: 'pw', remember: true },
    });
    expect(validateServerEdit({ ...form, password: 'pw', remember: true }, saved, false)).toMatchObject({
      credentials: { password: 'pw', remember: false },
    });
  });

  it('a key file needs its path; its passphrase goes to the keychain path, never the config', () => {
    const form = formFromServer(saved);
    const none = validateServerEdit({ ...form, identityFile: ' ' }, saved);
    expect(none.ok ? null : none.errors.identityFile).toBeTruthy();
    const result = validateServerEdit({ ...form, identityFile: '/k/new', passphrase: 'pp' }, saved);
    expect(result).toMatchObject({ ok: true, credentials: { passphrase: 'pp', remember: false } });
    expect(JSON.stringify(result.ok ? result.server : {})).not.toContain('pp');
  });

  it("shows, sets and drops the server's own status rule", () => {
    const ruled = { ...saved, statusRule: 'ping' as const };
    const form = formFromServer(ruled);
    expect(form.statusRule).toBe('ping');
    expect(validateServerEdit({ ...form, statusRule: 'either' }, ruled)).toMatchObject({
      ok: true,
      server: { statusRule: 'either' },
    });
    const dropped = validateServerEdit({ ...form, statusRule: '' }, ruled);
    expect(dropped.ok && dropped.server).not.toHaveProperty('statusRule');
  });

  it('shows and edits placement: capacity and weight; empty drops them; bad ones are refused in place', () => {
    const placed = { ...saved, maxPeers: 50, weight: 2 };
    const form = formFromServer(placed);
    expect([form.maxPeers, form.weight]).toEqual(['50', '2']);
    const kept = validateServerEdit({ ...form, interval: '' }, placed);
    expect(kept).toMatchObject({ ok: true, server: { maxPeers: 50, weight: 2 } });
    if (kept.ok) expect(kept.server).not.toHaveProperty('intervalSeconds');
    const changed = validateServerEdit({ ...form, maxPeers: '250', weight: '0.5' }, placed);
    expect(changed).toMatchObject({ ok: true, server: { maxPeers: 250, weight: 0.5 } });
    const dropped = validateServerEdit({ ...form, maxPeers: '', weight: '' }, placed);
    expect(dropped.ok && dropped.server).not.toHaveProperty('maxPeers');
    expect(dropped.ok && dropped.server).not.toHaveProperty('weight');
    const bad = validateServerEdit({ ...form, maxPeers: '0', weight: '-1' }, placed);
    expect(bad.ok ? null : [bad.errors.maxPeers, bad.errors.weight]).toEqual([
      'max peers is a whole number from 1, or empty for none',
      'the weight is a number above 0 (1 is the default), or empty',
    ]);
  });

  it('checks with the add form’s rules', () => {
    const result = validateServerEdit(
      { ...formFromServer(saved), host: 'bad host;rm', interval: '0' },
      saved,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.host).toMatch(/DNS name/);
    expect(result.errors.interval).toMatch(/1 to 300/);
  });
});

describe('formFromCandidate', () => {
  it('prefills from ~/.ssh/config and picks key auth when the host has an IdentityFile', () => {
    const form = formFromCandidate(EMPTY_SERVER_FORM, {
      alias: 'vpn-eu',
      host: '198.18.1.2',
      port: 2222,
      user: 'ops',
      identityFile: '/home/me/.ssh/eu',
      jump: ['ops@198.18.1.1:22', 'admin@bastion:2200'],
      unsupported: [],
      added: false,
    });
    expect(form).toMatchObject({
      name: 'vpn-eu',
      host: '198.18.1.2',
      port: '2222',
      user: 'ops',
      auth: 'key',
      identityFile: '/home/me/.ssh/eu',
      jump: 'ops@198.18.1.1:22,admin@bastion:2200',
    });
  });

  it('makes a valid name from an alias with odd characters; no IdentityFile is agent auth', () => {
    const form = formFromCandidate(
      { ...EMPTY_SERVER_FORM, auth: 'key', identityFile: '/k' },
      {
        alias: '_vpn@eu',
        host: 'h',
        port: 22,
        user: 'me',
        identityFile: null,
        jump: [],
        unsupported: [],
        added: false,
      },
    );
    expect(form.name).toBe('vpn-eu');
    expect(form.user).toBe('me');
    expect(form.auth).toBe('agent');
    expect(form.identityFile).toBe('');
    expect(form.jump).toBe('');
  });
});

describe('validateSettingsForm', () => {
  const form = settingsToForm({
    intervalSeconds: 5,
    thresholds: { onlineSeconds: 120, staleSeconds: 300 },
    retention: { rawHours: 48, minuteDays: 90, hourDays: 730 },
    ping: { intervalSeconds: 60, parallel: 10 },
    metrics: DEFAULT_METRICS,
    victoriaMetrics: DEFAULT_VICTORIA_METRICS,
  });

  it('round-trips settings', () => {
    expect(validateSettingsForm(form)).toEqual({
      ok: true,
      patch: {
        intervalSeconds: 5,
        thresholds: { onlineSeconds: 120, staleSeconds: 300, rule: 'handshake' },
        ping: { intervalSeconds: 60, parallel: 10 },
        retention: { rawHours: 48, minuteDays: 90, hourDays: 730 },
      },
    });
  });

  it.each([
    [{ pingSeconds: '3' }, 'pingSeconds'],
    [{ pingSeconds: 'x' }, 'pingSeconds'],
    [{ pingParallel: '0' }, 'pingParallel'],
  ])('refuses ping settings %o on %s', (change, field) => {
    const result = validateSettingsForm({ ...form, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toContain(field);
  });

  it('ping checks off is 0', () => {
    const result = validateSettingsForm({ ...form, pingSeconds: '0', statusRule: 'either' });
    expect(result.ok && result.patch.ping.intervalSeconds).toBe(0);
    expect(result.ok && result.patch.thresholds.rule).toBe('either');
  });

  it.each([
    [{ rawHours: '0' }, 'rawHours'],
    [{ minuteDays: 'x' }, 'minuteDays'],
    [{ hourDays: '1', minuteDays: '90' }, 'hourDays'], // hour tier shorter than the minute tier
  ])('refuses retention %o on %s', (change, field) => {
    const result = validateSettingsForm({ ...form, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toContain(field);
  });

  it.each([
    [{ intervalSeconds: '0' }, 'intervalSeconds'],
    [{ intervalSeconds: '301' }, 'intervalSeconds'],
    [{ intervalSeconds: '2.5' }, 'intervalSeconds'],
    [{ onlineSeconds: '5' }, 'onlineSeconds'],
    [{ staleSeconds: '100' }, 'staleSeconds'],
  ] as const)('refuses %j', (patch, field) => {
    const result = validateSettingsForm({ ...form, ...patch });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors)).toContain(field);
  });
});
