import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENTS, FORWARDED_EVENTS, METHODS, methodTimeoutMs, type ApiHandlers } from './api.ts';
import { assertServesContract } from './serve-rpc.ts';

describe('the contract', () => {
  it('forwards the same events over every transport, declared once', () => {
    expect(FORWARDED_EVENTS).toEqual([
      'fleet:delta',
      'fleet:removed',
      'peers:tx',
      'peers:names',
      'alerts:changed',
      'peers:lifecycle',
    ]);
  });

  it('declares every method with an argument tuple, a result schema and whether to retry', () => {
    for (const [name, spec] of Object.entries(METHODS)) {
      expect(spec.params, name).toBeInstanceOf(z.ZodTuple);
      expect(typeof spec.result.safeParse, name).toBe('function');
      expect(typeof spec.retrySafe, name).toBe('boolean');
    }
    for (const spec of Object.values(EVENTS)) expect(typeof spec.payload.safeParse).toBe('function');
    // Applies wait out their commit-confirmed window; nothing that changes a server is retried blindly.
    expect(methodTimeoutMs('peers:apply')).toBeGreaterThan(3600_000);
    expect(methodTimeoutMs('server:list')).toBeUndefined();
    for (const name of ['server:add', 'peers:apply', 'peers:change', 'server:remove'] as const)
      expect(METHODS[name].retrySafe).toBe(false);
  });

  it('refuses to start serving handlers that miss a declared method or add an undeclared one', () => {
    const all = Object.fromEntries(
      Object.keys(METHODS).map((name) => [name, () => Promise.resolve(undefined)]),
    ) as unknown as ApiHandlers;
    expect(() => assertServesContract(all)).not.toThrow();
    const { 'peers:apply': _dropped, ...missing } = all;
    expect(() => assertServesContract(missing as ApiHandlers)).toThrow(/no handler for peers:apply/);
    const extra = { ...all, 'peers:wipe': () => Promise.resolve() };
    expect(() => assertServesContract(extra)).toThrow(/undeclared methods peers:wipe/);
  });

  it('fails to compile a handler map that misses a method or serves one the contract lacks', () => {
    const handler = () => Promise.resolve(undefined as never);
    // @ts-expect-error: 'peers:apply' (and the others) are declared but have no handler.
    const missing: ApiHandlers = { 'app:info': handler };
    const complete = Object.fromEntries(
      Object.keys(METHODS).map((name) => [name, handler]),
    ) as unknown as ApiHandlers;
    // @ts-expect-error: a handler for a method the contract does not declare.
    const extra: ApiHandlers = { ...complete, 'peers:wipe': handler };
    expect([missing, extra]).toHaveLength(2);
  });
});
