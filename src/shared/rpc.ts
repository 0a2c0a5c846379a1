import { ZodError } from 'zod';
import type { ZodType } from 'zod';
import { METHODS } from './api.ts';
import type { ErrorCode } from './error-codes.ts';
import { pickErrorDetails, type ErrorDetails } from './error-details.ts';
import type {
  ApiEvents,
  ApiHandlers,
  ApiMethods,
  EventName,
  MethodName,
  SerializedError,
  WgDeckApi,
} from './api.ts';

export type { ApiHandlers } from './api.ts';

/**
 * The wire protocol both transports speak (the browser-mode WebSocket, and Electron's main ↔ engine
 * process hop): a request/response pair keyed by `id`, and events pushed by the engine side. Whatever
 * arrives from the other side is untrusted: `parseInvoke` / `validateInvoke` check it with the same zod
 * schemas the contract declares, before anything reaches the engine.
 */

export interface InvokeMessage {
  type: 'invoke';
  id: number;
  method: string;
  args: unknown[];
}

export type ResultMessage =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedError };

export interface EventMessage<E extends EventName = EventName> {
  type: 'event';
  event: E;
  payload: ApiEvents[E];
}

export type ServerMessage = ResultMessage | EventMessage;

/** A method call that passed validation: a known method, arguments parsed by its schema. */
export type ValidInvoke = { [M in MethodName]: { method: M; args: Parameters<ApiMethods[M]> } }[MethodName];

/** Error messages cross the wire bounded: a hostile input must not come back amplified. */
const MAX_MESSAGE = 2000;
const CODE_RE = /^[A-Z][A-Z_]+$/;
const NAME_RE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** What an error without a code of ours crosses the wire as. */
const INTERNAL = 'INTERNAL' satisfies ErrorCode;

export class InvalidInputError extends Error {
  readonly code = 'INVALID_INPUT' satisfies ErrorCode;
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** An error rebuilt on the receiving side of a transport: a real Error with the sender's name and code. */
export class ApiError extends Error {
  readonly code: string;
  readonly details: ErrorDetails | undefined;
  constructor(error: SerializedError) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
    this.details = error.details;
  }
}

function bounded(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}

function describePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  const [first, ...rest] = path;
  const head = typeof first === 'number' ? `argument ${first + 1}` : String(first);
  return rest.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    head,
  );
}

