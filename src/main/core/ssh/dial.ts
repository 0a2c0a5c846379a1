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
  /** ProxyJump: connect here first, then tunnel to the target through `forwardOut`. */
  jump?: Hop | undefined;
  gate: HostKeyGate;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/** A ready SSH connection (and its jump connection, if any). `close` tears down both. */
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

function forwardThrough(jump: SshClient, target: SshEndpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, target.host, target.port, (error, stream) => {
      if (error) {
        reject(
          new UnreachableError(label(target), `the jump host could not open a tunnel: ${error.message}`),
        );
      } else {
        resolve(stream);
      }
    });
  });
}

/** Connects to the target (through the jump host when given); every client gets an 'error' listener. */
export async function dial(options: DialOptions): Promise<SshSession> {
  let jumpClient: SshClient | undefined;
  if (options.jump) {
    jumpClient = await connectHop(options.jump, options);
    jumpClient.on('error', () => undefined); // reported through the target's close
  }
  let client: SshClient;
  try {
    const sock = jumpClient ? await forwardThrough(jumpClient, options.target.endpoint) : undefined;
    client = await connectHop(options.target, options, sock);
  } catch (error) {
    jumpClient?.end();
    throw error;
  }

  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  const closed = new Promise<Error | undefined>((resolve) => {
    client.once('close', () => {
      jumpClient?.end();
      resolve(lastError);
    });
  });
  jumpClient?.once('close', () => client.end());

  return {
    client,
    label: label(options.target.endpoint),
    closed,
    close: () => {
      client.destroy();
      jumpClient?.destroy();
    },
  };
}
