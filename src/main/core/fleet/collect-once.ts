import type { ServerLive, Snapshot, StatusThresholds } from '../../../shared/domain.ts';
import { pickErrorDetails } from '../../../shared/error-details.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { FramePacer } from '../collector/frame-pacer.ts';
import { createFrameStream } from '../collector/frame-stream.ts';
import { cleanMessage } from '../collector/text-fields.ts';
import { collectorCommand } from '../collector/remote-script.ts';
import { ProtocolError, WgDeckError, WgMissingError, errorCode, errorMessage } from '../errors.ts';
import type { Credentials } from '../ssh/auth.ts';
import { dial, type HostKeyGate } from '../ssh/dial.ts';
import { execCommand } from '../ssh/exec.ts';
import { ServerTracker } from '../state/server-tracker.ts';
import { dialOptionsFor } from './server-session.ts';
import { classifyWgError } from './wg-error.ts';

export interface CollectOnceOptions {
  server: ServerConfig;
  gate: HostKeyGate;
  credentials: Credentials;
  thresholds: StatusThresholds;
  timeoutMs?: number;
  /**
   * Frames to read, 1 s apart: 1 (the default) is the quickest; 2 gives what needs two samples — CPU %
   * and rates — for a one-shot caller that weighs load (placement).
   */
  samples?: 1 | 2;
}

/**
 * Connects, reads exactly one frame, disconnects: `wgdeck status` and the check behind `server add`.
 * Throws the connection's error (unreachable, auth, host key); a `wg` failure (sudo) is thrown too,
 * classified, because a one-shot caller has nothing else to show.
 */
export async function collectOnce(options: CollectOnceOptions): Promise<ServerLive> {
  const { server } = options;
  const ssh = await dial(await dialOptionsFor(server, options.gate, options.credentials));
  try {
    const samples = options.samples ?? 1;
    const result = await execCommand(ssh.client, collectorCommand(samples - 1, server.sudo, samples), {
      timeoutMs: options.timeoutMs ?? 30_000,
      maxOutputBytes: 64 * 1024 * 1024,
    });
    const snapshots: Snapshot[] = [];
    let fatal: string | null = null;
    const wgPath = '/usr/bin/wg';
    const drops: string[] = [];
    // The output arrives at once: one frame asked for, the first good one is taken and any more the
    // server sends are counted; two asked for, each must move the server's clock forward.
    const pacer = new FramePacer(samples === 1 ? Number.POSITIVE_INFINITY : 0);
    const stream = createFrameStream({
      onSnapshot: (s) => {
        if (snapshots.length < samples) snapshots.push(s);
      },
      onDrop: (reason) => drops.push(reason),
      onFatal: (code) => (fatal = code),
      pacer,
    });
    stream.push(Buffer.from(result.stdout, 'utf8'));
    stream.end();
    if (fatal === 'no-wg') throw new WgMissingError(ssh.label);
    if (fatal !== null) throw new WgDeckError('REMOTE_FATAL', `${ssh.label}: ${String(fatal)}`);
    const got = snapshots.at(-1);
    if (!got) {
      const why = drops[0] ?? (result.stderr.trim() || `exit code ${result.code ?? result.signal}`);
      throw new ProtocolError(ssh.label, `no complete frame (${why})`);
    }
    if (got.wgError !== null) {
      throw classifyWgError(got.wgError, { user: server.user, target: ssh.label, wgPath });
    }
    const tracker = new ServerTracker(options.thresholds);
    for (const earlier of snapshots.slice(0, -1)) tracker.apply(earlier);
    const tracked = tracker.apply(got);
    return {
      name: server.name,
      host: server.host,
      state: 'connected',
      updatedAt: Date.now(),
      serverTime: tracked.serverTime,
      interfaces: tracked.interfaces,
      system: tracked.system,
      droppedFrames: pacer.dropped,
    };
  } finally {
    ssh.close();
  }
}

/** Like collectOnce, but a failure becomes the server's state instead of an exception (fleet status). */
export async function collectOnceSettled(options: CollectOnceOptions): Promise<ServerLive> {
  try {
    return await collectOnce(options);
  } catch (error) {
    return {
      name: options.server.name,
      host: options.server.host,
      state: 'error',
      error: cleanMessage(errorMessage(error)),
      errorCode: errorCode(error),
      ...(pickErrorDetails(error) ? { errorDetails: pickErrorDetails(error) } : {}),
      updatedAt: null,
      serverTime: null,
      interfaces: [],
      system: null,
      droppedFrames: 0,
    };
  }
}
