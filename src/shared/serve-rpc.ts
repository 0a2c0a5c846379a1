import { EVENTS, FORWARDED_EVENTS, METHODS } from './api.ts';
import type { ApiEvents, ApiHandlers, EventName, MethodName } from './api.ts';
import type { ErrorCode } from './error-codes.ts';
import {
  describeZodError,
  dispatch,
  parseInvokeEnvelope,
  resultFor,
  validateInvoke,
  type ResultMessage,
} from './rpc.ts';

/**
 * The contract served over a transport, written once: the Electron engine process (a parent port) and
 * browser mode (one WebSocket per page) both hand it the raw messages they receive and a way to send.
 * Whatever arrives is untrusted: the envelope, the method name and the arguments are checked with the
 * contract's schemas before a handler runs.
 */

/** What a transport serves: the engine's handlers and its events. */
export interface ServedEngine {
  handlers: ApiHandlers;
  subscribe<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

export interface RpcOptions {
  /** Pushes an event to every front end of this transport (the contract says which events cross). */
  publish<E extends EventName>(event: E, payload: ApiEvents[E]): void;
  /**
   * Parse every result and event with its declared schema; a mismatch is an error, loudly. On in every
   * test run (`WGDECK_CHECK_CONTRACT=1`), so the declared result shapes stay true; off in production,
   * where the engine is trusted and a 1,000-peer state would be parsed on every poll.
   */
  checkContract?: boolean;
}

export interface RpcConnection {
  /** One message from the front end; false when it is not an invoke message (the transport decides). */
  receive(data: unknown): boolean;
}

export interface RpcServer {
  /** A front end: its results go to `reply`; past `maxPending` running calls, more are refused (BUSY). */
  connect(options: { reply: (result: ResultMessage) => void; maxPending?: number }): RpcConnection;
  /** Stops forwarding events. */
  stop(): void;
}

export class ContractViolation extends Error {
  readonly code = 'INTERNAL';
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

/** Refuses to serve an engine that lacks a handler for a declared method, or has one for none. */
export function assertServesContract(handlers: ApiHandlers): void {
  const declared = Object.keys(METHODS);
  const missing = declared.filter((name) => typeof handlers[name as MethodName] !== 'function');
  const extra = Object.keys(handlers).filter((name) => !Object.hasOwn(METHODS, name));
  if (missing.length > 0 || extra.length > 0) {
    throw new ContractViolation(
      [
        missing.length > 0 ? `no handler for ${missing.join(', ')}` : '',
        extra.length > 0 ? `handlers for undeclared methods ${extra.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
}

export function checkContractFromEnvironment(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.['WGDECK_CHECK_CONTRACT'] === '1';
}

function checkResult(name: MethodName, value: unknown): void {
  const parsed = METHODS[name].result.safeParse(value);
  if (!parsed.success) throw new ContractViolation(`result of ${describeZodError(parsed.error, name)}`);
}

function checkEvent(name: EventName, payload: unknown): void {
  const parsed = EVENTS[name].payload.safeParse(payload);
  if (!parsed.success) throw new ContractViolation(`event ${describeZodError(parsed.error, name)}`);
}

export function serveRpc(engine: ServedEngine, options: RpcOptions): RpcServer {
  assertServesContract(engine.handlers);
  const check = options.checkContract ?? checkContractFromEnvironment();

  const offs = FORWARDED_EVENTS.map((name) =>
    engine.subscribe(name, (payload) => {
      if (check) checkEvent(name, payload);
      options.publish(name, payload);
    }),
  );

  const run = async (method: unknown, args: unknown): Promise<unknown> => {
    const call = validateInvoke(method, args);
    const value = await dispatch(engine.handlers, call);
    if (check) checkResult(call.method, value);
    return value;
  };

  return {
    connect({ reply, maxPending = Infinity }) {
      let pending = 0;
      return {
        receive(data) {
          const envelope = parseInvokeEnvelope(data);
          if (!envelope) return false;
          if (pending >= maxPending) {
            const busy = Object.assign(new Error(`More than ${maxPending} calls at once.`), {
              code: 'BUSY' satisfies ErrorCode,
            });
            void resultFor(envelope.id, () => Promise.reject(busy)).then(reply);
            return true;
          }
          pending += 1;
          void resultFor(envelope.id, () => run(envelope.method, envelope.args)).then((result) => {
            pending -= 1;
            reply(result);
          });
          return true;
        },
      };
    },
    stop() {
      for (const off of offs.splice(0)) off();
    },
  };
}
