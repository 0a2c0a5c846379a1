// Shared helpers for the real-server lab tests (test/lab/*.test.ts).
import { spawn } from 'node:child_process';
import { describe, test } from 'vitest';
import { ensureLabPrerequisites, sshArgs } from '../../e2e/lab/lab.ts';
import type { ExecResult, Lab, LabServer } from '../../e2e/lab/lab.ts';
import { labEnv, run } from '../../e2e/lab/exec.ts';

export type LabAvailability = { ok: true } | { ok: false; reason: string };

let availability: Promise<LabAvailability> | undefined;

/** Whether the lab can run here, after trying ensureLabPrerequisites() (which may apt-get install as root). */
export function labAvailable(): Promise<LabAvailability> {
  availability ??= ensureLabPrerequisites().then(
    (): LabAvailability => ({ ok: true }),
    (error: unknown): LabAvailability => ({
      ok: false,
      reason: error instanceof Error ? error.message : String(error),
    }),
  );
  return availability;
}

const inCI = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/**
 * `describe` for tests that need the real-server lab. When the lab cannot run here: under CI=true the suite
 * FAILS with the reason; elsewhere it is skipped with a loud console.warn and a skipped test naming the reason.
 * Never a silent skip.
 */
export function describeLab(name: string, fn: () => void): void {
  describe(name, async () => {
    const result = await labAvailable();
    if (result.ok) {
      fn();
      return;
    }
    const { reason } = result;
    if (inCI()) {
      test('lab prerequisites (required under CI=true)', () => {
        throw new Error(`the real-server lab cannot run under CI: ${reason}`);
      });
      return;
    }
    console.warn(`\n!!! LAB TESTS SKIPPED: "${name}": ${reason}\n!!! (under CI=true this is a failure)\n`);
    test.skip(`SKIPPED, lab unavailable: ${reason}`, () => undefined);
  });
}

export type SshUser = 'root' | 'operator';

/**
 * Runs `command` on a lab server with the system OpenSSH client (BatchMode, StrictHostKeyChecking=yes against
 * `knownHostsFile`, default the lab's own).
 */
export function ssh(
  lab: Lab,
  server: LabServer,
  user: SshUser,
  command: string,
  knownHostsFile = lab.knownHostsFile,
  timeoutMs = 30_000,
): Promise<ExecResult> {
  return run('ssh', [...sshArgs({ knownHostsFile }, server, user), command], { timeoutMs });
}

export interface SshSession {
  /** Resolves with the exit code of the ssh client. */
  exited: Promise<number>;
  /** Everything the session printed on stdout so far. */
  output(): string;
  /** Kills the ssh client (if still running). */
  kill(): void;
}

/** Starts a long-running ssh session; resolves once `readyMarker` appears on its stdout. */
export async function startSshSession(
  lab: Lab,
  server: LabServer,
  user: SshUser,
  command: string,
  readyMarker: string,
  timeoutMs = 15_000,
): Promise<SshSession> {
  const child = spawn('ssh', [...sshArgs(lab, server, user), command], {
    env: labEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number>((resolve) => {
    child.once('close', (code) => resolve(code ?? 255));
    child.once('error', () => resolve(255));
  });
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const deadline = Date.now() + timeoutMs;
  while (!stdout.includes(readyMarker)) {
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 20)),
    ]);
    if (done || Date.now() > deadline) {
      kill();
      throw new Error(`ssh session did not print ${readyMarker}: ${stderr.trim()}`);
    }
  }
  return { exited, output: () => stdout, kill };
}

export interface DumpPeer {
  publicKey: string;
  presharedKey: boolean;
  allowedIps: string[];
  latestHandshake: number;
  rx: number;
  tx: number;
  keepalive: string;
}

export interface DumpInterface {
  publicKey: string;
  listenPort: number;
  peers: DumpPeer[];
}

/** Parses `wg show all dump`: interface lines (5 fields) and peer lines (9 fields), grouped by interface. */
export function parseDump(dump: string): Map<string, DumpInterface> {
  const result = new Map<string, DumpInterface>();
  for (const line of dump.trim().split('\n')) {
    const f = line.split('\t');
    const ifname = f[0] ?? '';
    if (f.length === 5) {
      result.set(ifname, { publicKey: f[2] ?? '', listenPort: Number(f[3]), peers: [] });
    } else if (f.length === 9) {
      result.get(ifname)?.peers.push({
        publicKey: f[1] ?? '',
        presharedKey: f[2] !== '(none)',
        allowedIps: (f[4] ?? '').split(','),
        latestHandshake: Number(f[5]),
        rx: Number(f[6]),
        tx: Number(f[7]),
        keepalive: f[8] ?? '',
      });
    }
  }
  return result;
}
