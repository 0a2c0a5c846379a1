/**
 * One apply, commit-confirmed, under the interface's server-side lock:
 *
 * 1. lock (flock held by an open channel), read the file and the live state;
 * 2. plan (or re-plan a preview) against that read — a file that changed since the preview is
 *    refused with the diff, a live state that changes what the plan touches is refused too;
 * 3. back up the file and, when the live interface changes, arm the rollback on the server: after N
 *    seconds, unless confirmed, it restores the backup and `wg syncconf`s from it — on its own, so a
 *    change that cuts the admin off undoes itself;
 * 4. write the file (compare-and-swap on its SHA-256, atomic rename), apply live (tier 1 `wg set`,
 *    tier 2 `wg syncconf`, tier 3 restart);
 * 5. verify over a NEW connection (proof the admin can still get in) that the file and the live
 *    peers are as planned, then confirm (cancel the rollback) on that connection;
 * 6. when it cannot be confirmed, wait for the server's rollback and report what it did: rolled back,
 *    or refused to restore (backup gone, changed or invalid: `ROLLBACK_FAILED`, loud on purpose).
 */

import { randomBytes } from 'node:crypto';
import type { InterfaceDump } from '../../../shared/domain.ts';
import type { PeerTxEvent, TxPhase } from '../../../shared/peer-ops.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { cleanMessage } from '../collector/text-fields.ts';
import { WgDeckError, errorMessage } from '../errors.ts';
import { configProblems, parseConfig } from '../peers/config-file.ts';
import { redactSecrets, unifiedDiff } from '../peers/diff.ts';
import { compareDrift } from '../peers/drift.ts';
import type { PeerPlan } from '../peers/plan.ts';
import {
  WRITE_EXIT_CHANGED,
  WRITE_EXIT_INCOMPLETE,
  WRITE_EXIT_INVALID,
  sha256Hex,
} from '../peers/commands.ts';
import type { SshSession } from '../ssh/dial.ts';
import { parseInterfaceRead, type InterfaceRead } from './interface-read.ts';
import { EXIT_BAD_BACKUP, EXIT_NOT_PENDING, EXIT_PENDING_OTHER, remoteOps } from './remote-ops.ts';
import { RemoteRunner, remoteFailure } from './remote-runner.ts';

export const DEFAULT_CONFIRM_SECONDS = 60;
export const LOCK_WAIT_SECONDS = 30;
export const KEEP_BACKUPS = 10;
/** How long past its deadline to wait for the server's rollback to report (it fires at the deadline). */
export const ROLLBACK_REPORT_GRACE_MS = 20_000;

export interface TxDeps {
  /** A connection for the change itself: the server's live session when it has one. */
  connect(server: ServerConfig): Promise<SshSession>;
  /** Always a new login: the verification must prove the admin can still get in after the change. */
  connectNew(server: ServerConfig): Promise<SshSession>;
  emit(event: PeerTxEvent): void;
  log?: (message: string) => void;
  /** Test hook: runs right after the live change, before verification (the lab cuts SSH here). */
  afterLiveChange?: (server: string, iface: string) => Promise<void>;
  /** How long to wait between verification attempts. */
  retryMs?: number;
}

export interface TxRequest {
  /** The preview this applies, echoed in the events; null for `peers:change`. */
  planId: string | null;
  server: ServerConfig;
  iface: string;
  configPath: string;
  confirmTimeoutSeconds: number;
  restart: boolean;
  /** Plans against the read taken under the lock; throws to refuse (file changed, live changed). */
  plan(read: InterfaceRead & { fileText: string }, runner: RemoteRunner): Promise<PeerPlan>;
}

export interface TxOutcome {
  txId: string;
  plan: PeerPlan;
  read: InterfaceRead & { fileText: string };
  tier: 0 | 1 | 2 | 3;
  outcome: 'confirmed' | 'file-only';
  backup: string | null;
  verifiedAfterMs: number;
  /** The interface as the verification read it (null: nothing live changed, or it is not up). */
  verifiedLive: InterfaceDump | null;
}

export function runnerFor(server: ServerConfig, ssh: SshSession): RemoteRunner {
  return new RemoteRunner({ client: ssh.client, label: ssh.label, user: server.user, sudo: server.sudo });
}

