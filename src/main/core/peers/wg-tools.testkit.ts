/**
 * The real wireguard-tools as test oracles (never mocks): `wg pubkey` for key derivation, `wg-quick
 * strip` and wg's own config parser for the files we write. Tests only.
 *
 * wg's parser without an interface: `wg setconf NAME FILE` parses the whole file first and only then
 * talks to the interface, so on a name that does not exist it fails with "Unable to modify
 * interface" exactly when the file parsed, and with "Configuration parsing error" / "Invalid
 * configuration" when it did not.
 */

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(
  command: string,
  args: string[],
  input?: string,
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) {
    throw new Error(
      `${command} could not run (${result.error.message}): these tests need wireguard-tools ` +
        '(sudo apt-get install -y wireguard-tools)',
    );
  }
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `wg pubkey` of each private key, in one shell (one `wg` per key). */
export function wgPubkeys(privateKeys: readonly string[]): string[] {
  const result = run(
    'bash',
    ['-c', 'while IFS= read -r k; do printf "%s\\n" "$k" | wg pubkey || exit 1; done'],
    `${privateKeys.join('\n')}\n`,
  );
  if (result.status !== 0) throw new Error(`wg pubkey failed: ${result.stderr}`);
  return result.stdout.split('\n').filter((line) => line !== '');
}

export function wgGenkey(): string {
  return run('wg', ['genkey']).stdout.trim();
}

/** `wg-quick strip` of `text` saved as `<dir>/<iface>.conf` (mode 0600); throws unless it succeeds. */
export function wgQuickStrip(text: string, iface = 'wgt0'): string {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-peers-'));
  try {
    const path = join(dir, `${iface}.conf`);
    writeFileSync(path, text, { mode: 0o600 });
    chmodSync(dir, 0o700);
    const result = run('wg-quick', ['strip', path]);
    if (result.status !== 0) throw new Error(`wg-quick strip refused the file: ${result.stderr}`);
    return result.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Null when wg's parser accepts `stripped` (the output of wg-quick strip), else its complaint. Read
 * from a file: Node gives a child a socket, not a pipe, as stdin, and `fopen("/dev/stdin")` fails
 * on a socket (ENXIO).
 */
export function wgParseProblem(stripped: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-peers-'));
  try {
    const path = join(dir, 'stripped.conf');
    writeFileSync(path, stripped, { mode: 0o600 });
    const result = run('wg', ['setconf', 'wgdeckchk0', path]);
    if (result.status === 0) throw new Error('wg setconf succeeded on an interface that should not exist');
    if (result.stderr.includes('Unable to modify interface')) return null;
    return result.stderr.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Both checks: wg-quick strip accepts the file and wg parses what it keeps. Throws otherwise. */
export function assertWgAccepts(text: string, iface = 'wgt0'): string {
  const stripped = wgQuickStrip(text, iface);
  const problem = wgParseProblem(stripped);
  if (problem !== null) throw new Error(`wg refused the stripped file: ${problem}\n${stripped}`);
  return stripped;
}
