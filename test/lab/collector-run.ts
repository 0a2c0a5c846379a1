import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

const WGDECK = join(import.meta.dirname, '..', '..', 'bin', 'wgdeck');

/** `wgdeck collect` as a unit runs it: its command line, a state dir, an empty HOME; stdout parsed. */
export interface CollectorProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
  /** SIGTERM, then the exit code (SIGKILL after 20 s: a hang fails the test). */
  stop: () => Promise<number | null>;
}

export function startCollector(stateDir: string, home: string, args: string[]): CollectorProcess {
  const child = spawn(WGDECK, ['--data-dir', stateDir, 'collect', ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, WGDECK_CHECK_CONTRACT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * A slow way to VictoriaMetrics: each push is held `delayMs` before it is passed on, so a test can stop
 * the collector while a push is surely in flight. Only passes requests through; VictoriaMetrics answers.
 */
export interface SlowProxy {
  url: string;
  inFlight: () => number;
  close: () => Promise<void>;
}

export async function slowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'content-encoding', 'authorization']) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers, body: Buffer.concat(chunks) })
          .then(async (answer) => {
            res.writeHead(answer.status).end(Buffer.from(await answer.arrayBuffer()));
          })
          .catch(() => res.writeHead(502).end())
          .finally(() => (inFlight -= 1));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    inFlight: () => inFlight,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
