import { serializeError } from '../shared/rpc.ts';
import { serveRpc, type ServedEngine } from '../shared/serve-rpc.ts';
import type { ServerLive } from '../shared/domain.ts';
import type { Credentials } from './core/ssh/auth.ts';
import type { SecretStore } from './core/secrets.ts';
import {
  checkCredentials,
  checkItemValue,
  type FromEngine,
  type SecretsReply,
  type SecretsRequest,
} from './engine-protocol.ts';
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

export type { ServedEngine } from '../shared/serve-rpc.ts';

/** The tray's summary is recomputed at most this often. */
export const SUMMARY_INTERVAL_MS = 1000;

/** A request waiting for main's reply; `accept` checks the reply's value (throws if malformed). */
interface PendingSecret {
  accept(value: unknown): void;
  reject(e: Error): void;
}

/** Replies with no value: whatever main sent along is dropped. */
const NOTHING = (): undefined => undefined;

/** Main's reply value for `get`: none, or credentials with only the known, bounded fields. */
function replyCredentials(value: unknown): Credentials | undefined {
  if (value === undefined) return undefined;
  const credentials = checkCredentials(value);
  if (!credentials) throw new Error('main sent malformed credentials');
  return credentials;
}

/** Main's reply value for `getItem`: none, or a bounded string. */
function replyItem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const item = checkItemValue(value);
  if (item === null) throw new Error('main sent a malformed secret');
  return item;
}

/**
 * Secrets for an engine that runs where safeStorage is out of reach: every get/set/delete (and
 * getItem/setItem) is a request to main, which owns the keychain. `canPersist` is what main found
 * out at start.
 */
export class RemoteSecretStore implements SecretStore {
  readonly canPersist: boolean;
  readonly #post: (message: SecretsRequest) => void;
  readonly #pending = new Map<number, PendingSecret>();
  #nextId = 1;

  constructor(post: (message: SecretsRequest) => void, canPersist: boolean) {
    this.#post = post;
    this.canPersist = canPersist;
  }

  get(server: string): Promise<Credentials | undefined> {
    return this.#request((id) => ({ type: 'secrets', id, op: 'get', server }), replyCredentials);
  }

  async set(server: string, credentials: Credentials, persist: boolean): Promise<void> {
    await this.#request((id) => ({ type: 'secrets', id, op: 'set', server, credentials, persist }), NOTHING);
  }

  async delete(server: string): Promise<void> {
    await this.#request((id) => ({ type: 'secrets', id, op: 'delete', server }), NOTHING);
  }

  getItem(item: string): Promise<string | undefined> {
    return this.#request((id) => ({ type: 'secrets', id, op: 'getItem', item }), replyItem);
  }

  async setItem(item: string, value: string, persist: boolean): Promise<void> {
    await this.#request((id) => ({ type: 'secrets', id, op: 'setItem', item, value, persist }), NOTHING);
  }

  /** A reply from main; its value is checked against what the request expects. */
  settle(reply: SecretsReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok === true) {
      pending.accept(reply.value);
      return;
    }
    const error = (reply as { error?: { message?: unknown; code?: unknown } }).error;
    const message = typeof error?.message === 'string' ? error.message : 'the keychain request failed';
    pending.reject(
      Object.assign(new Error(message), typeof error?.code === 'string' ? { code: error.code } : {}),
    );
  }

  #request<T>(build: (id: number) => SecretsRequest, parse: (value: unknown) => T): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, {
        accept: (value) => {
          try {
            resolve(parse(value));
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        },
        reject,
      });
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
  // Main validated already; the engine process checks again (it trusts no one's input).
  const rpc = serveRpc(engine, {
    publish: (event, payload) => port.postMessage({ type: 'event', event, payload }),
  });
  const main = rpc.connect({ reply: (result) => port.postMessage(result) });
  port.on('message', ({ data }) => {
    if (typeof data !== 'object' || data === null) return;
    const type = (data as { type?: unknown }).type;
    if (type === 'secrets-result') {
      secrets.settle(data as SecretsReply);
      return;
    }
    main.receive(data);
  });

  const offs = [() => rpc.stop()];

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
