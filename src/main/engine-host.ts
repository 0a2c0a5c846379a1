import type { ApiEvents, EventName } from '../shared/api.ts';
import type { ErrorCode } from '../shared/error-codes.ts';
import { serializeError, type Outcome, type ValidInvoke } from '../shared/rpc.ts';
import type { SecretStore } from './core/secrets.ts';
import {
  checkCredentials,
  checkItemId,
  checkItemValue,
  type FromEngine,
  type SecretsReply,
  type ToEngine,
} from './engine-protocol.ts';
import type { FleetSummary } from './fleet-summary.ts';

/** A utility process as main sees it (Electron's UtilityProcess, or an in-memory double in tests). */
export interface EngineChild {
  postMessage(message: ToEngine): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface EngineHostOptions {
  spawn: () => EngineChild;
  /** The keychain: only main can reach safeStorage, so the engine's secrets requests land here. */
  secrets: SecretStore;
  /** First restart delay after a crash; doubles up to 30 s. */
  restartDelayMs?: number;
  log?: (line: string) => void;
}

type EventListener = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

const RESTART_CAP_MS = 30_000;
/** A process that ran this long was healthy: the next crash restarts quickly again. */
const HEALTHY_MS = 60_000;

/**
 * Main's side of the engine process: forwards validated calls, relays events, answers secrets
 * requests from the keychain, and restarts the process if it dies (the window then gets
 * `fleet:resync` to reload what it shows).
 */
export class EngineHost {
  readonly #options: EngineHostOptions;
  readonly #pending = new Map<number, (outcome: Outcome) => void>();
  readonly #eventListeners = new Set<EventListener>();
  readonly #summaryListeners = new Set<(summary: FleetSummary) => void>();
  #child: EngineChild | null = null;
  #nextId = 1;
  #stopped = false;
  #restarts = 0;
  #startedAt = 0;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #summary: FleetSummary | null = null;

  constructor(options: EngineHostOptions) {
    this.#options = options;
  }

  get summary(): FleetSummary | null {
    return this.#summary;
  }

  start(): void {
    this.#stopped = false;
    this.#spawn(false);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#child?.kill();
    this.#child = null;
    this.#failPending('ENGINE_STOPPED', 'WG Deck is quitting.');
  }

  /** Runs a validated call in the engine process. Never rejects: failures are outcomes. */
  invoke(call: ValidInvoke): Promise<Outcome> {
    const child = this.#child;
    if (!child) {
      return Promise.resolve(
        failed('ENGINE_RESTARTING', "WG Deck's engine is restarting; try again in a moment."),
      );
    }
    const id = this.#nextId++;
    return new Promise<Outcome>((resolve) => {
      this.#pending.set(id, resolve);
      child.postMessage({ type: 'invoke', id, method: call.method, args: call.args });
    });
  }

  onEvent(listener: EventListener): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  onSummary(listener: (summary: FleetSummary) => void): () => void {
    this.#summaryListeners.add(listener);
    return () => this.#summaryListeners.delete(listener);
  }

  #spawn(restarted: boolean): void {
    this.#restartTimer = null;
    const child = this.#options.spawn();
    this.#child = child;
    this.#startedAt = Date.now();
    child.on('message', (message) => {
      if (this.#child === child) this.#receive(child, message as FromEngine, restarted);
    });
    child.on('exit', (code) => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#failPending(
        'ENGINE_RESTARTING',
        "WG Deck's engine stopped unexpectedly and is restarting; try again.",
      );
      if (this.#stopped) return;
      if (Date.now() - this.#startedAt > HEALTHY_MS) this.#restarts = 0;
      const base = this.#options.restartDelayMs ?? 1000;
      const delay = Math.min(RESTART_CAP_MS, base * 2 ** this.#restarts++);
      this.#options.log?.(`engine process exited (code ${code}); restarting in ${delay} ms`);
      this.#restartTimer = setTimeout(() => this.#spawn(true), delay);
    });
  }

  #receive(child: EngineChild, message: FromEngine, restarted: boolean): void {
    switch (message?.type) {
      case 'result': {
        const resolve = this.#pending.get(message.id);
        if (!resolve) return;
        this.#pending.delete(message.id);
        resolve(message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error });
        return;
      }
      case 'event':
        for (const listener of this.#eventListeners) listener(message.event, message.payload);
        return;
      case 'summary':
        this.#summary = message.summary;
        for (const listener of this.#summaryListeners) listener(message.summary);
        return;
      case 'secrets':
        void this.#secrets(message).then((reply) => {
          if (this.#child === child) child.postMessage(reply);
        });
        return;
      case 'ready':
        if (restarted)
          for (const listener of this.#eventListeners) listener('fleet:resync', { reason: 'restarted' });
        return;
      default:
        this.#options.log?.('engine process sent an unknown message; ignored');
    }
  }

  async #secrets(request: FromEngine & { type: 'secrets' }): Promise<SecretsReply> {
    const { id } = request;
    try {
      const { secrets } = this.#options;
      // Generic secrets by id: every field checked, as everything else the engine process sends.
      if (request.op === 'getItem' || request.op === 'setItem') {
        const item = checkItemId(request.item);
        if (item === null) throw new Error('bad secret id');
        if (request.op === 'getItem') {
          const value = await secrets.getItem(item);
          return value === undefined
            ? { type: 'secrets-result', id, ok: true }
            : { type: 'secrets-result', id, ok: true, value };
        }
        const value = checkItemValue(request.value);
        if (value === null) throw new Error('malformed secret');
        if (typeof request.persist !== 'boolean') throw new Error('malformed secrets request');
        await secrets.setItem(item, value, request.persist);
        return { type: 'secrets-result', id, ok: true };
      }
      if (typeof request.server !== 'string' || request.server.length > 64)
        throw new Error('bad server name');
      if (request.op === 'get') {
        const value = await secrets.get(request.server);
        return value
          ? { type: 'secrets-result', id, ok: true, value }
          : { type: 'secrets-result', id, ok: true };
      }
      if (request.op === 'set') {
        const credentials = checkCredentials(request.credentials);
        if (!credentials) throw new Error('malformed credentials');
        await secrets.set(request.server, credentials, request.persist === true);
      } else if (request.op === 'delete') {
        await secrets.delete(request.server);
      } else {
        throw new Error('unknown secrets operation');
      }
      return { type: 'secrets-result', id, ok: true };
    } catch (error) {
      return { type: 'secrets-result', id, ok: false, error: serializeError(error) };
    }
  }

  #failPending(code: ErrorCode, message: string): void {
    for (const resolve of this.#pending.values()) resolve(failed(code, message));
    this.#pending.clear();
  }
}

function failed(code: ErrorCode, message: string): Outcome {
  return { ok: false, error: { name: 'EngineError', code, message } };
}
