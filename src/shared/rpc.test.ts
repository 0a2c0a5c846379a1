import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ApiError,
  apiFromBridge,
  deserializeError,
  dispatch,
  parseInvokeEnvelope,
  parseServerMessage,
  resultFor,
  serializeError,
  validateInvoke,
  type ApiHandlers,
  type WgDeckBridge,
} from './rpc.ts';

function invalid(method: unknown, args: unknown): { code: string; message: string } {
  try {
    validateInvoke(method, args);
  } catch (error) {
    return serializeError(error);
  }
  throw new Error('expected INVALID_INPUT');
}

const fingerprint = `SHA256:${'A'.repeat(43)}`;

describe('validateInvoke', () => {
  it('accepts known methods with well-formed arguments', () => {
    expect(validateInvoke('server:list', [])).toEqual({ method: 'server:list', args: [] });
    expect(validateInvoke('server:remove', ['edge-1'])).toEqual({
      method: 'server:remove',
      args: ['edge-1'],
    });
    expect(validateInvoke('server:retrust', ['edge-1', fingerprint]).args).toEqual(['edge-1', fingerprint]);
    expect(validateInvoke('settings:update', [{ intervalSeconds: 5 }]).args).toEqual([
      { intervalSeconds: 5 },
    ]);
  });

  it.each([
    ['__proto__'],
    ['constructor'],
    ['toString'],
    ['hasOwnProperty'],
    ['server:list '],
    ['SERVER:LIST'],
    [''],
    ['x'.repeat(100_000)],
  ])('refuses the unknown method %#', (method) => {
    const error = invalid(method, []);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^Unknown method/);
    expect(error.message.length).toBeLessThan(200); // a huge name is not echoed back
  });

  it.each([[undefined], [null], [42], [{}], [['server:list']]])(
    'refuses a non-string method %#',
    (method) => {
      expect(invalid(method, []).message).toMatch(/^Unknown method/);
    },
  );

  it.each([[undefined], [null], ['edge-1'], [{ 0: 'edge-1', length: 1 }], [42]])(
    'refuses arguments that are not an array %#',
    (args) => {
      expect(invalid('server:remove', args)).toEqual({
        name: 'InvalidInputError',
        code: 'INVALID_INPUT',
        message: 'server:remove: arguments must be an array.',
      });
    },
  );

  it('says how many arguments a method takes', () => {
    expect(invalid('server:list', [1]).message).toBe('server:list takes no arguments (got 1).');
    expect(invalid('server:remove', []).message).toBe('server:remove takes 1 argument (got 0).');
    expect(invalid('server:remove', ['a', 'b']).message).toBe('server:remove takes 1 argument (got 2).');
    expect(invalid('server:retrust', ['a']).message).toBe('server:retrust takes 2 arguments (got 1).');
  });

  it('refuses a shell-ish server name with a message naming the rule', () => {
    const error = invalid('server:remove', ['x;rm']);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'server:remove: invalid input: argument 1: a server name is 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  });

  it.each([
    ['wrong type', ['server:remove', [42]]],
    ['oversized string', ['server:remove', ['a'.repeat(1_000_000)]]],
    [
      'oversized password',
      ['server:setCredentials', ['edge-1', { password: 'p'.repeat(5000), remember: false }]],
    ],
    ['string for number', ['settings:update', [{ intervalSeconds: '5' }]]],
    ['NaN', ['settings:update', [{ intervalSeconds: NaN }]]],
    ['extra field', ['settings:update', [{ intervalSeconds: 5, admin: true }]]],
    ['bad fingerprint', ['server:retrust', ['edge-1', 'SHA256:short']]],
    [
      'nested extra field',
      ['server:update', [{ name: 'a', host: 'h', port: 22, user: 'u', sudo: false, x: 1 }]],
    ],
  ] as const)('refuses %s', (_label, [method, args]) => {
    const error = invalid(method, args);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message.length).toBeLessThan(600);
    expect(error.message).not.toContain('aaaaaaaaaa');
  });

  it('refuses prototype-pollution keys and leaves Object.prototype alone', () => {
    for (const raw of [
      '[{"__proto__":{"polluted":true}}]',
      '[{"intervalSeconds":5,"__proto__":{"polluted":true}}]',
      '[{"constructor":{"prototype":{"polluted":true}}}]',
      '[{"thresholds":{"onlineSeconds":60,"staleSeconds":120,"__proto__":{"polluted":true}}}]',
    ]) {
      const error = invalid('settings:update', JSON.parse(raw));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/Unrecognized key/);
    }
    const addRaw = `[{"server":{"name":"a","host":"h","port":22,"user":"u","sudo":false,"__proto__":{"sudo":true}}}]`;
    expect(invalid('server:add', JSON.parse(addRaw)).code).toBe('INVALID_INPUT');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('passes fresh, parsed objects to the handler, not the caller’s', () => {
    const input = { intervalSeconds: 7 };
    const call = validateInvoke('settings:update', [input]);
    expect(call.args[0]).toEqual(input);
    expect(call.args[0]).not.toBe(input);
  });
});

describe('serializeError / deserializeError', () => {
  it('keeps a stable code, name and message', () => {
    const error = Object.assign(new Error('No server named "x".'), { code: 'NO_SUCH_SERVER' });
    error.name = 'WgDeckError';
    expect(serializeError(error)).toEqual({
      name: 'WgDeckError',
      code: 'NO_SUCH_SERVER',
      message: 'No server named "x".',
    });
  });

  it('maps anything else to INTERNAL', () => {
    expect(serializeError(new TypeError('boom')).code).toBe('INTERNAL');
    expect(serializeError(Object.assign(new Error('x'), { code: 'lower' })).code).toBe('INTERNAL');
    expect(serializeError(Object.assign(new Error('x'), { code: 42 })).code).toBe('INTERNAL');
    expect(serializeError('a string')).toEqual({ name: 'Error', code: 'INTERNAL', message: 'a string' });
    expect(serializeError(undefined).message).toBe('undefined');
  });

  it('maps a ZodError to INVALID_INPUT with a readable message', () => {
    const parsed = z.strictObject({ port: z.number() }).safeParse({ port: 'x' });
    const error = serializeError(parsed.error);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('invalid input: port: Invalid input: expected number, received string');
  });

  it('bounds a huge message', () => {
    expect(serializeError(new Error('x'.repeat(1_000_000))).message.length).toBeLessThan(2100);
  });

  it('sanitises hostile names', () => {
    const error = new Error('x');
    error.name = '<img src=x onerror=alert(1)>';
    expect(serializeError(error).name).toBe('Error');
  });

  it('rebuilds a real Error', () => {
    const error = deserializeError({ name: 'WgDeckError', code: 'AUTH_FAILED', message: 'denied' });
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.name).toBe('WgDeckError');
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toBe('denied');
    expect(String(error)).toBe('WgDeckError: denied');
  });

  it.each([[null], [undefined], ['boom'], [{ code: 'bad code', name: 7 }], [{ __proto__: { code: 'X_Y' } }]])(
    'rebuilds something sensible from garbage %#',
    (data) => {
      const error = deserializeError(data);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe('INTERNAL');
      expect(error.name).toBe('Error');
    },
  );

  it('round-trips', () => {
    const original = Object.assign(new Error('Host key changed'), { code: 'HOST_KEY_CHANGED' });
    const rebuilt = deserializeError(JSON.parse(JSON.stringify(serializeError(original))));
    expect([rebuilt.code, rebuilt.message]).toEqual(['HOST_KEY_CHANGED', 'Host key changed']);
  });
});

