import type { ClientChannel } from 'ssh2';
import type { InterfaceDump, ServerLive, Snapshot, StatusThresholds } from '../../../shared/domain.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import type { PingSettings } from '../../../shared/settings.ts';
import { jumpChainProblem, parseJumpChain } from '../../../shared/validation.ts';
import { FramePacer, minFrameSpacingMs } from '../collector/frame-pacer.ts';
import { createFrameStream } from '../collector/frame-stream.ts';
import { cleanMessage } from '../collector/text-fields.ts';
import { collectorCommand } from '../collector/remote-script.ts';
import { StalledError, WgDeckError, WgMissingError, errorCode, errorMessage } from '../errors.ts';
import { pickErrorDetails } from '../../../shared/error-details.ts';
import { planAuth, type Credentials } from '../ssh/auth.ts';
import { ChannelLimiter } from '../ssh/channel-limiter.ts';
import { dial, type DialOptions, type HostKeyGate, type Hop, type SshSession } from '../ssh/dial.ts';
import { execCommand, type ExecOptions, type ExecResult } from '../ssh/exec.ts';
import { ServerTracker, type PeerOptionsOf, type PeerUsageOf } from '../state/server-tracker.ts';
import { verifiedInterface } from '../state/verified-interface.ts';
import { backoffDelayMs } from './backoff.ts';
import { classifyWgError } from './wg-error.ts';

/** Errors a retry cannot fix: they wait for the admin (trust a key, fix a key file). */
const NEEDS_ADMIN = new Set([
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'HOST_KEY_REVOKED',
  'IDENTITY_MISSING',
  'IDENTITY_INVALID',
  'PASSPHRASE_REQUIRED',
]);
/** The collector's stderr is only logged, and only this much of it per stream. */
const MAX_LOGGED_STDERR_BYTES = 4096;
/**
 * A whole `wg` dump every this many frames, and in between only the lines that changed (issue 14:
 * idle peers cost nothing on the wire). Every 60 frames is every 5 min at 5 s: the longest a state
 * could stay wrong if the collector ever failed to answer a keyframe request.
 */
export const KEYFRAME_EVERY = 60;
/** Errors worth retrying, but slowly: someone has to change something on the server first. */
const SLOW_RETRY = new Set(['AUTH_FAILED', 'WG_MISSING', 'WEAK_SSH_ALGORITHM']);

export interface SessionOptions {
  server: ServerConfig;
  gate: HostKeyGate;
  credentials: () => Promise<Credentials>;
  intervalSeconds: number;
  thresholds: StatusThresholds;
  /** Ping checks run by the collector; default off. */
  ping?: PingSettings;
  /** A whole `wg` dump every this many frames (default KEYFRAME_EVERY); 0: every frame whole. */
  keyframeEvery?: number;
  /** What the config files set for an interface's peers: check address, status rule, thresholds. */
  peerOptions?: PeerOptionsOf;
  /** Its peers' quota usage (where history is recorded), for the live state. */
  peerUsage?: PeerUsageOf;
  log?: (message: string) => void;
  /** Every parsed snapshot, with the laptop time it arrived (the history store records it). */
  onSnapshot?: (snapshot: Snapshot, receivedAt: number) => void;
  /** The stream stopped (disconnect, stall, stop): whatever records it marks a gap from here. */
  onStreamLost?: () => void;
  /** Test hooks; production uses the defaults. */
  timing?: {
    backoffBaseMs?: number;
    backoffCapMs?: number;
    readyTimeoutMs?: number;
    keepaliveIntervalMs?: number;
    /** Silence after which the session counts as stalled. Default: 3 intervals, at least interval + 15 s. */
    stallMs?: number;
  };
}

