import { describe, expect, it } from 'vitest';
import type { ConfigPeerView } from '../../../shared/peer-ops.ts';
import {
  addFormErrors,
  batchLimitsEdit,
  batchLimitsErrors,
  EMPTY_BATCH_LIMITS,
  addRequestFromForm,
  cidrShapeProblem,
  contractProblems,
  editFormErrors,
  editFormFromPeer,
  defaultCheckAddress,
  editFromForm,
  emptyAddForm,
  fieldOfPath,
  formErrorsFromApi,
  mapProblems,
  parseConfirmTimeout,
  parseKeepalive,
  problemField,
  splitList,
  type AddField,
} from './peer-forms.ts';

const KEY = 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=';

const peer: ConfigPeerView = {
  publicKey: KEY,
  name: 'alice',
  allowedIps: ['198.18.8.2/32', '2001:2:0:1008::2/128'],
  persistentKeepalive: 25,
  endpoint: null,
  checkAddress: null,
  statusRule: null,
  statusThresholds: null,
  hasPresharedKey: true,
  disabled: false,
  quota: null,
  expiresAt: null,
  schedule: null,
  disabledBy: null,
};

describe('splitList', () => {
  it('splits on commas and newlines and drops blanks', () => {
    expect(splitList(' 198.18.0.2/32, 2001:2:0:1000::2/128\n\n198.18.1.0/24 ,')).toEqual([
      '198.18.0.2/32',
      '2001:2:0:1000::2/128',
      '198.18.1.0/24',
    ]);
    expect(splitList('   ')).toEqual([]);
  });
});

describe('cidrShapeProblem', () => {
  it('accepts IPv4 and IPv6 addresses and prefixes', () => {
    for (const v of [
      '198.18.0.2',
      '198.18.0.0/24',
      '0.0.0.0/0',
      '::/0',
      '2001:2:0:1042::2/128',
      '::ffff:198.18.3.4',
    ])
      expect(cidrShapeProblem(v)).toBeNull();
  });
  it('refuses what is not even shaped like one', () => {
    expect(cidrShapeProblem('198.18.0.256/32')).toMatch(/not an IPv4 or IPv6/);
    expect(cidrShapeProblem('hello')).toMatch(/not an IPv4 or IPv6/);
    expect(cidrShapeProblem('198.18.0.1/33')).toMatch(/0 to 32/);
    expect(cidrShapeProblem('2001:2:0:1000::1/129')).toMatch(/0 to 128/);
    expect(cidrShapeProblem('2001:2:0:1000::1::2')).toMatch(/twice/);
    expect(cidrShapeProblem('198.18.0.1/')).toMatch(/prefix length/);
  });
});

describe('parseKeepalive and parseConfirmTimeout', () => {
  it('reads keepalive: empty is off, garbage is NaN', () => {
    expect(parseKeepalive('')).toBeNull();
    expect(parseKeepalive(' 25 ')).toBe(25);
    expect(parseKeepalive('2.5')).toBeNaN();
  });
  it('reads the confirm timeout within 10–3600', () => {
    expect(parseConfirmTimeout('60')).toBe(60);
    expect(parseConfirmTimeout('9')).toBeNull();
    expect(parseConfirmTimeout('3601')).toBeNull();
    expect(parseConfirmTimeout('abc')).toBeNull();
  });
});