/** One line per problem, each naming where: "argument 1: a server name is …". No input is echoed. */
export function describeZodError(error: ZodError, method?: string): string {
  const problems = error.issues.slice(0, 5).map((issue) => {
    const where = describePath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  if (error.issues.length > 5) problems.push(`and ${error.issues.length - 5} more`);
  return bounded(`${method ? `${method}: ` : ''}invalid input: ${problems.join('; ')}`);
}

/** Any thrown value as `{ name, code, message }`: our codes kept, zod errors as INVALID_INPUT, else INTERNAL. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof ZodError) {
    return { name: 'InvalidInputError', code: 'INVALID_INPUT', message: describeZodError(error) };
  }
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' && CODE_RE.test(error.code);
    const details = pickErrorDetails(error);
    return {
      name: NAME_RE.test(error.name) ? error.name : 'Error',
      code: code ? (error as Error & { code: string }).code : INTERNAL,
      message: bounded(error.message),
      ...(details ? { details } : {}),
    };
  }
  return { name: 'Error', code: INTERNAL, message: bounded(String(error)) };
}

/**
 * The receiving side: a real Error (`ApiError`, with `code`), whatever shape arrived. The code stays a
 * string (checked by shape only): the other side may be another version with codes this one does not
 * declare. `explainErrorCode` / `exitCodeForCode` (shared/error-codes.ts) map a declared one to its
 * text and exit code, and give any other a generic text and exit 1.
 */
export function deserializeError(data: unknown): ApiError {
  const record = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  // Own properties only: an inherited `code` is not the sender's.
  const text = (key: string): string | undefined => {
    const value: unknown = Object.hasOwn(record, key) ? record[key] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  const name = text('name');
  const code = text('code');
  const details = pickErrorDetails(Object.hasOwn(record, 'details') ? record['details'] : undefined);
  return new ApiError({
    name: name && NAME_RE.test(name) ? name : 'Error',
    code: code && CODE_RE.test(code) ? code : INTERNAL,
    message: bounded(text('message') ?? 'Unknown error (malformed error from the engine).'),
    ...(details ? { details } : {}),
  });
}

export function isMethodName(method: unknown): method is MethodName {
  // Own keys only: "__proto__", "constructor", "toString" are not methods.
  return typeof method === 'string' && Object.hasOwn(METHODS, method);
}

function expectedArgs(schema: ZodType): number | null {
  const def = (schema as unknown as { def?: { type?: string; items?: unknown[]; rest?: unknown } }).def;
  return def?.type === 'tuple' && Array.isArray(def.items) && !def.rest ? def.items.length : null;
}

/**
 * Checks a method call from the other side of a transport: a known method name and arguments that
 * parse with its schema. Returns the parsed arguments (fresh objects: nothing of the sender's survives
 * but the validated data) or throws INVALID_INPUT with a message that says what is wrong.
 */
export function validateInvoke(method: unknown, args: unknown): ValidInvoke {
  if (!isMethodName(method)) {
    const shown = typeof method === 'string' ? `"${method.slice(0, 64)}"` : typeof method;
    throw new InvalidInputError(`Unknown method ${shown}.`);
  }
  if (!Array.isArray(args)) throw new InvalidInputError(`${method}: arguments must be an array.`);
  const schema: ZodType = METHODS[method].params;
  const expected = expectedArgs(schema);
  if (expected !== null && args.length !== expected) {
    const what = expected === 0 ? 'no arguments' : `${expected} argument${expected === 1 ? '' : 's'}`;
    throw new InvalidInputError(`${method} takes ${what} (got ${args.length}).`);
  }
  const parsed = schema.safeParse(args);
  if (!parsed.success) throw new InvalidInputError(describeZodError(parsed.error, method));
  return { method, args: parsed.data } as ValidInvoke;
}

/** Calls the handler for a validated call (the one place the method/args correlation is asserted). */
export function dispatch(handlers: ApiHandlers, call: ValidInvoke): Promise<unknown> {
  const handler = handlers[call.method] as (...args: unknown[]) => Promise<unknown>;
  return handler(...call.args);
}

/**
 * The envelope of an incoming invoke message: a non-negative integer id, so a result can be addressed.
 * Method and arguments stay `unknown` here; `validateInvoke` checks them.
 */
export function parseInvokeEnvelope(data: unknown): { id: number; method: unknown; args: unknown } | null {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const message = data as Record<string, unknown>;
  const id = message['id'];
  if (message['type'] !== 'invoke' || typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
    return null;
  return { id, method: message['method'], args: message['args'] };
}

/** What the engine side sends back for a call: the value, or the error as plain data. */
export async function resultFor(id: number, run: () => Promise<unknown>): Promise<ResultMessage> {
  try {
    return { type: 'result', id, ok: true, value: await run() };
  } catch (error) {
    return { type: 'result', id, ok: false, error: serializeError(error) };
  }
}

/** The receiving side's check of a server message (the server is ours; this guards against garbage). */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const message = data as Record<string, unknown>;
  if (
    message['type'] === 'result' &&
    typeof message['id'] === 'number' &&
    typeof message['ok'] === 'boolean'
  ) {
    return message as unknown as ResultMessage;
  }
  if (message['type'] === 'event' && typeof message['event'] === 'string' && 'payload' in message) {
    return message as unknown as EventMessage;
  }
  return null;
}

/** A call's outcome as plain data: what crosses a boundary that cannot carry an exception intact. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: SerializedError };

/**
 * What the Electron preload exposes as `window.wgdeck`: the contract's two operations, except that
 * `invoke` resolves with an `Outcome` instead of rejecting. contextBridge copies a rejected Error with
 * its message only (electron/electron#25596: `code` and `name` are lost), so the real Error is rebuilt
 * on the page's side of the bridge, by `apiFromBridge`.
 */
export interface WgDeckBridge {
  invoke(method: MethodName, args: unknown[]): Promise<Outcome>;
  subscribe<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
}

/** The contract over the preload's bridge: failed outcomes become real Errors with name and code. */
export function apiFromBridge(bridge: WgDeckBridge): WgDeckApi {
  return {
    async invoke<M extends MethodName>(method: M, ...args: Parameters<ApiMethods[M]>) {
      const outcome = await bridge.invoke(method, args);
      if (!outcome.ok) throw deserializeError(outcome.error);
      return outcome.value as ReturnType<ApiMethods[M]>;
    },
    subscribe: (event, listener) => bridge.subscribe(event, listener),
  };
}
