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

/** Runs `wgdeck serve` as a user would, on its own data dir, and returns the URL it prints. */
export async function startBrowserMode(dataDir: string, home: string): Promise<BrowserModeApp> {
  const child: ChildProcess = spawn(
    join(ROOT, 'bin', 'wgdeck'),
    ['--data-dir', dataDir, 'serve', '--port', '0'],
    {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
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
