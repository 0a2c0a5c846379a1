/**
 * Runs peer-management commands on one SSH connection, as root: directly when the login is root, else
 * through `sudo -n` (never a password prompt). What needs root beyond `wg` (writing /etc/wireguard,
 * wg-quick, the lock and the rollback job) runs as `/bin/sh -c <script>`, so the sudoers rule is
 * `USER ALL=(root) NOPASSWD: /usr/bin/wg, /bin/sh` — root-equivalent, like any tool that edits a
 * config file whose PostUp lines run as root.
 */

import type { Client as SshClient } from 'ssh2';
import { cleanMessage } from '../collector/text-fields.ts';
import { WgDeckError } from '../errors.ts';
import { classifyWgError } from '../fleet/wg-error.ts';
import type { RemoteCommand } from '../peers/commands.ts';
import { toShellCommand } from '../peers/commands.ts';
import type { ExecResult } from '../ssh/exec.ts';
import { execCommand } from '../ssh/exec.ts';
import { EXIT_LOCKED, EXIT_NEEDS_ROOT } from './remote-ops.ts';
import { SUDO_LIST_LINE, listingAllowsWithoutPassword } from './sudo-check.ts';

export const PEER_OPS_SUDO_COMMANDS = '/usr/bin/wg, /bin/sh';

export interface RunnerTarget {
  client: SshClient;
  /** `user@host:port`, for messages. */
  label: string;
  user: string;
  sudo: boolean;
}

/** The argv as it runs: `sh` becomes `/bin/sh` (what the sudoers rule names), behind `sudo -n` if needed. */
export function privileged(command: RemoteCommand, sudo: boolean): string {
  const argv = asRun(command);
  return toShellCommand({ ...command, argv: sudo ? ['sudo', '-n', ...argv] : argv });
}

function asRun(command: RemoteCommand): string[] {
  return command.argv[0] === 'sh' ? ['/bin/sh', ...command.argv.slice(1)] : [...command.argv];
}

export class RemoteRunner {
  readonly #target: RunnerTarget;
  constructor(target: RunnerTarget) {
    this.#target = target;
  }

  get label(): string {
    return this.#target.label;
  }