export async function readInterface(
  runner: RemoteRunner,
  iface: string,
  path: string,
): Promise<InterfaceRead> {
  const out = await runner.check(remoteOps.read(iface, path), `reading ${path}`);
  return parseInterfaceRead(out, runner.label, iface, path);
}

export function requireFile(
  read: InterfaceRead,
  path: string,
  label: string,
): InterfaceRead & { fileText: string } {
  if (read.fileText === null) {
    throw new WgDeckError(
      'NO_CONFIG_FILE',
      `There is no config file at ${path} on ${label}; WG Deck keeps peers in the interface's wg-quick file.`,
    );
  }
  return read as InterfaceRead & { fileText: string };
}

/** The refusal when the file is not the one a preview was made from: what changed, secrets hidden. */
export function fileChangedError(path: string, previewed: string, now: string | null): WgDeckError {
  const keys = new Set<string>();
  for (const match of `${previewed}\n${now ?? ''}`.matchAll(/PublicKey\s*=\s*([A-Za-z0-9+/]{43}=)/g))
    keys.add(match[1]!);
  const diff = unifiedDiff(previewed, now ?? '', {
    oldLabel: `${path} (when previewed)`,
    newLabel: `${path} (now)`,
    redact: (line) => redactSecrets(line, keys),
  });
  const error = new WgDeckError(
    'FILE_CHANGED',
    `${path} changed since the preview (someone or something else edited it). Nothing was applied; preview again.`,
  );
  Object.assign(error, { diff });
  return error;
}