export async function dialOptionsFor(
  server: ServerConfig,
  gate: HostKeyGate,
  credentials: Credentials,
  timing: SessionOptions['timing'] = {},
): Promise<DialOptions> {
  const auth = await planAuth({ user: server.user, identityFile: server.identityFile, credentials });
  const jumps: Hop[] = [];
  if (server.jump) {
    const chain = parseJumpChain(server.jump);
    if (!chain) {
      throw new WgDeckError(
        'BAD_JUMP',
        `Invalid jump host "${server.jump}": ${jumpChainProblem(server.jump)}.`,
      );
    }
    // What the single jump host always did: a hop without a user logs in as the server's user, and
    // every hop is offered the server's keys (ssh -J would take the local user and each host's config).
    for (const hop of chain) {
      const user = hop.user ?? server.user;
      jumps.push({
        endpoint: { host: hop.host, port: hop.port, user },
        auth: await planAuth({ user, identityFile: server.identityFile, credentials }),
      });
    }
  }
  return {
    target: { endpoint: { host: server.host, port: server.port, user: server.user }, auth },
    jumps,
    gate,
    readyTimeoutMs: timing.readyTimeoutMs,
    keepaliveIntervalMs: timing.keepaliveIntervalMs,
  };
}

/** What a session has taken in since it started (WG Deck's own collector metrics). */
export interface SessionStats {
  /** Frames taken (parsed and applied); refused ones are ServerLive.droppedFrames. */
  frames: number;
  /** Bytes read from the collector's stdout. */
  bytesReceived: number;
  /** Connections made after the first (a lost connection, a restart). */
  reconnects: number;
  /** How long the engine took to take the last frame in (state update and publish), seconds. */
  lastFrameSeconds: number | null;
}

/**
 * One server's live connection: one SSH connection, one long-lived collector channel streaming frames,
 * reconnect with backoff and jitter, a watchdog for servers that go silent. Failures stay inside the
 * session: a dead or slow server never stalls the others.
 */
