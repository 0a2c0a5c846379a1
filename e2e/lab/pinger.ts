// Packet-loss measurement through a tunnel: a real `ping` at a fixed rate, counted from its own per-packet output.
import { spawn } from 'node:child_process';
import { labEnv, sleep, tail } from './exec.ts';

export interface PingerOptions {
  /** Interval between echo requests. Default 50 ms (20/s; root may go below ping's 200 ms user minimum). */
  intervalMs?: number;
  /** Address to ping. Default: the client's pingTarget (its server's tunnel address). */
  target?: string;
  /** A request without a reply within this long is lost (also a reply that arrives later). Default 1,000 ms. */
  timeoutMs?: number;
}

export interface PingResult {
  /** Echo requests sent before stop() was called (failed sends included: ping counts them too). */
  sent: number;
  received: number;
  lost: number;
  /** icmp_seq of every lost request, ascending (1 is the first request). */
  lostSequences: number[];
}

export interface Pinger {
  readonly target: string;
  /** Stops sending, waits for the replies still in flight (up to timeoutMs), ends ping and counts. */
  stop(): Promise<PingResult>;
}

const REPLY = /bytes from .*\bicmp_seq=(\d+)\b.*\btime=([\d.]+) ms/;
const OTHER_SEQ = /\bicmp_seq=(\d+)\b/; // "no answer yet for icmp_seq=N" (-O), "From X icmp_seq=N Destination …"

/** What ping printed so far: the highest sequence it mentioned and the round trip of every reply. */
export class PingLog {
  highest = 0;
  readonly replies = new Map<number, number>();
  private partial = '';

  feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  line(line: string): void {
    const reply = REPLY.exec(line);
    if (reply) {
      const seq = Number(reply[1]);
      if (!this.replies.has(seq)) this.replies.set(seq, Number(reply[2])); // a DUP! keeps the first
      this.highest = Math.max(this.highest, seq);
      return;
    }
    const other = OTHER_SEQ.exec(line);
    if (other) this.highest = Math.max(this.highest, Number(other[1]));
  }

  /** Sequences 1..upTo without a reply within timeoutMs. */
  lost(upTo: number, timeoutMs: number): number[] {
    const lost: number[] = [];
    for (let seq = 1; seq <= upTo; seq++) {
      const rtt = this.replies.get(seq);
      if (rtt === undefined || rtt > timeoutMs) lost.push(seq);
    }
    return lost;
  }
}

/**
 * Starts `ping -n -O -i <interval> <target>` under `prefix` (an nsenter command line); resolves once ping has
 * printed its header (its socket is open and the first request goes out now).
 *
 * Counting: ping numbers its requests (a send that fails locally still takes a number), so the requests sent
 * before stop() are 1..H, H the highest number printed by then (-O prints "no answer yet" for every
 * unanswered one when it sends the next). stop() then waits until the requests of the last timeoutMs are
 * answered or timeoutMs has passed, and only then ends ping: a reply in flight at stop() is not a loss.
 */
export async function startPinger(
  prefix: readonly string[],
  target: string,
  options: PingerOptions = {},
): Promise<Pinger> {
  const intervalMs = options.intervalMs ?? 50;
  const timeoutMs = options.timeoutMs ?? 1_000;
  if (!(intervalMs >= 2)) throw new Error(`pinger interval must be at least 2 ms (got ${intervalMs})`);
  const [command, ...args] = [...prefix, 'ping', '-n', '-O', '-i', (intervalMs / 1000).toFixed(3), target];
  if (command === undefined) throw new Error('empty command');
  const child = spawn(command, args, { env: labEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new PingLog();
  let header = false;
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (!header && /^PING /m.test(text)) header = true;
    log.feed(text);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', (error) => {
      stderr += `\ncannot run ${command}: ${error.message}`;
      resolve();
    });
  });
  let running = true;
  void exited.then(() => (running = false));
  const deadline = Date.now() + 5_000;
  while (!header) {
    if (!running || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`ping ${target} did not start: ${tail(stderr, 5)}`);
    }
    await sleep(5);
  }

  let result: Promise<PingResult> | undefined;
  const stop = async (): Promise<PingResult> => {
    const sent = log.highest;
    const stopAt = Date.now();
    const recent = Math.max(1, sent - Math.ceil(timeoutMs / intervalMs));
    const inFlight = (): boolean => {
      for (let seq = recent; seq <= sent; seq++) if (!log.replies.has(seq)) return true;
      return false;
    };
    while (running && inFlight() && Date.now() - stopAt < timeoutMs) await sleep(5);
    if (running) child.kill('SIGINT');
    await Promise.race([exited, sleep(2_000)]);
    if (running) child.kill('SIGKILL');
    await exited;
    const lostSequences = log.lost(sent, timeoutMs);
    return { sent, received: sent - lostSequences.length, lost: lostSequences.length, lostSequences };
  };
  return {
    target,
    stop: () => (result ??= stop()),
  };
}
