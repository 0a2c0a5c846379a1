import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A hermetic CLI: its own data dir and an empty HOME, so the developer's ~/.ssh never leaks in. */
export function cliSandbox(): {
  dataDir: string;
  home: string;
  run: (args: string[], timeoutMs?: number) => Promise<CliResult>;
} {
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-data-'));
  const home = mkdtempSync(join(tmpdir(), 'wgdeck-home-'));
  const run = (args: string[], timeoutMs = 60_000): Promise<CliResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(join(ROOT, 'bin', 'wgdeck'), ['--data-dir', dataDir, ...args], {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`wgdeck ${args.join(' ')} timed out; stderr: ${stderr}`));
      }, timeoutMs);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  return { dataDir, home, run };
}
