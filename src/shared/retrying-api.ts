import { isRetrySafe, type ApiMethods, type MethodName, type WgDeckApi } from './api.ts';

/** Failures that mean "the call never got an answer because the link dropped", not "the engine said no". */
const LINK_FAILURES = new Set(['DISCONNECTED', 'ENGINE_RESTARTING']);

/** How long a retry waits for the link to come back (`fleet:resync`) before giving up. */
export const RETRY_WAIT_MS = 15_000;

function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/**
 * The contract with one automatic retry for methods declared retry-safe (reads, and writes that leave
 * the same state when repeated): a call that failed because the connection dropped (WebSocket) or
 * the engine process restarted (Electron) is sent again once the transport says it is back
 * (`fleet:resync`). A peer apply or a server add is never sent twice: it fails, and the UI says so.
 */
export function withRetries(api: WgDeckApi, waitMs = RETRY_WAIT_MS): WgDeckApi {
  /** Counts the times the link came back; a call that started before the last one may retry at once. */
  let reconnections = 0;
  const waiting = new Set<() => void>();
  api.subscribe('fleet:resync', () => {
    reconnections += 1;
    for (const wake of [...waiting]) wake();
  });
  const backSince = (seen: number): Promise<boolean> => {
    if (reconnections !== seen) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiting.delete(wake);
        resolve(false);
      }, waitMs);
      waiting.add(wake);
    });
  };

  return {
    async invoke<M extends MethodName>(method: M, ...args: Parameters<ApiMethods[M]>) {
      const seen = reconnections;
      try {
        return await api.invoke(method, ...args);
      } catch (error) {
        if (!isRetrySafe(method) || !LINK_FAILURES.has(codeOf(error) ?? '')) throw error;
        if (!(await backSince(seen))) throw error;
        return await api.invoke(method, ...args);
      }
    },
    subscribe: (event, listener) => api.subscribe(event, listener),
  };
}