export class ServerSession {
  readonly #options: SessionOptions;
  readonly #tracker: ServerTracker;
  readonly #limiter = new ChannelLimiter(2); // + the collector channel = 3 per connection
  /** Every frame of every collector stream of this session goes through it; counts what it refuses. */
  readonly #pacer: FramePacer;
  readonly #listeners = new Set<(live: ServerLive) => void>();
  #live: ServerLive;
  #ssh: SshSession | null = null;
  #channel: ClientChannel | null = null;
  /** The ping target list last written to the collector's stdin (the tracker keeps it until it changes). */
  #sentTargets: readonly string[] | null = null;
  #attempt = 0;
  #connects = 0;
  readonly #stats: SessionStats = { frames: 0, bytesReceived: 0, reconnects: 0, lastFrameSeconds: null };
  #retryTimer: NodeJS.Timeout | null = null;
  #watchdog: NodeJS.Timeout | null = null;
  #lastFrameAt = 0;
  #running = false;
  #streaming = false;
  #generation = 0;
  /** Where wireguard-tools installs `wg` on Debian, Ubuntu, Fedora, Arch; named in the sudoers hint. */
  readonly #wgPath = '/usr/bin/wg';

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#tracker = new ServerTracker(
      this.#ruled(options.thresholds),
      options.peerOptions,
      options.peerUsage,
    );
    this.#pacer = new FramePacer(minFrameSpacingMs(options.intervalSeconds));
    this.#live = {
      name: options.server.name,
      host: options.server.host,
      state: 'idle',
      updatedAt: null,
      serverTime: null,
      interfaces: [],
      system: null,
      droppedFrames: 0,
    };
  }

  get live(): ServerLive {
    return this.#live;
  }

  get stats(): Readonly<SessionStats> {
    return this.#stats;
  }

  get server(): ServerConfig {
    return this.#options.server;
  }

  get intervalSeconds(): number {
    return this.#options.intervalSeconds;
  }

  onChange(listener: (live: ServerLive) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#connect();
  }

  stop(): void {
    this.#running = false;
    this.#generation += 1;
    this.#clearTimers();
    this.#teardown();
    this.#publish({ state: 'stopped', error: undefined, errorCode: undefined, errorDetails: undefined });
  }

  /**
   * A peer change on `iface` was applied and verified: show the interface as verified now (the next
   * frame replaces it). Nothing is shown for an interface this session does not stream.
   */
  showVerified(iface: string, verified: InterfaceDump): void {
    const { interfaces, serverTime } = this.#live;
    const index = interfaces.findIndex((i) => i.name === iface);
    if (index < 0 || serverTime === null) return;
    const next = [...interfaces];
    next[index] = verifiedInterface(
      interfaces[index]!,
      verified,
      serverTime,
      this.#ruled(this.#options.thresholds),
    );
    this.#publish({ interfaces: next });
  }

  /** New status thresholds apply from the next frame on, without reconnecting. */
  setThresholds(thresholds: StatusThresholds): void {
    this.#options.thresholds = thresholds;
    this.#tracker.thresholds = this.#ruled(thresholds);
  }

  /** The fleet's thresholds with this server's own status rule, if it has one. */
  #ruled(thresholds: StatusThresholds): StatusThresholds {
    const rule = this.#options.server.statusRule;
    return rule === undefined ? thresholds : { ...thresholds, rule };
  }

  /** Reconnect now (after the admin trusted a key, changed a setting, or pressed "retry"). */
  restart(changes: Partial<Pick<SessionOptions, 'intervalSeconds' | 'thresholds' | 'ping'>> = {}): void {
    if (changes.intervalSeconds !== undefined) this.#options.intervalSeconds = changes.intervalSeconds;
    if (changes.ping) this.#options.ping = changes.ping;
    if (changes.thresholds) {
      this.#options.thresholds = changes.thresholds;
      this.#tracker.thresholds = this.#ruled(changes.thresholds);
    }
    this.#running = false;
    this.#generation += 1;
    this.#clearTimers();
    this.#teardown();
    this.#attempt = 0;
    this.start();
  }

  /**
   * This session's connection for a peer operation, or null when it has none right now: a peer
   * change then needs no login of its own (one line less in the server's auth log, ~150 ms less).
   * Closing the lease leaves the connection to the session.
   */
  lease(): SshSession | null {
    const ssh = this.#ssh;
    if (!ssh || this.#live.state === 'connecting' || this.#live.state === 'reconnecting') return null;
    return { client: ssh.client, label: ssh.label, closed: ssh.closed, close: () => undefined };
  }

  /** Runs a command on this server's connection (at most two at once besides the collector). */
  async exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    const ssh = this.#ssh;
    if (!ssh || this.#live.state === 'connecting' || this.#live.state === 'reconnecting') {
      throw new WgDeckError('NOT_CONNECTED', `${this.#options.server.name} is not connected.`);
    }
    return await this.#limiter.run(() => execCommand(ssh.client, command, options));
  }

  async #connect(): Promise<void> {
    const generation = this.#generation;
    const { server } = this.#options;
    this.#publish({ state: this.#attempt === 0 ? 'connecting' : 'reconnecting' });
    this.#connects += 1;
    this.#stats.reconnects = this.#connects - 1;
    let ssh: SshSession;
    try {
      const credentials = await this.#options.credentials();
      ssh = await dial(await dialOptionsFor(server, this.#options.gate, credentials, this.#options.timing));
    } catch (error) {
      if (generation === this.#generation) this.#fail(error);
      return;
    }
    if (generation !== this.#generation) {
      ssh.close();
      return;
    }
    this.#ssh = ssh;
    void ssh.closed.then((error) => {
      if (generation !== this.#generation) return;
      this.#fail(error ?? new WgDeckError('DISCONNECTED', `${ssh.label} closed the connection.`));
    });
    this.#startCollector(ssh, generation);
  }

  #startCollector(ssh: SshSession, generation: number): void {
    const { server, intervalSeconds } = this.#options;
    const log = this.#options.log ?? (() => undefined);
    this.#pacer.newStream(minFrameSpacingMs(intervalSeconds));
    const stream = createFrameStream({
      onSnapshot: (snapshot) => {
        if (generation === this.#generation) this.#onSnapshot(snapshot);
      },
      onDrop: (reason) => log(`${server.name}: dropped a frame: ${reason}`),
      onWarning: (warning) => log(`${server.name}: ${warning}`),
      onFatal: (code) => {
        if (generation !== this.#generation) return;
        this.#fail(code === 'no-wg' ? new WgMissingError(ssh.label) : new WgDeckError('REMOTE_FATAL', code));
      },
      pacer: this.#pacer,
      // A line `k` on stdin makes the collector's next frame whole (sections/ping.ts reads it); at
      // most one ask per refused frame.
      onKeyframeNeeded: () => {
        if (generation === this.#generation) this.#channel?.write('k\n');
      },
    });
    // What the collector prints on stderr only goes to the log, and only its start: a server that
    // writes there without end must not flood it.
    let stderrLeft = MAX_LOGGED_STDERR_BYTES;
    this.#sentTargets = null;
    const command = collectorCommand(
      intervalSeconds,
      server.sudo,
      0,
      undefined,
      this.#options.ping,
      this.#options.keyframeEvery ?? KEYFRAME_EVERY,
    );
    ssh.client.exec(command, (error, channel) => {
      if (generation !== this.#generation) {
        channel?.close();
        return;
      }
      if (error) {
        this.#fail(
          new WgDeckError('EXEC_FAILED', `Could not start the collector on ${ssh.label}: ${error.message}`),
        );
        return;
      }
      this.#channel = channel;
      channel.on('data', (chunk: Buffer) => {
        this.#stats.bytesReceived += chunk.length;
        stream.push(chunk);
      });
      channel.stderr.on('data', (chunk: Buffer) => {
        if (stderrLeft <= 0) return;
        const shown = chunk.subarray(0, stderrLeft);
        stderrLeft -= chunk.length;
        const more = stderrLeft <= 0 ? ' (more stderr output not logged)' : '';
        log(`${server.name}: collector stderr: ${cleanMessage(shown.toString())}${more}`);
      });
      channel.on('error', (channelError: Error) =>
        log(`${server.name}: collector channel: ${channelError.message}`),
      );
      channel.on('close', () => {
        if (generation !== this.#generation) return;
        this.#fail(new WgDeckError('COLLECTOR_ENDED', `The collector on ${ssh.label} stopped.`));
      });
      this.#armWatchdog(generation);
    });
  }

  /**
   * Tells the collector what to ping when that changed (peers added, removed, re-addressed, or a
   * check address set): the list on its stdin, ended by ".". Addresses only, never a secret.
   */
  #sendPingTargets(): void {
    if (!this.#options.ping || this.#options.ping.intervalSeconds === 0 || !this.#channel) return;
    const targets = this.#tracker.pingTargets;
    if (targets === this.#sentTargets) return;
    this.#sentTargets = targets;
    this.#channel.write(targets.length === 0 ? '.\n' : `${targets.join('\n')}\n.\n`);
  }

  #onSnapshot(snapshot: Snapshot): void {
    const started = performance.now();
    this.#take(snapshot);
    this.#stats.frames += 1;
    this.#stats.lastFrameSeconds = (performance.now() - started) / 1000;
  }

  #take(snapshot: Snapshot): void {
    this.#reportDroppedFrames();
    this.#lastFrameAt = Date.now();
    this.#streaming = true;
    this.#options.onSnapshot?.(snapshot, this.#lastFrameAt);
    this.#attempt = 0;
    const tracked = this.#tracker.apply(snapshot);
    this.#sendPingTargets();
    const { server } = this.#options;
    let state: Pick<ServerLive, 'state' | 'error' | 'errorCode' | 'errorDetails'> = {
      state: 'connected',
      error: undefined,
      errorCode: undefined,
      errorDetails: undefined,
    };
    if (snapshot.wgError !== null) {
      // The connection is fine; wg itself failed (sudo, permissions). Keep streaming: a fixed sudoers
      // file turns this server green on the next frame without a reconnect.
      const error = classifyWgError(snapshot.wgError, {
        user: server.user,
        target: `${server.host}:${server.port}`,
        wgPath: this.#wgPath,
      });
      state = {
        state: 'error',
        error: error.message,
        errorCode: error.code,
        errorDetails: pickErrorDetails(error),
      };
    }
    this.#publish({
      ...state,
      updatedAt: Date.now(),
      serverTime: tracked.serverTime,
      interfaces: snapshot.wgError === null ? tracked.interfaces : this.#live.interfaces,
      system: tracked.system,
      // Refused frames publish nothing themselves (that would be the flood again): the count rides
      // along with the next frame taken.
      droppedFrames: this.#pacer.dropped,
    });
  }

  /** Says in the log when a server starts sending frames too fast (once, then only the count grows). */
  #reportDroppedFrames(): void {
    if (this.#pacer.dropped === 0 || this.#live.droppedFrames > 0) return;
    (this.#options.log ?? (() => undefined))(
      `${this.#options.server.name}: refusing frames that arrive faster than every ` +
        `${this.#pacer.minSpacingMs / 1000} s or without the server's clock moving; counted as droppedFrames`,
    );
  }

  #armWatchdog(generation: number): void {
    const intervalMs = this.#options.intervalSeconds * 1000;
    // Three missed frames (at least 15 s of grace for a slow `wg show`) means the server is stuck.
    const limitMs = this.#options.timing?.stallMs ?? Math.max(3 * intervalMs, intervalMs + 15_000);
    this.#lastFrameAt = Date.now();
    const check = (): void => {
      if (generation !== this.#generation) return;
      if (Date.now() - this.#lastFrameAt > limitMs) {
        this.#fail(
          new StalledError(this.#ssh?.label ?? this.#options.server.host, Math.round(limitMs / 1000)),
        );
        return;
      }
      this.#watchdog = setTimeout(check, Math.min(intervalMs, limitMs / 2, 5000));
    };
    this.#watchdog = setTimeout(check, Math.min(intervalMs, limitMs / 2, 5000));
  }

  #fail(error: unknown): void {
    this.#generation += 1;
    this.#clearTimers();
    this.#teardown();
    const code = errorCode(error);
    // A failure's message may quote the server (a DISCONNECT text, a fatal line): one more clean,
    // bounded, before it becomes state every front end shows.
    const message = cleanMessage(errorMessage(error));
    const errorDetails = pickErrorDetails(error);
    (this.#options.log ?? (() => undefined))(`${this.#options.server.name}: ${code}: ${message}`);
    if (!this.#running) return;
    if (NEEDS_ADMIN.has(code)) {
      this.#publish({ state: 'error', error: message, errorCode: code, errorDetails });
      return;
    }
    const timing = this.#options.timing ?? {};
    const attempt = SLOW_RETRY.has(code) ? Math.max(this.#attempt, 6) : this.#attempt;
    const delay = backoffDelayMs(attempt, timing.backoffBaseMs, timing.backoffCapMs);
    this.#attempt += 1;
    this.#publish({ state: 'reconnecting', error: message, errorCode: code, errorDetails });
    const generation = this.#generation;
    this.#retryTimer = setTimeout(() => {
      if (generation === this.#generation && this.#running) void this.#connect();
    }, delay);
  }

  #teardown(): void {
    if (this.#streaming) {
      this.#streaming = false;
      this.#options.onStreamLost?.();
    }
    this.#channel?.removeAllListeners('close');
    this.#channel = null;
    this.#ssh?.close();
    this.#ssh = null;
  }

  #clearTimers(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.#retryTimer = null;
    this.#watchdog = null;
  }

  #publish(changes: Partial<ServerLive>): void {
    const next = { ...this.#live, ...changes };
    if (next.error === undefined) delete next.error;
    if (next.errorCode === undefined) delete next.errorCode;
    if (next.errorDetails === undefined) delete next.errorDetails;
    this.#live = next;
    for (const listener of this.#listeners) listener(next);
  }
}