  /** Runs the command; a sudo refusal becomes an error naming the sudoers line. Other exits are returned. */
  async run(command: RemoteCommand, timeoutMs = 60_000): Promise<ExecResult> {
    const result = await execCommand(this.#target.client, privileged(command, this.#target.sudo), {
      ...(command.stdin !== null ? { stdin: command.stdin } : {}),
      timeoutMs,
      maxOutputBytes: 64 * 1024 * 1024,
    });
    if (result.code !== 0) {
      const refused = this.#sudoRefusal(result.stderr);
      if (refused) throw refused;
    }
    if (result.code === EXIT_NEEDS_ROOT && command.argv[3] === 'wgdeck') throw this.#needsRoot();
    return result;
  }

  /** What sudo said when it refused, as an error naming the sudoers line; null if it did not. */
  #sudoRefusal(stderr: string): WgDeckError | null {
    if (!this.#target.sudo || !/^sudo: /m.test(stderr)) return null;
    return classifyWgError(stderr, {
      user: this.#target.user,
      target: this.#target.label,
      wgPath: PEER_OPS_SUDO_COMMANDS,
    });
  }

  #needsRoot(): WgDeckError {
    const { user, label } = this.#target;
    const error = new WgDeckError(
      'NEEDS_ROOT',
      `Managing peers on ${label} needs root: log in as root, or turn on sudo for this server with this sudoers ` +
        `line (visudo): ${user} ALL=(root) NOPASSWD: ${PEER_OPS_SUDO_COMMANDS}`,
    );
    Object.assign(error, { sudoersLine: `${user} ALL=(root) NOPASSWD: ${PEER_OPS_SUDO_COMMANDS}` });
    return error;
  }

  /**
   * Whether `command` would run without a password prompt, asked without running it (sudo-check.ts):
   * a refused `sudo -n` is a line in the server's auth log. Always true without sudo, and for root
   * (sudo never asks root).
   */
  async runsWithoutPassword(command: RemoteCommand): Promise<boolean> {
    if (!this.#target.sudo || this.#target.user === 'root') return true;
    const options = { timeoutMs: 15_000, maxOutputBytes: 1024 * 1024 };
    const listing = await execCommand(this.#target.client, SUDO_LIST_LINE, options);
    const argv = asRun(command);
    if (listing.code !== 0 || !listingAllowsWithoutPassword(listing.stdout, argv[0] ?? '')) return false;
    const line = toShellCommand({ ...command, argv: ['sudo', '-n', '-l', ...argv] });
    return (await execCommand(this.#target.client, `${line} >/dev/null`, options)).code === 0;
  }

  /** Runs it and insists on exit 0; `what` names the step in the error. */
  async check(command: RemoteCommand, what: string, timeoutMs?: number): Promise<string> {
    const result = await this.run(command, timeoutMs);
    if (result.code !== 0) throw remoteFailure(this.#target.label, what, result);
    return result.stdout;
  }

  /**
   * Holds a lock for as long as a channel stays open: resolves once the remote side printed `locked`,
   * with `release` (ends the channel's stdin; the remote `cat` ends and the lock goes with it). If the
   * connection dies, the lock goes too.
   */
  holdLock(command: RemoteCommand, timeoutMs: number): Promise<{ release: () => void; lost: Promise<void> }> {
    const line = privileged(command, this.#target.sudo);
    return new Promise((resolve, reject) => {
      this.#target.client.exec(line, (error, channel) => {
        if (error) {
          reject(new WgDeckError('EXEC_FAILED', `Could not start a remote command: ${error.message}`));
          return;
        }
        let out = '';
        let err = '';
        let settled = false;
        let markLost: () => void = () => undefined;
        const lost = new Promise<void>((resolveLost) => (markLost = resolveLost));
        const timer = setTimeout(() => {
          if (settled) return;
          settled = true;
          channel.close();
          reject(
            new WgDeckError(
              'LOCKED',
              `${this.#target.label}: the lock was not granted within ${timeoutMs / 1000} s.`,
            ),
          );
        }, timeoutMs);
        channel.on('data', (chunk: Buffer) => {
          // Only the start matters ("locked <pid>"); the channel stays open for the whole change,
          // so whatever a server writes after that must not pile up.
          if (settled || out.length > MAX_LOCK_OUTPUT) return;
          out += chunk.toString('utf8');
          if (!settled && /^locked \d+$/m.test(out)) {
            settled = true;
            clearTimeout(timer);
            resolve({ release: () => channel.end(), lost });
          }
        });
        channel.stderr.on('data', (chunk: Buffer) => {
          if (err.length <= MAX_LOCK_OUTPUT) err += chunk.toString('utf8');
        });
        channel.on('error', () => undefined);
        channel.on('close', (code: number | null) => {
          markLost();
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const refused = this.#sudoRefusal(err);
          if (refused) {
            reject(refused);
          } else if (code === EXIT_NEEDS_ROOT) {
            reject(this.#needsRoot());
          } else if (code === EXIT_LOCKED) {
            reject(
              new WgDeckError(
                'LOCKED',
                `Another WG Deck is changing this interface on ${this.#target.label}; try again when it is done.`,
              ),
            );
          } else {
            reject(
              remoteFailure(this.#target.label, 'taking the lock', {
                stdout: out,
                stderr: err,
                code,
                signal: null,
              }),
            );
          }
        });
      });
    });
  }
}

/** What the lock channel's output is read for fits in far less: the rest is not kept. */
const MAX_LOCK_OUTPUT = 4096;

export function remoteFailure(label: string, what: string, result: ExecResult): WgDeckError {
  const detail =
    cleanMessage(
      result.stderr
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .slice(-3)
        .join(' / '),
    ) || `exit ${result.code ?? result.signal}`;
  return new WgDeckError('REMOTE_FAILED', `${label}: ${what} failed: ${detail}`);
}