describe('messages', () => {
  it('parses an invoke envelope only with a usable id', () => {
    expect(parseInvokeEnvelope({ type: 'invoke', id: 1, method: 'server:list', args: [] })).toEqual({
      id: 1,
      method: 'server:list',
      args: [],
    });
    for (const bad of [
      null,
      [],
      'invoke',
      { type: 'invoke' },
      { type: 'invoke', id: -1 },
      { type: 'invoke', id: 1.5 },
      { type: 'invoke', id: '1' },
      { type: 'invoke', id: 2 ** 60 },
      { type: 'result', id: 1 },
    ]) {
      expect(parseInvokeEnvelope(bad)).toBeNull();
    }
  });

  it('turns a handler outcome into a result', async () => {
    expect(await resultFor(3, () => Promise.resolve([]))).toEqual({
      type: 'result',
      id: 3,
      ok: true,
      value: [],
    });
    const failed = await resultFor(4, () => Promise.reject(Object.assign(new Error('no'), { code: 'NOPE' })));
    expect(failed).toEqual({
      type: 'result',
      id: 4,
      ok: false,
      error: { name: 'Error', code: 'NOPE', message: 'no' },
    });
  });

  it('dispatches a validated call to its handler', async () => {
    const calls: unknown[][] = [];
    const handlers = new Proxy({} as ApiHandlers, {
      get:
        (_target, method) =>
        (...args: unknown[]) => {
          calls.push([method, ...args]);
          return Promise.resolve('ok');
        },
    });
    expect(await dispatch(handlers, validateInvoke('server:remove', ['edge-1']))).toBe('ok');
    expect(calls).toEqual([['server:remove', 'edge-1']]);
  });

  it('recognises server messages and drops garbage', () => {
    expect(parseServerMessage({ type: 'result', id: 1, ok: true, value: 1 })).not.toBeNull();
    expect(
      parseServerMessage({ type: 'event', event: 'fleet:removed', payload: { name: 'a' } }),
    ).not.toBeNull();
    for (const bad of [
      null,
      1,
      {},
      { type: 'result' },
      { type: 'event', event: 1, payload: 1 },
      { type: 'x' },
    ]) {
      expect(parseServerMessage(bad)).toBeNull();
    }
  });
});

