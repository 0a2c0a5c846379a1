// Process helpers for the lab: run a command and collect its output, start a detached long-lived process,
// and identify / kill processes by PID *and* start time (so a recycled PID is never killed by mistake).
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  /** Written to the command's stdin (stdin is closed afterwards). */
  input?: string;
  /** The command is killed (SIGKILL) after this many milliseconds. Default 60 s. */
  timeoutMs?: number;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** sbin directories first: `ip`, `sshd`, `useradd` live there and CI's PATH may lack them. */
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function labEnv(): NodeJS.ProcessEnv {
  const path = process.env.PATH ? `${SYSTEM_PATH}:${process.env.PATH}` : SYSTEM_PATH;
  return { ...process.env, PATH: path, LC_ALL: 'C' };
}

/** Runs a command (no shell). Resolves with its exit code, whatever it is; rejects only if it cannot start. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...labEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => undefined); // EPIPE when the command does not read its stdin
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) stderr += `\n[lab] ${command} killed after ${options.timeoutMs ?? 60_000} ms`;
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr,
        code: code ?? (signal ? 128 + signalNumber(signal) : 1),
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

function signalNumber(signal: NodeJS.Signals): number {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return table[signal] ?? 0;
}

/** Like run(), but throws an Error with the command line and its stderr when the exit code is not 0. */
export async function runOk(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${describeCommand(command, args)} failed (exit ${result.code}): ${tail(result.stderr || result.stdout)}`,
    );
  }
  return result.stdout;
}

/** Runs a POSIX sh script with `set -ex`: on failure the error names the command that failed. */
export async function runScript(
  script: string,
  args: readonly string[] = [],
  prefix: readonly string[] = [],
): Promise<string> {
  const [command, ...rest] = [...prefix, 'sh', '-ec', `set -x\n${script}`, 'sh', ...args];
  if (command === undefined) throw new Error('empty command');
  const result = await run(command, rest);
  if (result.code !== 0) {
    throw new Error(`lab script failed (exit ${result.code}):\n${tail(result.stderr, 25)}`);
  }
  return result.stdout;
}

function describeCommand(command: string, args: readonly string[]): string {
  const shown = [command, ...args].join(' ');
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

export function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value other than undefined/false, or throws `what` after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Process identity

/** A process we started: its PID and its start time (field 22 of /proc/PID/stat, in clock ticks since boot). */
export interface ProcRef {
  pid: number;
  start: string;
}

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  start: string;
}

function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text.slice(0, text.indexOf(' ')), 10);
  const fields = text.slice(close + 2).split(' ');
  const [state, ppid] = fields;
  const start = fields[19];
  if (state === undefined || ppid === undefined || start === undefined) return undefined;
  return { pid, state, ppid: Number.parseInt(ppid, 10), start };
}

async function readStat(pid: number): Promise<ProcStat | undefined> {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function procRef(pid: number): Promise<ProcRef> {
  const stat = await readStat(pid);
  if (!stat) throw new Error(`process ${pid} exited right after it started`);
  return { pid, start: stat.start };
}

/** True while the process exists, is the one we started (same start time) and is not a zombie. */
export async function isAlive(ref: ProcRef): Promise<boolean> {
  const stat = await readStat(ref.pid);
  return stat !== undefined && stat.start === ref.start && stat.state !== 'Z' && stat.state !== 'X';
}

export async function signal(ref: ProcRef, sig: NodeJS.Signals): Promise<void> {
  if (!(await isAlive(ref))) return;
  try {
    process.kill(ref.pid, sig);
  } catch {
    // exited meanwhile
  }
}

/** Sends `first` to every process, waits up to graceMs, then SIGKILLs what is left and waits for it to go. */
export async function terminate(
  refs: readonly ProcRef[],
  first: NodeJS.Signals = 'SIGTERM',
  graceMs = 2_000,
): Promise<void> {
  await Promise.all(refs.map((ref) => signal(ref, first)));
  const deadline = Date.now() + graceMs;
  let alive = await aliveOf(refs);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(20);
    alive = await aliveOf(alive);
  }
  if (alive.length === 0) return;
  await Promise.all(alive.map((ref) => signal(ref, 'SIGKILL')));
  await waitFor(
    'processes to exit after SIGKILL',
    async () => (await aliveOf(alive)).length === 0,
    5_000,
    20,
  );
}

async function aliveOf(refs: readonly ProcRef[]): Promise<ProcRef[]> {
  const flags = await Promise.all(refs.map((ref) => isAlive(ref)));
  return refs.filter((_, i) => flags[i]);
}

async function allProcesses(): Promise<ProcStat[]> {
  const names = await readdir('/proc');
  const stats = await Promise.all(names.filter((n) => /^\d+$/.test(n)).map((n) => readStat(Number(n))));
  return stats.filter((s): s is ProcStat => s !== undefined);
}

/** Every live descendant of `root` (children, grandchildren...), not including root itself. */
export async function descendants(root: ProcRef): Promise<ProcRef[]> {
  const all = await allProcesses();
  const children = new Map<number, ProcStat[]>();
  for (const p of all) {
    const list = children.get(p.ppid) ?? [];
    list.push(p);
    children.set(p.ppid, list);
  }
  const found: ProcRef[] = [];
  const queue = [root.pid];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      if (child.state === 'Z') continue;
      found.push({ pid: child.pid, start: child.start });
      queue.push(child.pid);
    }
  }
  return found;
}

/**
 * Kills a process and its whole tree without letting it fork new children meanwhile: SIGSTOP the root, then
 * SIGSTOP descendants until the set is stable, then SIGKILL everything and wait until it is gone.
 */
export async function killTree(root: ProcRef): Promise<void> {
  if (!(await isAlive(root))) return;
  await signal(root, 'SIGSTOP');
  const seen = new Map<number, ProcRef>();
  for (let round = 0; round < 20; round++) {
    const found = (await descendants(root)).filter((ref) => !seen.has(ref.pid));
    if (found.length === 0) break;
    for (const ref of found) seen.set(ref.pid, ref);
    await Promise.all(found.map((ref) => signal(ref, 'SIGSTOP')));
  }
  const all = [root, ...seen.values()];
  await Promise.all(all.map((ref) => signal(ref, 'SIGKILL')));
  await waitFor('a killed process tree to exit', async () => (await aliveOf(all)).length === 0, 5_000, 20);
}

// ---------------------------------------------------------------------------------------------------------
// Detached processes

/**
 * Starts a long-lived process that outlives this Node process (own process group, not waited for), with
 * stdout+stderr appended to logFile. Resolves with its identity once it is running.
 */
export async function spawnDetached(
  command: string,
  args: readonly string[],
  logFile: string | null,
): Promise<ProcRef> {
  const fd = logFile === null ? 'ignore' : openSync(logFile, 'a', 0o600);
  try {
    const child = spawn(command, args, { env: labEnv(), detached: true, stdio: ['ignore', fd, fd] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`)));
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`cannot start ${command}`);
    return await procRef(child.pid);
  } finally {
    if (typeof fd === 'number') closeSync(fd);
  }
}

/**
 * Starts a detached process that prints `marker` on stdout once it is ready (and then never writes again),
 * waits for that line, and lets go of its pipes. Used for the namespace holders.
 */
export async function spawnDetachedUntil(
  command: string,
  args: readonly string[],
  marker: string,
  timeoutMs = 10_000,
): Promise<ProcRef> {
  const child = spawn(command, args, { env: labEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${command} not ready after ${timeoutMs} ms: ${tail(stderr)}`)),
        timeoutMs,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.split('\n').includes(marker)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot start ${command}: ${error.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          new Error(`${command} exited (code ${code ?? 'signal'}) before it was ready: ${tail(stderr)}`),
        );
      });
    });
  } catch (error) {
    if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
    throw error;
  }
  child.removeAllListeners('exit');
  child.stdout.destroy();
  child.stderr.destroy();
  child.unref();
  if (child.pid === undefined) throw new Error(`cannot start ${command}`);
  return procRef(child.pid);
}
