import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { ServerHostKeyAlgorithm, Client as SshClient } from 'ssh2';
import { cleanMessage } from '../collector/text-fields.ts';
import { AuthFailedError, UnreachableError, WgDeckError, errorMessage } from '../errors.ts';
import {
  MAC_ALGORITHMS,
  offeredAlgorithmsRecorder,
  weakAlgorithmError,
  type OfferedAlgorithms,
} from './algorithms.ts';
import type { AuthPlan } from './auth.ts';
import { DEFAULT_HOST_KEY_ALGORITHMS } from './host-key-policy.ts';

const { Client } = ssh2;

export interface SshEndpoint {
  host: string;
  port: number;
  user: string;
}

/**
 * Decides on a server's host key before ssh2 sends any credential. Rejects with an error that explains
 * the verdict (unknown, changed, revoked); resolves when the key is trusted.
 */
export interface HostKeyGate {
  check(host: string, port: number, blob: Buffer): Promise<void>;
  /**
   * The host-key algorithms to offer, pinned types first (as OpenSSH orders them); undefined = WG
   * Deck's default list (DEFAULT_HOST_KEY_ALGORITHMS: no SHA-1 `ssh-rsa`).
   */
  algorithms(host: string, port: number): Promise<string[] | undefined>;
}

export interface Hop {
  endpoint: SshEndpoint;
  auth: AuthPlan;
}

export interface DialOptions {
  target: Hop;
  /**
   * ProxyJump chain, in order: the first jump host is reached directly, each next one (then the
   * target) through `forwardOut` of the one before, as `ssh -J a,b` does.
   */
  jumps?: readonly Hop[] | undefined;
  gate: HostKeyGate;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/** A ready SSH connection (and its jump connections, if any). `close` tears down all of them. */
export interface SshSession {
  client: SshClient;
  label: string;
  close(): void;
  /** Settles once when the target connection is gone, with the error that ended it (if any). */
  closed: Promise<Error | undefined>;
}

const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is sshd running on that port?)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ECONNRESET: 'connection reset by the server',
};

function label(endpoint: SshEndpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}

function mapConnectError(
  error: Error & { level?: string; code?: string },
  hop: Hop,
  tried: string[],
  offered: OfferedAlgorithms,
): Error {
  if (error instanceof WgDeckError) return error;
  const target = label(hop.endpoint);
  const weak = weakAlgorithmError(target, error, offered);
  if (weak) return weak;
  if (error.level === 'client-authentication') return new AuthFailedError(hop.endpoint.user, target, tried);
  if (error.level === 'client-timeout') {
    return new UnreachableError(target, 'no SSH handshake within the timeout', { cause: error });
  }
  const known = error.code ? SOCKET_ERRORS[error.code] : undefined;
  // ssh2 makes a server's DISCONNECT description the error's message: server text, cleaned.
  return new UnreachableError(target, known ?? cleanMessage(error.message), { cause: error });
}

/** Opens one authenticated connection over `sock` (or a fresh TCP socket with Nagle off). */
async function connectHop(hop: Hop, options: DialOptions, sock?: Duplex): Promise<SshClient> {
  const { host, port, user } = hop.endpoint;
  const client = new Client();
  let gateError: Error | undefined;
  // Pinned key types first when the gate knows some; never ssh-rsa (SHA-1) signatures either way.
  const hostKeyAlgorithms = (await options.gate.algorithms(host, port)) ?? [...DEFAULT_HOST_KEY_ALGORITHMS];
  const recorder = offeredAlgorithmsRecorder();

  // Our own socket: setNoDelay cuts ~40 ms Nagle/delayed-ACK steps off every request (FIELD-NOTES).
  const socket =
    sock ??
    (() => {
      const s = netConnect({ host, port });
      s.setNoDelay(true);
      return s;
    })();

  return await new Promise<SshClient>((resolve, reject) => {
    const onError = (error: Error & { level?: string }): void => {
      cleanup();
      // Tearing down a half-open connection can emit a second error ("Connection lost before
      // handshake"); without a listener, Node would treat it as uncaught and end the process.
      client.on('error', () => undefined);
      client.end();
      socket.destroy();
      reject(gateError ?? mapConnectError(error, hop, hop.auth.described, recorder.offered));
    };
    const onReady = (): void => {
      cleanup();
      resolve(client);
    };
    // Closed before any error or ready (sshd killed mid-handshake): fail now, not at the timeout.
    const onClose = (): void => {
      onError(
        Object.assign(new Error('the connection closed during the SSH handshake'), { level: 'socket' }),
      );
    };
    const cleanup = (): void => {
      client.off('error', onError);
      client.off('ready', onReady);
      client.off('close', onClose);
    };
    client.on('error', onError);
    client.on('ready', onReady);
    client.on('close', onClose);
    client.connect({
      sock: socket,
      host,
      port,
      username: user,
      authHandler: hop.auth.methods,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      keepaliveInterval: options.keepaliveIntervalMs ?? 12_000,
      keepaliveCountMax: options.keepaliveCountMax ?? 3,
      algorithms: {
        serverHostKey: hostKeyAlgorithms as ServerHostKeyAlgorithm[],
        hmac: [...MAC_ALGORITHMS],
      },
      // The only way ssh2 tells what the server offered, for an error that names it (algorithms.ts).
      debug: recorder.debug,
      // Runs during key exchange, before authentication: no credential leaves until this says yes.
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        options.gate.check(host, port, key).then(
          () => verify(true),
          (error: unknown) => {
            gateError = error instanceof Error ? error : new Error(errorMessage(error));
            verify(false);
          },
        );
      },
    });
  });
}