function newTxId(): string {
  return randomBytes(9).toString('base64url');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runTransaction(deps: TxDeps, request: TxRequest): Promise<TxOutcome> {
  const { server, iface, configPath } = request;
  const txId = newTxId();
  const started = Date.now();
  let rollbackAt: number | null = null;
  const emit = (phase: TxPhase, message: string): void =>
    deps.emit({ txId, planId: request.planId, server: server.name, iface, phase, rollbackAt, message });

  emit('locking', `Taking the lock on ${iface}…`);
  const ssh = await deps.connect(server);
  let lock: { release: () => void } | null = null;
  try {
    const runner = runnerFor(server, ssh);
    lock = await runner.holdLock(remoteOps.lock(iface, LOCK_WAIT_SECONDS), (LOCK_WAIT_SECONDS + 15) * 1000);
    const read = requireFile(await readInterface(runner, iface, configPath), configPath, ssh.label);
    const plan = await request.plan(read, runner);
    const fatal = configProblems(parseConfig(plan.newText)).some((problem) => problem.fatal);
    if (plan.preview.blockers.length > 0 && (!request.restart || fatal)) {
      throw new WgDeckError('PLAN_BLOCKED', `Cannot apply: ${plan.preview.blockers.join(' ')}`);
    }
    const writes = plan.newText !== read.fileText;
    const tier = request.restart ? 3 : plan.preview.tier;
    if (!writes && tier === 0) {
      emit('confirmed', 'Nothing to change.');
      return {
        txId,
        plan,
        read,
        tier,
        outcome: 'file-only',
        backup: null,
        verifiedAfterMs: Date.now() - started,
        verifiedLive: null,
      };
    }
    const timeout = tier === 0 ? 0 : request.confirmTimeoutSeconds;
    const prepared = await runner.run(remoteOps.prepare(iface, configPath, KEEP_BACKUPS, txId, timeout));
    if (prepared.code === EXIT_PENDING_OTHER) {
      throw new WgDeckError(
        'ROLLBACK_PENDING',
        `A rollback of an earlier change is still armed on ${iface}; wait for it to be confirmed or to fire.`,
      );
    }
    if (prepared.code === EXIT_BAD_BACKUP) {
      throw new WgDeckError('BACKUP_FAILED', `Nothing was changed: ${cleanMessage(prepared.stderr)}`);
    }
    if (prepared.code !== 0) throw remoteFailure(ssh.label, 'the backup', prepared);
    const backup = /^backup (\S+)(?: [0-9a-f]{64})?$/m.exec(prepared.stdout)?.[1] ?? null;
    if (timeout > 0) rollbackAt = Date.now() + timeout * 1000;
    emit(
      'armed',
      timeout > 0
        ? `Rollback armed: the server restores ${backup} unless confirmed.`
        : `Backup ${backup} taken.`,
    );

    emit('applying', `Applying (tier ${tier})…`);
    let written = false;
    try {
      for (const command of plan.commands) {
        const isWrite = command.argv.includes('wgdeck-write');
        if (!isWrite && tier === 3) continue; // the restart below replaces the live command
        const result = await runner.run(command);
        if (isWrite && result.code === WRITE_EXIT_CHANGED) {
          throw fileChangedError(configPath, read.fileText, null);
        }
        if (isWrite && result.code === WRITE_EXIT_INCOMPLETE) {
          throw new WgDeckError(
            'TRANSFER_FAILED',
            `The new ${configPath} did not reach the server whole (the connection broke); the file was not changed.`,
          );
        }
        if (isWrite && result.code === WRITE_EXIT_INVALID) {
          throw new WgDeckError(
            'CONFIG_REFUSED',
            `wg-quick strip refused the new ${configPath}: ${cleanMessage(result.stderr)}`,
          );
        }
        if (result.code !== 0) throw remoteFailure(ssh.label, command.display.split('  [')[0]!, result);
        if (isWrite) written = true;
      }
      if (tier === 3)
        await runner.check(remoteOps.restart(iface, configPath), `restarting ${iface}`, 120_000);
    } catch (error) {
      if (!written && timeout > 0) {
        // Nothing changed on the server: cancel the rollback rather than restore an identical file.
        await runner.run(remoteOps.confirm(iface, txId)).catch(() => undefined);
        rollbackAt = null;
      }
      throw error;
    }

    if (tier === 0) {
      const after = await readInterface(runner, iface, configPath);
      if (after.sha256 !== sha256Hex(plan.newText)) {
        throw new WgDeckError(
          'VERIFY_FAILED',
          `${configPath} is not what was written; check it on the server.`,
        );
      }
      emit('confirmed', 'The config file was written (no live change).');
      return {
        txId,
        plan,
        read,
        tier,
        outcome: 'file-only',
        backup,
        verifiedAfterMs: Date.now() - started,
        verifiedLive: null,
      };
    }

    await deps.afterLiveChange?.(server.name, iface);
    emit('verifying', 'Verifying over a new connection…');
    let verifiedLive: InterfaceDump | null;
    try {
      verifiedLive = await verifyAndConfirm(deps, request, plan, txId, rollbackAt!);
    } catch (error) {
      if (!(error instanceof WgDeckError) || !['VERIFY_FAILED', 'UNCONFIRMED'].includes(error.code))
        throw error;
      emit('verifying', `Not confirmed: waiting for the server's rollback (due ${clock(rollbackAt!)})…`);
      throw await rollbackOutcome(deps, request, txId, rollbackAt!, error);
    }
    const verifiedAfterMs = Date.now() - started;
    rollbackAt = null;
    emit('confirmed', `Applied and verified in ${verifiedAfterMs} ms.`);
    return { txId, plan, read, tier, outcome: 'confirmed', backup, verifiedAfterMs, verifiedLive };
  } catch (error) {
    if (error instanceof WgDeckError && error.code === 'ROLLED_BACK') {
      rollbackAt = null;
      emit('rolled-back', errorMessage(error));
    } else if (error instanceof WgDeckError && error.code === 'ROLLBACK_FAILED') {
      rollbackAt = null;
      deps.log?.(`peers: ${server.name}/${iface}: ${errorMessage(error)}`);
      emit('rollback-failed', errorMessage(error));
    } else {
      // rollbackAt still set: the server restores the backup on its own at that time.
      emit('failed', errorMessage(error));
    }
    throw error;
  } finally {
    lock?.release();
    ssh.close();
  }
}

/** Why the live state is not what the plan wanted, or null when it is. */
function liveMismatch(plan: PeerPlan, read: InterfaceRead): string | null {
  if (read.sha256 !== sha256Hex(plan.newText)) return `${plan.configPath} is not the file that was written`;
  if (read.live === null) return `${plan.iface} is not up`;
  const drift = compareDrift(parseConfig(plan.newText), read.live);
  const touched = new Set(plan.preview.touched.map((peer) => peer.publicKey));
  const still = [...drift.onlyFile, ...drift.onlyLive, ...drift.disabledButLive, ...drift.different].filter(
    (peer) => touched.has(peer.publicKey),
  );
  if (still.length > 0) return `${still.length} peer(s) are not live as planned`;
  return null;
}

async function verifyAndConfirm(
  deps: TxDeps,
  request: TxRequest,
  plan: PeerPlan,
  txId: string,
  rollbackAt: number,
): Promise<InterfaceDump | null> {
  const { server, iface, configPath } = request;
  const retryMs = deps.retryMs ?? 2000;
  let lastProblem = 'not tried';
  // Leave a margin: a confirmation racing the rollback job is safe (one rename wins), but pointless.
  while (Date.now() < rollbackAt - 1000) {
    let ssh: SshSession | null = null;
    try {
      ssh = await deps.connectNew(server);
      const runner = runnerFor(server, ssh);
      const read = await readInterface(runner, iface, configPath);
      const mismatch = liveMismatch(plan, read);
      if (mismatch !== null) {
        if (read.rolledBack?.txId === txId) throw rolledBack(iface, read.rolledBack.backup);
        if (read.rollbackFailed?.txId === txId) throw rollbackFailed(server.name, read.rollbackFailed.reason);
        // A wrong live state will not fix itself: let the armed rollback restore the backup.
        throw new WgDeckError(
          'VERIFY_FAILED',
          `The change did not take effect as planned (${mismatch}); the server restores the backup at ${clock(rollbackAt)}.`,
        );
      }
      const confirmed = await runner.run(remoteOps.confirm(iface, txId));
      if (confirmed.code === 0) return read.live;
      if (confirmed.code === EXIT_NOT_PENDING) throw rolledBack(iface, null);
      throw remoteFailure(ssh.label, 'confirming', confirmed);
    } catch (error) {
      if (
        error instanceof WgDeckError &&
        ['ROLLED_BACK', 'ROLLBACK_FAILED', 'VERIFY_FAILED', 'SUDO_PASSWORD_REQUIRED', 'SUDO_DENIED'].includes(
          error.code,
        )
      ) {
        throw error;
      }
      lastProblem = errorMessage(error);
      deps.log?.(`peers: verify ${server.name}/${iface}: ${lastProblem}`);
      await sleep(retryMs);
    } finally {
      ssh?.close();
    }
  }
  throw new WgDeckError(
    'UNCONFIRMED',
    `Could not verify the change on ${server.name} (${lastProblem}). The server restores the previous ${configPath} ` +
      `on its own at ${clock(rollbackAt)}.`,
  );
}

/**
 * After a change could not be confirmed: wait for the server's rollback (due at `rollbackAt`) and
 * return what it did as the error to report. A rollback that refused to restore is `ROLLBACK_FAILED`;
 * one that cannot be asked about (the server stays unreachable) leaves `unconfirmed` as it is.
 */
async function rollbackOutcome(
  deps: TxDeps,
  request: TxRequest,
  txId: string,
  rollbackAt: number,
  unconfirmed: WgDeckError,
): Promise<WgDeckError> {
  const { server, iface } = request;
  const retryMs = deps.retryMs ?? 2000;
  await sleep(Math.max(0, rollbackAt - Date.now()));
  while (Date.now() < rollbackAt + ROLLBACK_REPORT_GRACE_MS) {
    let ssh: SshSession | null = null;
    try {
      ssh = await deps.connectNew(server);
      const status = await runnerFor(server, ssh).check(
        remoteOps.status(iface, txId),
        'asking about the rollback',
      );
      const [state, ...reason] = status.trim().split(' ');
      if (state === 'rolled-back') return rolledBack(iface, null);
      if (state === 'rollback-failed') return rollbackFailed(server.name, cleanMessage(reason.join(' ')));
      if (state !== 'pending') return unconfirmed; // gone: nothing armed under this transaction any more
    } catch (error) {
      deps.log?.(`peers: rollback status ${server.name}/${iface}: ${errorMessage(error)}`);
    } finally {
      ssh?.close();
    }
    await sleep(retryMs);
  }
  return unconfirmed;
}

function clock(at: number): string {
  return new Date(at).toLocaleTimeString();
}

function rollbackFailed(serverName: string, reason: string): WgDeckError {
  return new WgDeckError(
    'ROLLBACK_FAILED',
    `The change was not confirmed, and the rollback on ${serverName} FAILED: ${reason}. ` +
      'The unconfirmed change is still in place; check the file and the live peers now.',
  );
}

function rolledBack(iface: string, backup: string | null): WgDeckError {
  return new WgDeckError(
    'ROLLED_BACK',
    `The change was not confirmed in time: the server restored ${backup ?? 'the backup'} and re-applied it to ${iface}.`,
  );
}
