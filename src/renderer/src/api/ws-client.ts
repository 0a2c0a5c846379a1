import type { ApiEvents, ApiMethods, EventName, MethodName, WgDeckApi } from '../../../shared/api.ts';
import type { ErrorCode } from '../../../shared/error-codes.ts';
import { ApiError, deserializeError, parseServerMessage, type InvokeMessage } from '../../../shared/rpc.ts';
import { methodTimeoutMs } from '../../../shared/api.ts';
import { TOKEN_REFUSED_CLOSE } from '../../../shared/ws-auth.ts';

/**
 * The browser-mode transport: the contract over one WebSocket to `wgdeck serve`. Calls are promises
 * keyed by id (with a timeout); events go to subscribers. After a drop it reconnects with backoff and
 * emits `fleet:resync`, so the UI reloads `fleet:sync` instead of trusting deltas it may have missed.
 * A socket the server refuses for its token (TOKEN_REFUSED_CLOSE) is final: retrying cannot help, so
 * every call fails with TOKEN_REFUSED and a message saying which URL to open.
 *
 * No DOM globals here (the socket is injected), so it runs under Node in tests too.
 */

/** What this client needs of a WebSocket: the browser's, or `ws`'s in tests. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: never) => void) | null;
}

export interface WsClientOptions {
  url: string;
  createSocket: (url: string) => SocketLike;
  /** A call with no answer after this long fails with TIMEOUT. */
  timeoutMs?: number;
  /** Reconnect delays: base doubling up to cap, with ±20 % jitter. */
  backoff?: { baseMs: number; capMs: number };
}

export interface WsClient extends WgDeckApi {
  /** Stops for good: no reconnect, pending calls fail. */
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;
const CLOSING = 2;

function failure(code: ErrorCode, message: string): ApiError {
  return new ApiError({ name: 'TransportError', code, message });
}

const tokenRefused = (): ApiError =>
  failure(
    'TOKEN_REFUSED',
    'WG Deck refused this tab: it has no valid access token (none given, or one from an earlier run). ' +
      'Open the URL `wgdeck serve` printed in its terminal (it ends in ?token=…).',
  );

/** Connects; resolves once the first connection is open, rejects if it cannot be opened at all. */
export function connectWebSocket(options: WsClientOptions): Promise<WsClient> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const { baseMs, capMs } = options.backoff ?? { baseMs: 500, capMs: 10_000 };
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let socket: SocketLike | null = null;
  let nextId = 1;
  let attempt = 0;
  let everOpened = false;
  let closed = false;
  /** Set when the server refused the token: every later call fails with it. */
  let refusal: ApiError | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;

  const emit = <E extends EventName>(event: E, payload: ApiEvents[E]): void => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        (listener as (payload: ApiEvents[E]) => void)(payload);
      } catch (error) {
        console.error(`wgdeck: a ${event} listener threw`, error);
      }
    }
  };

  const failAll = (error: ApiError): void => {
    for (const call of pending.values()) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    pending.clear();
  };

  const onMessage = (data: unknown): void => {
    if (typeof data !== 'string') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return;
    }
    const message = parseServerMessage(parsed);
    if (!message) return;
    if (message.type === 'event') {
      emit(message.event, message.payload);
      return;
    }
    const call = pending.get(message.id);
    if (!call) return; // timed out already
    pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.ok) call.resolve(message.value);
    else call.reject(deserializeError(message.error));
  };

  return new Promise<WsClient>((resolveFirst, rejectFirst) => {
    const open = (): void => {
      retry = null;
      const current = options.createSocket(options.url);
      socket = current;
      current.onopen = () => {
        attempt = 0;
        if (!everOpened) {
          everOpened = true;
          resolveFirst(client);
        } else {
          emit('fleet:resync', { reason: 'reconnected' });
        }
      };
      current.onmessage = (event) => onMessage(event.data);
      current.onerror = () => undefined; // a close follows
      current.onclose = (event) => {
        if (socket !== current) return;
        socket = null;
        if (event.code === TOKEN_REFUSED_CLOSE && !closed) {
          closed = true;
          refusal = tokenRefused();
          failAll(refusal);
          if (!everOpened) rejectFirst(refusal);
          return;
        }
        failAll(failure('DISCONNECTED', 'The connection to WG Deck dropped; reconnecting.'));
        if (closed) return;
        if (!everOpened) {
          closed = true;
          rejectFirst(
            failure(
              'UNREACHABLE',
              'Cannot connect to WG Deck. Is `wgdeck serve` still running? Open the URL it printed.',
            ),
          );
          return;
        }
        const delay = Math.min(capMs, baseMs * 2 ** attempt) * (0.8 + Math.random() * 0.4);
        attempt += 1;
        retry = setTimeout(open, delay);
      };
    };

    const client: WsClient = {
      invoke<M extends MethodName>(method: M, ...args: Parameters<ApiMethods[M]>) {
        return new Promise<ReturnType<ApiMethods[M]>>((resolve, reject) => {
          const current = socket;
          if (refusal) {
            reject(refusal);
            return;
          }
          // CLOSING: the server's close frame is in, its reason (a refused token?) only known on close,
          // so the call waits there with the others and fails with that reason.
          const closing = current?.readyState === CLOSING;
          if (closed || !current || (current.readyState !== OPEN && !closing)) {
            reject(failure('DISCONNECTED', 'Not connected to WG Deck right now; reconnecting.'));
            return;
          }
          const id = nextId++;
          const limit = methodTimeoutMs(method) ?? timeoutMs;
          const timer = setTimeout(() => {
            pending.delete(id);
            reject(failure('TIMEOUT', `${method} got no answer within ${Math.round(limit / 1000)} s.`));
          }, limit);
          pending.set(id, { resolve: resolve, reject, timer });
          if (closing) return;
          current.send(JSON.stringify({ type: 'invoke', id, method, args } satisfies InvokeMessage));
        });
      },
      subscribe<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
        let set = listeners.get(event);
        if (!set) {
          set = new Set();
          listeners.set(event, set);
        }
        const entry = listener as (payload: never) => void;
        set.add(entry);
        return () => {
          set.delete(entry);
        };
      },
      close() {
        closed = true;
        if (retry) clearTimeout(retry);
        failAll(failure('DISCONNECTED', 'The connection to WG Deck was closed.'));
        socket?.close(1000, 'closed by the page');
      },
    };

    open();
  });
}