function hopLabel(endpoint: SshEndpoint): string {
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}`;
}

/**
 * `error` with the jump host it happened on in front of its message. The same object (its message
 * rewritten), not a wrapper: its code and fields (a host key's fingerprint, for "trust this key")
 * and its class (the CLI's trust prompt checks it) must stay what the gate or ssh2 made.
 */
function onHop(error: unknown, index: number, count: number, hop: Hop): Error {
  const prefix = `jump ${index + 1} of ${count} (${hopLabel(hop.endpoint)}): `;
  if (!(error instanceof Error)) return new Error(prefix + errorMessage(error));
  error.message = prefix + error.message;
  return error;
}

/**
 * A tunnel through `via` (jump host `viaIndex`, counted from 1) to `next`. Fails when `via` closes
 * or does not answer within `timeoutMs`, since ssh2 may leave a channel open pending forever.
 */
function forwardThrough(
  via: SshClient,
  viaLabel: string,
  next: SshEndpoint,
  timeoutMs: number,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const fail = (detail: string): void => {
      done();
      reject(new UnreachableError(label(next), `${viaLabel} could not open a tunnel: ${detail}`));
    };
    const onClose = (): void => fail('its connection closed');
    const timer = setTimeout(() => fail('no answer within the timeout'), timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      via.off('close', onClose);
    };
    via.once('close', onClose);
    via.forwardOut('127.0.0.1', 0, next.host, next.port, (error, stream) => {
      if (error) return fail(cleanMessage(error.message));
      done();
      resolve(stream);
    });
  });
}

/**
 * Connects to the target, through the jump chain when given: every hop's host key passes the gate
 * before any credential goes to it (connectHop), and a hop that fails ends the ones opened before
 * it. Every client gets an 'error' listener.
 */
export async function dial(options: DialOptions): Promise<SshSession> {
  const jumps = options.jumps ?? [];
  const timeoutMs = options.readyTimeoutMs ?? 20_000;
  /** The jump connections opened so far, first hop first. */
  const chain: SshClient[] = [];
  // Innermost first: each one's DISCONNECT still has its tunnel to travel through.
  const endChain = (): void => {
    for (const hop of [...chain].reverse()) hop.end();
  };
  const tunnel = (next: SshEndpoint): Promise<Duplex | undefined> => {
    const via = chain.at(-1);
    if (!via) return Promise.resolve(undefined);
    const viaLabel = `jump ${chain.length} (${hopLabel(jumps[chain.length - 1]!.endpoint)})`;
    return forwardThrough(via, viaLabel, next, timeoutMs);
  };

  let client: SshClient;
  try {
    for (const [index, hop] of jumps.entries()) {
      try {
        const jumpClient = await connectHop(hop, options, await tunnel(hop.endpoint));
        jumpClient.on('error', () => undefined); // reported through the target's close
        chain.push(jumpClient);
      } catch (error) {
        throw onHop(error, index, jumps.length, hop);
      }
    }
    client = await connectHop(options.target, options, await tunnel(options.target.endpoint));
  } catch (error) {
    endChain();
    throw error;
  }

  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  const closed = new Promise<Error | undefined>((resolve) => {
    client.once('close', () => {
      endChain();
      resolve(lastError);
    });
  });
  // Any hop dropping cuts the tunnels after it: end the target now rather than at its keepalive.
  for (const jumpClient of chain) jumpClient.once('close', () => client.end());

  return {
    client,
    label: label(options.target.endpoint),
    closed,
    close: () => {
      client.destroy();
      for (const jumpClient of [...chain].reverse()) jumpClient.destroy();
    },
  };
}