describe('the add form', () => {
  const form = { ...emptyAddForm('vpn.example.com'), name: 'laptop' };

  it('defaults to automatic addresses, full tunnel, the server host as endpoint', () => {
    expect(addFormErrors(form)).toEqual({});
    expect(addRequestFromForm(form, true)).toEqual({
      change: {
        action: 'add',
        draft: { name: 'laptop', allowedIps: 'auto', persistentKeepalive: null, presharedKey: false },
      },
      client: { dns: [], mtu: null, allowedIps: ['0.0.0.0/0', '::/0'], endpointHost: 'vpn.example.com' },
      keepPrivateKeys: false,
    });
  });

  it('builds an explicit request', () => {
    const request = addRequestFromForm(
      {
        ...form,
        ipMode: 'explicit',
        allowedIps: '198.18.8.9/32\n2001:2:0:1008::9/128',
        keepalive: '25',
        presharedKey: true,
        dns: '198.18.8.1, example.internal',
        mtu: '1380',
        clientAllowedIps: '198.18.8.0/24',
        endpointHost: '',
        keepPrivateKey: true,
      },
      true,
    );
    expect(request).toEqual({
      change: {
        action: 'add',
        draft: {
          name: 'laptop',
          allowedIps: ['198.18.8.9/32', '2001:2:0:1008::9/128'],
          persistentKeepalive: 25,
          presharedKey: true,
        },
      },
      client: { dns: ['198.18.8.1', 'example.internal'], mtu: 1380, allowedIps: ['198.18.8.0/24'] },
      keepPrivateKeys: true,
    });
  });

  it('never keeps a key where secrets cannot be kept', () => {
    expect(addRequestFromForm({ ...form, keepPrivateKey: true }, false).keepPrivateKeys).toBe(false);
  });

  it('with the admin’s own public key: no client options, no key to keep', () => {
    const request = addRequestFromForm({ ...form, publicKey: ` ${KEY} `, keepPrivateKey: true }, true);
    expect(request.client).toBeUndefined();
    expect(request.keepPrivateKeys).toBe(false);
    expect(request.change).toMatchObject({ draft: { publicKey: KEY } });
  });

  it('checks with the shared rules and words', () => {
    const errors = addFormErrors({
      ...form,
      name: ' bob',
      ipMode: 'explicit',
      allowedIps: '198.18.0.300',
      keepalive: '70000',
      mtu: '100',
      clientAllowedIps: '',
    });
    expect(errors).toEqual({
      name: 'must not start or end with spaces',
      allowedIps: '"198.18.0.300" is not an IPv4 or IPv6 address/prefix',
      keepalive: 'must be an integer from 0 (off) to 65535 seconds',
      mtu: expect.stringMatching(/576 to 65535/) as unknown,
      clientAllowedIps: 'at least one address/prefix is needed',
    });
    expect(addFormErrors({ ...form, name: '' }).name).toBe('must not be empty');
    expect(addFormErrors({ ...form, publicKey: 'nope' }).publicKey).toMatch(/WireGuard public key/);
  });

  it('ignores the explicit list while automatic is chosen', () => {
    expect(addFormErrors({ ...form, ipMode: 'auto', allowedIps: 'garbage' })).toEqual({});
  });
});

