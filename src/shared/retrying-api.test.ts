import { describe, expect, it } from 'vitest';
import type { ApiEvents, WgDeckApi } from './api.ts';
import { withRetries } from './retrying-api.ts';

/** A transport double: calls fail with `failures` codes in turn, then answer; resync is ours to send. */
function flakyApi(failures: string[]) {
  const calls: string[] = [];
  const resync = new Set<(payload: ApiEvents['fleet:resync']) => void>();
  const api = {
    invoke: (method: string) => {
      calls.push(method);
      const code = failures.shift();
      return code
        ? Promise.reject(Object.assign(new Error(code), { code }))
        : Promise.resolve(method === 'server:list' ? [] : undefined);
    },
    subscribe: (_event: string, listener: (payload: ApiEvents['fleet:resync']) => void) => {
      resync.add(listener);
      return () => resync.delete(listener);
    },
  } as unknown as WgDeckApi;
  const reconnect = () => {
    for (const listener of resync) listener({ reason: 'reconnected' });
  };
  return { api, calls, reconnect };
}

describe('withRetries', () => {
  it('sends a retry-safe call again once the link is back', async () => {
    const { api, calls, reconnect } = flakyApi(['DISCONNECTED']);
    const pending = withRetries(api).invoke('server:list');
    await Promise.resolve();
    setTimeout(reconnect, 10);
    await expect(pending).resolves.toEqual([]);
    expect(calls).toEqual(['server:list', 'server:list']);
  });

  it('never sends an apply twice: it fails with the link error', async () => {
    const { api, calls, reconnect } = flakyApi(['DISCONNECTED']);
    const pending = withRetries(api).invoke('peers:apply', { planId: 'p'.repeat(16) });
    setTimeout(reconnect, 10);
    await expect(pending).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(calls).toEqual(['peers:apply']);
  });

  it('does not retry what the engine refused, nor wait forever for a link that stays down', async () => {
    const refused = flakyApi(['NO_SUCH_SERVER']);
    await expect(withRetries(refused.api).invoke('peers:drift', 'edge-1')).rejects.toMatchObject({
      code: 'NO_SUCH_SERVER',
    });
    expect(refused.calls).toHaveLength(1);
    const down = flakyApi(['ENGINE_RESTARTING']);
    await expect(withRetries(down.api, 50).invoke('server:list')).rejects.toMatchObject({
      code: 'ENGINE_RESTARTING',
    });
    expect(down.calls).toHaveLength(1);
  });

  it('retries at once when the link came back while the call was failing', async () => {
    const { api, calls, reconnect } = flakyApi(['ENGINE_RESTARTING']);
    const retrying = withRetries(api, 50);
    const original = api.invoke.bind(api) as (method: string) => Promise<unknown>;
    api.invoke = ((method: string) => {
      const result = original(method);
      reconnect(); // the resync arrives before the failure
      return result;
    }) as WgDeckApi['invoke'];
    await expect(retrying.invoke('server:list')).resolves.toEqual([]);
    expect(calls).toHaveLength(2);
  });
});