describe('apiFromBridge (the Electron preload’s outcome-returning bridge)', () => {
  it('resolves values and rebuilds failed outcomes as real Errors with their code', async () => {
    const calls: unknown[] = [];
    const bridge: WgDeckBridge = {
      invoke: (method, args) => {
        calls.push([method, args]);
        return Promise.resolve(
          method === 'server:list'
            ? { ok: true, value: [] }
            : {
                ok: false,
                error: { name: 'WgDeckError', code: 'NO_SUCH_SERVER', message: 'No server named "x".' },
              },
        );
      },
      subscribe: () => () => undefined,
    };
    const api = apiFromBridge(bridge);
    expect(await api.invoke('server:list')).toEqual([]);
    const error = (await api.invoke('server:remove', 'x').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.code, error.message]).toEqual([
      'WgDeckError',
      'NO_SUCH_SERVER',
      'No server named "x".',
    ]);
    expect(calls).toEqual([
      ['server:list', []],
      ['server:remove', ['x']],
    ]);
  });

  it('passes subscriptions through, disposer included', () => {
    const seen: string[] = [];
    let stored: ((payload: { name: string }) => void) | null = null;
    const bridge: WgDeckBridge = {
      invoke: () => Promise.resolve({ ok: true, value: null }),
      subscribe: (_event, listener) => {
        stored = listener as (payload: { name: string }) => void;
        return () => {
          stored = null;
        };
      },
    };
    const off = apiFromBridge(bridge).subscribe('fleet:removed', ({ name }) => seen.push(name));
    stored!({ name: 'a' });
    off();
    expect(stored).toBeNull();
    expect(seen).toEqual(['a']);
  });
});

describe('error details across the wire', () => {
  const FP = `SHA256:${'b'.repeat(43)}`;

  it('carries validated host-key facts and rebuilds them on the other side', () => {
    const error = Object.assign(new Error('unknown host key'), {
      code: 'HOST_KEY_UNKNOWN',
      host: '198.18.1.2',
      port: 22,
      keyType: 'ssh-ed25519',
      fingerprint: FP,
    });
    const wire = JSON.parse(JSON.stringify(serializeError(error))) as unknown;
    const rebuilt = deserializeError(wire);
    expect(rebuilt.code).toBe('HOST_KEY_UNKNOWN');
    expect(rebuilt.details).toEqual({
      host: '198.18.1.2',
      port: 22,
      keyType: 'ssh-ed25519',
      fingerprint: FP,
    });
  });

  it('drops hostile details instead of passing them on', () => {
    const rebuilt = deserializeError({
      name: 'Error',
      code: 'HOST_KEY_UNKNOWN',
      message: 'm',
      details: {
        fingerprint: 'SHA256:<img src=x onerror=alert(1)>',
        sudoersLine: 'x ALL=(ALL) ALL',
        __proto__: { host: 'evil' },
      },
    });
    expect(rebuilt.details).toBeUndefined();
  });
});
