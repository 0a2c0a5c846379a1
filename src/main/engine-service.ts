import type { ApiEvents, EventName } from '../shared/api.ts';
import {
  dispatch,
  parseInvokeEnvelope,
  resultFor,
  serializeError,
  validateInvoke,
  type ApiHandlers,
} from '../shared/rpc.ts';
import type { ServerLive } from '../shared/domain.ts';
import type { Credentials } from './core/ssh/auth.ts';
import type { SecretStore } from './core/secrets.ts';
import type { FromEngine, SecretsReply, SecretsRequest } from './engine-protocol.ts';
import { fleetSummary, sameSummary, type FleetSummary } from './fleet-summary.ts';

/**
 * The engine's side of the utility-process hop, in plain Node (no electron import) so it is tested
 * with in-memory ports: calls in, results and events out, secrets asked of main.
 */

/** `process.parentPort` in a utility process, or a test double. */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: FromEngine): void;
}

export interface ServedEngine {
  handlers: ApiHandlers;
  subscribe<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** Forwarded to main (and on to the window): the deltas, as in browser mode. */
const FORWARDED: EventName[] = ['fleet:delta', 'fleet:removed'];

/** The tray's summary is recomputed at most this often. */
export const SUMMARY_INTERVAL_MS = 1000;

/**
 * Secrets for an engine that runs where safeStorage is out of reach: every get/set/delete is a
 * request to main, which owns the keychain. `canPersist` is what main found out at start.
 */
export class RemoteSecretStore implements SecretStore {
  readonly canPersist: boolean;
  readonly #post: (message: SecretsRequest) => void;
  readonly #pending = new Map<
    number,
    { resolve(value: Credentials | undefined): void; reject(e: Error): void }
  >();
  #nextId = 1;

  constructor(post: (message: SecretsRequest) => void, canPersist: boolean) {
    this.#post = post;
    this.canPersist = canPersist;
  }

  get(server: string): Promise<Credentials | undefined> {
    return this.#request((id) => ({ type: 'secrets', id, op: 'get', server }));
  }

  async set(server: string, credentials: Credentials, persist: boolean): Promise<void> {
    await this.#request((id) => ({ type: 'secrets', id, op: 'set', server, credentials, persist }));
  }

  async delete(server: string): Promise<void> {
    await this.#request((id) => ({ type: 'secrets', id, op: 'delete', server }));
  }

  /** A reply from main. */
  settle(reply: SecretsReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
  }

  #request(build: (id: number) => SecretsRequest): Promise<Credentials | undefined> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#post(build(id));
    });
  }
}

/** Serves an engine over a parent port. Returns a function that stops forwarding. */
export function serveEngine(
  port: ParentPortLike,
  engine: ServedEngine,
  secrets: RemoteSecretStore,
): () => void {
  port.on('message', ({ data }) => {
    if (typeof data !== 'object' || data === null) return;
    const type = (data as { type?: unknown }).type;
    if (type === 'secrets-result') {
      secrets.settle(data as SecretsReply);
      return;
    }
    const envelope = parseInvokeEnvelope(data);
    if (!envelope) return;
    // Main validated already; the engine process checks again (it trusts no one's input).
    void resultFor(envelope.id, () =>
      dispatch(engine.handlers, validateInvoke(envelope.method, envelope.args)),
    ).then((result) => port.postMessage(result));
  });

  const offs = FORWARDED.map((event) =>
    engine.subscribe(event, (payload) => port.postMessage({ type: 'event', event, payload })),
  );

  let last: FleetSummary | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const summarise = (): void => {
    timer = null;
    engine.handlers['fleet:state']().then(
      (servers: ServerLive[]) => {
        const summary = fleetSummary(servers);
        if (sameSummary(last, summary)) return;
        last = summary;
        port.postMessage({ type: 'summary', summary });
      },
      (error: unknown) => console.error(`engine: summary failed: ${serializeError(error).message}`),
    );
  };
  const schedule = (): void => {
    timer ??= setTimeout(summarise, SUMMARY_INTERVAL_MS);
  };
  offs.push(engine.subscribe('fleet:server', schedule), engine.subscribe('fleet:removed', schedule));
  summarise();

  return () => {
    for (const off of offs) off();
    if (timer) clearTimeout(timer);
  };
}
