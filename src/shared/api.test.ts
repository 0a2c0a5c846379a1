import { describe, expect, it } from 'vitest';
import { FORWARDED_EVENTS, contractAgrees, methodSchemas } from './api.ts';

describe('the contract', () => {
  it('forwards the same events over every transport, declared once', () => {
    expect(FORWARDED_EVENTS).toEqual(['fleet:delta', 'fleet:removed', 'peers:tx', 'peers:names']);
  });

  it('has a schema for every method (the typed check compiles, and every schema parses its arguments)', () => {
    expect(contractAgrees).toBe(true);
    for (const schema of Object.values(methodSchemas)) expect(typeof schema.safeParse).toBe('function');
  });
});