describe('the edit form', () => {
  it('sets, keeps and clears the ping check address; an empty one stands for the host address', () => {
    const form = editFormFromPeer(peer);
    expect(editFromForm({ ...form, checkAddress: ' 198.18.8.1 ' }, peer)).toEqual({
      checkAddress: '198.18.8.1',
    });
    expect(editFromForm(form, peer)).toEqual({});
    const checked = { ...peer, checkAddress: '198.18.8.1' };
    expect(editFromForm(editFormFromPeer(checked), checked)).toEqual({});
    expect(editFromForm({ ...editFormFromPeer(checked), checkAddress: '' }, checked)).toEqual({
      checkAddress: null,
    });
    expect(editFormErrors({ ...form, checkAddress: '198.18.8.0/24' }, peer).checkAddress).toMatch(/one IPv4/);
    expect(defaultCheckAddress('198.18.8.0/24, 198.18.9.2/32')).toBe('198.18.9.2');
    expect(defaultCheckAddress('198.18.8.0/24')).toBeNull();
  });

  it('sets, keeps and clears quota, expiry and schedule in the file spelling; a bad one quotes the rule', () => {
    const form = editFormFromPeer(peer);
    expect(form).toMatchObject({ quota: '', expires: '', schedule: '' });
    const edit = editFromForm(
      {
        ...form,
        quota: '50 GiB / month',
        expires: '2027-01-31',
        schedule: 'mon-fri 08:00-18:00 Europe/Berlin',
      },
      peer,
    );
    expect(edit).toEqual({
      quota: { bytes: 50 * 1024 ** 3, period: 'month', direction: 'both', reenable: true },
      expiresAt: Date.UTC(2027, 1, 1),
      schedule: { days: [1, 2, 3, 4, 5], fromMinute: 480, toMinute: 1080, timeZone: 'Europe/Berlin' },
    });
    const limited = { ...peer, quota: edit.quota!, expiresAt: edit.expiresAt!, schedule: edit.schedule! };
    expect(editFormFromPeer(limited)).toMatchObject({
      quota: '50GiB/month',
      expires: '2027-01-31',
      schedule: 'mon-fri 08:00-18:00 Europe/Berlin',
    });
    expect(editFromForm(editFormFromPeer(limited), limited)).toEqual({});
    expect(
      editFromForm({ ...editFormFromPeer(limited), quota: '50GiB/month ', expires: ' 2027-01-31' }, limited),
    ).toEqual({});
    expect(
      editFromForm({ ...editFormFromPeer(limited), quota: '', expires: '', schedule: ' ' }, limited),
    ).toEqual({
      quota: null,
      expiresAt: null,
      schedule: null,
    });
    const bad = { ...form, quota: 'lots', expires: 'soon', schedule: 'weekdays 9-5' };
    const errors = editFormErrors(bad, peer);
    expect(errors.quota).toMatch(/^a quota is SIZE\/day/);
    expect(errors.expires).toMatch(/^an expiry is a date/);
    expect(errors.schedule).toMatch(/^a schedule is DAYS/);
    expect(editFromForm(bad, peer)).toEqual({});
    expect(problemField('changes[0].expiresAt')).toBe('expires');
  });

  it('sets and clears its own status rule and thresholds', () => {
    const form = editFormFromPeer(peer);
    expect(editFromForm({ ...form, statusRule: 'ping', statusThresholds: '60/600' }, peer)).toEqual({
      statusRule: 'ping',
      statusThresholds: { onlineSeconds: 60, staleSeconds: 600 },
    });
    const own = {
      ...peer,
      statusRule: 'ping' as const,
      statusThresholds: { onlineSeconds: 60, staleSeconds: 600 },
    };
    expect(editFormFromPeer(own)).toMatchObject({ statusRule: 'ping', statusThresholds: '60/600' });
    expect(editFromForm({ ...editFormFromPeer(own), statusThresholds: ' 60 / 600 ' }, own)).toEqual({});
    expect(editFromForm({ ...editFormFromPeer(own), statusRule: '', statusThresholds: '' }, own)).toEqual({
      statusRule: null,
      statusThresholds: null,
    });
    expect(editFormErrors({ ...form, statusThresholds: '600/60' }, peer).statusThresholds).toMatch(
      /ONLINE\/STALE/,
    );
  });

  it('starts from the peer and sends only what changed', () => {
    const form = editFormFromPeer(peer);
    expect(form).toEqual({
      name: 'alice',
      allowedIps: '198.18.8.2/32, 2001:2:0:1008::2/128',
      keepalive: '25',
      checkAddress: '',
      statusRule: '',
      statusThresholds: '',
      presharedKey: 'keep',
      quota: '',
      expires: '',
      schedule: '',
    });
    expect(editFromForm(form, peer)).toEqual({});
    expect(editFromForm({ ...form, name: 'alice2', keepalive: '' }, peer)).toEqual({
      name: 'alice2',
      persistentKeepalive: null,
    });
    expect(editFromForm({ ...form, allowedIps: '198.18.8.7/32', presharedKey: 'rotate' }, peer)).toEqual({
      allowedIps: ['198.18.8.7/32'],
      presharedKey: 'rotate',
    });
    expect(editFromForm({ ...form, keepalive: '0' }, peer)).toEqual({ persistentKeepalive: null });
  });

  it('lets an unnamed peer stay unnamed, but a name cannot be emptied', () => {
    const unnamed = { ...peer, name: null };
    expect(editFormErrors(editFormFromPeer(unnamed), unnamed)).toEqual({});
    expect(editFromForm(editFormFromPeer(unnamed), unnamed)).toEqual({});
    expect(editFormErrors({ ...editFormFromPeer(peer), name: '' }, peer).name).toBe('must not be empty');
  });

  it('refuses removing a preshared key that is not there', () => {
    const none = { ...peer, hasPresharedKey: false };
    expect(editFormErrors({ ...editFormFromPeer(none), presharedKey: 'remove' }, none).presharedKey).toBe(
      'this peer has no preshared key',
    );
  });
});

