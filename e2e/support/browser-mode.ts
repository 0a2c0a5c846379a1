import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface BrowserModeApp {
  url: string;
  origin: string;
  token: string;
  output: () => string;
  stop: () => Promise<void>;
}

export interface ServeOptions {
  /** More `serve` arguments (`--open`). */
  args?: string[];
  /** More environment (a PATH with a fake opener, XDG_RUNTIME_DIR). */
  env?: Record<string, string>;
}

/** Runs `wgdeck serve` as a user would, on its own data dir, and returns the URL it prints. */
export async function startBrowserMode(
  dataDir: string,
  home: string,
  options: ServeOptions = {},
): Promise<BrowserModeApp> {
  const child: ChildProcess = spawn(
    join(ROOT, 'bin', 'wgdeck'),
    ['--data-dir', dataDir, 'serve', '--port', '0', ...(options.args ?? [])],
    {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`wgdeck serve printed no URL within 120 s:\n${log}`)),
      120_000,
    );
    child.stdout!.on('data', (c: Buffer) => {
      log += c.toString();
      const match = /http:\/\/\S+\?token=[A-Za-z0-9_-]+/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wgdeck serve exited (${code}) before printing a URL:\n${log}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    output: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
