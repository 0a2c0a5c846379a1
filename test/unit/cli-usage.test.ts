// The CLI's usage as an admin meets it: every command's --help exits 0 with that command's usage, and
// a flag a command does not have is refused with its usage (exit 2), never silently ignored.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const WGDECK = join(import.meta.dirname, '..', '..', 'bin', 'wgdeck');
const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-usage-'));
const run = (...args: string[]) => {
  const result = spawnSync(WGDECK, ['--data-dir', dataDir, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('wgdeck usage', () => {
  it.each([
    [[], 'Usage: wgdeck'],
    [['server'], 'server add NAME'],
    [['server', 'add'], 'server add NAME'],
    [['server', 'list'], 'server list'],
    [['status'], 'status [--server'],
    [['watch'], 'watch [--server'],
    [['serve'], 'serve [--port'],
    [['peer'], 'peer list'],
    [['peer', 'list'], 'peer list'],
    [['peer', 'add'], 'peer add'],
    [['drift'], 'drift --server'],
  ])('%j --help exits 0 with its usage', (args, usage) => {
    for (const flag of ['--help', '-h']) {
      const result = run(...args, flag);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(usage);
      expect(result.stderr).toBe('');
    }
  });

  it.each([
    [['peer', 'list', '--server', 'a', '--interface', 'wg0', '--qr'], "Unknown option '--qr'", 'peer list'],
    [
      ['peer', 'remove', '--server', 'a', '--interface', 'wg0', '--peer', 'p', '--name', 'x'],
      "Unknown option '--name'",
      'peer disable|enable|remove',
    ],
    [['status', '--bogus'], "Unknown option '--bogus'", 'status [--server'],
  ])('%j is refused with the command`s usage', (args, message, usage) => {
    const result = run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(usage);
    expect(result.stderr).not.toContain('To specify a positional argument');
  });

  it('fits an 80-column terminal', () => {
    const help = run('--help');
    const wide = help.stdout.split('\n').filter((line) => line.length > 80);
    expect(wide).toEqual([]);
  });
});