describe('engine problems on the form', () => {
  const ADD_FIELDS: AddField[] = [
    'name',
    'allowedIps',
    'keepalive',
    'publicKey',
    'dns',
    'mtu',
    'clientAllowedIps',
    'endpointHost',
  ];

  it('maps change and client fields', () => {
    expect(problemField('changes[0].name')).toBe('name');
    expect(problemField('changes[0].allowedIps[1]')).toBe('allowedIps');
    expect(problemField('changes[0].persistentKeepalive')).toBe('keepalive');
    expect(problemField('changes[1].name')).toBeNull();
    expect(problemField('changes[1].name', 1)).toBe('name');
    expect(problemField('client.allowedIps[0]')).toBe('clientAllowedIps');
    expect(problemField('client.mtu')).toBe('mtu');
    expect(problemField('changes[0].peer')).toBeNull();
    // The client config's own check names its fields bare.
    expect(problemField('dns[1]')).toBe('dns');
    expect(problemField('allowedIps[0]')).toBe('clientAllowedIps');
    expect(problemField('endpointHost')).toBe('endpointHost');
    expect(problemField('mtu')).toBe('mtu');
    expect(problemField('addresses')).toBeNull();
    expect(problemField('iface')).toBeNull();
  });

  it('puts each problem next to its field, the rest at the top', () => {
    const mapped = mapProblems(
      [
        { field: 'changes[0].allowedIps[1]', message: '"198.18.8.5/24" has host bits set' },
        { field: 'changes[0].allowedIps[0]', message: 'overlaps bob' },
        { field: 'changes[0].name', message: 'alice is already the name of a peer' },
        { field: 'client.dns[2]', message: 'not a DNS server' },
        { field: 'changes', message: 'no change given' },
      ],
      ADD_FIELDS,
    );
    expect(mapped.fields).toEqual({
      allowedIps: '"198.18.8.5/24" has host bits set; entry 1: overlaps bob',
      name: 'alice is already the name of a peer',
      dns: 'entry 3: not a DNS server',
    });
    expect(mapped.general).toEqual(['changes: no change given']);
  });

  it('sends fields the form does not have to the top', () => {
    const mapped = mapProblems([{ field: 'changes[0].publicKey', message: 'x' }], ['name'] as const);
    expect(mapped.general).toEqual(['changes[0].publicKey: x']);
  });

  it('reads a failed preview: problems in place, anything else at the top', () => {
    expect(
      formErrorsFromApi(
        {
          code: 'INVALID_INPUT',
          message: 'changes[0].name: taken',
          details: { problems: [{ field: 'changes[0].name', message: 'taken' }] },
        },
        ADD_FIELDS,
      ),
    ).toEqual({ fields: { name: 'taken' }, general: [] });
    expect(formErrorsFromApi({ code: 'INVALID_INPUT', message: 'argument 1: bad' }, ADD_FIELDS)).toEqual({
      fields: {},
      general: ['argument 1: bad'],
    });
    expect(formErrorsFromApi({ code: 'UNREACHABLE', message: 'Cannot reach edge' }, ADD_FIELDS)).toEqual({
      fields: {},
      general: ['Server unreachable: Cannot reach edge'],
    });
  });

  it('names zod paths like the engine', () => {
    expect(fieldOfPath(['operation', 'changes', 0, 'draft', 'name'])).toBe('changes[0].name');
    expect(fieldOfPath(['operation', 'changes', 0, 'edit', 'allowedIps', 2])).toBe(
      'changes[0].allowedIps[2]',
    );
    expect(fieldOfPath(['client', 'dns', 1])).toBe('client.dns[1]');
  });

  it('checks a request with the contract’s schema', () => {
    const base = { server: 'edge-1', iface: 'wg0' };
    const ok = addRequestFromForm({ ...emptyAddForm('h'), name: 'x' }, false);
    expect(
      contractProblems({ ...base, operation: { kind: 'changes', changes: [ok.change] }, client: ok.client! }),
    ).toEqual([]);
    const problems = contractProblems({
      ...base,
      operation: { kind: 'changes', changes: [ok.change] },
      client: { ...ok.client!, endpointHost: 'h'.repeat(300) },
    });
    expect(problems.map((p) => p.field)).toEqual(['client.endpointHost']);
  });
});

describe('the form refuses what the engine refuses (the shared rule, issue 10)', () => {
  it.each(['198.18.0.01/32', '2001:2:0:1000/64', ':::', '2001:2:0:1000::1%eth0/64', '2001:2:0:1000::/064'])(
    '%j',
    (text) => {
      expect(cidrShapeProblem(text)).not.toBeNull();
    },
  );
});

describe('the batch limits form', () => {
  it('leaves what is empty, removes what says none, sets the rest; a bad rule is its field', () => {
    expect(batchLimitsEdit(EMPTY_BATCH_LIMITS)).toEqual({});
    expect(batchLimitsEdit({ quota: '10GiB/month', expires: 'none', schedule: '' })).toEqual({
      quota: { bytes: 10 * 1024 ** 3, period: 'month', direction: 'both', reenable: true },
      expiresAt: null,
    });
    expect(batchLimitsEdit({ quota: 'None', expires: '2027-01-31', schedule: 'daily 08:00-18:00' })).toEqual({
      quota: null,
      expiresAt: Date.UTC(2027, 1, 1),
      schedule: { days: [0, 1, 2, 3, 4, 5, 6], fromMinute: 480, toMinute: 1080, timeZone: 'UTC' },
    });
    expect(batchLimitsErrors(EMPTY_BATCH_LIMITS)).toEqual({});
    const errors = batchLimitsErrors({ quota: 'lots', expires: 'soon', schedule: 'weekdays' });
    expect(Object.keys(errors)).toEqual(['quota', 'expires', 'schedule']);
    expect(errors.quota).toMatch(/^a quota is .*; none removes it$/);
  });
});
