import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteCommand } from './commands.ts';
import {
  shellQuote,
  syncconfCommand,
  toShellCommand,
  wgRemovePeerCommand,
  wgSetPeerCommand,
  WRITE_EXIT_CHANGED,
  WRITE_EXIT_INCOMPLETE,
  WRITE_EXIT_INVALID,
  writeConfigCommand,
} from './commands.ts';
import { ALICE, PSK_BOB, SERVER_CONF, SERVER_PRIVATE } from './fixtures.testkit.ts';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Runs a command as the engine would over SSH: one shell string, stdin piped (a socket here). */
function run(
  command: RemoteCommand,
  env: NodeJS.ProcessEnv = process.env,
): { status: number | null; stderr: string } {
  const result = spawnSync('sh', ['-c', toShellCommand(command)], {
    input: command.stdin ?? '',
    encoding: 'utf8',
    env,
  });
  return { status: result.status, stderr: result.stderr };
}

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wgdeck-cmd-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeConfigCommand (run for real)', () => {
  const next = SERVER_CONF.replace('MTU = 1420', 'MTU = 1380');

  it('replaces the file atomically, mode 0600, leaving nothing behind', () => {
    const path = join(dir, 'wg0.conf');
    writeFileSync(path, SERVER_CONF, { mode: 0o644 });
    const result = run(writeConfigCommand(path, next, sha256(SERVER_CONF)));
    expect(result).toMatchObject({ status: 0 });
    expect(readFileSync(path, 'utf8')).toBe(next);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['wg0.conf']);
  });

  it(`refuses with ${WRITE_EXIT_CHANGED} when the file changed since it was read`, () => {
    const path = join(dir, 'wg0.conf');
    writeFileSync(path, `${SERVER_CONF}# edited by hand\n`);
    const result = run(writeConfigCommand(path, next, sha256(SERVER_CONF)));
    expect(result.status).toBe(WRITE_EXIT_CHANGED);
    expect(result.stderr).toContain('changed since it was read');
    expect(readFileSync(path, 'utf8')).toBe(`${SERVER_CONF}# edited by hand\n`);
    expect(readdirSync(dir)).toEqual(['wg0.conf']);
  });

  it(`refuses with ${WRITE_EXIT_INVALID} what wg-quick strip refuses`, () => {
    const path = join(dir, 'wg0.conf');
    writeFileSync(path, SERVER_CONF);
    const result = run(
      writeConfigCommand(
        path,
        SERVER_CONF.replace('SaveConfig = false', 'SaveConfig = maybe'),
        sha256(SERVER_CONF),
      ),
    );
    expect(result.status).toBe(WRITE_EXIT_INVALID);
    expect(readFileSync(path, 'utf8')).toBe(SERVER_CONF);
    expect(readdirSync(dir)).toEqual(['wg0.conf']);
  });

  it(`refuses with ${WRITE_EXIT_INCOMPLETE} a new file that arrived truncated (a connection cut mid-transfer)`, () => {
    const path = join(dir, 'wg0.conf');
    writeFileSync(path, SERVER_CONF);
    const command = writeConfigCommand(path, next, sha256(SERVER_CONF));
    // Cut after the last complete [Peer]: still a valid config, so only the hash can tell.
    const truncated = next.slice(0, next.lastIndexOf('[Peer]'));
    const result = run({ ...command, stdin: truncated });
    expect(result.status).toBe(WRITE_EXIT_INCOMPLETE);
    expect(result.stderr).toContain('did not arrive whole');
    expect(readFileSync(path, 'utf8')).toBe(SERVER_CONF);
    expect(readdirSync(dir)).toEqual(['wg0.conf']);
  });

  it('handles paths with spaces and quotes', () => {
    const odd = join(dir, "it's a dir");
    mkdirSync(odd);
    const path = join(odd, 'wg0.conf');
    writeFileSync(path, SERVER_CONF);
    expect(run(writeConfigCommand(path, next, sha256(SERVER_CONF))).status).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(next);
  });

  it('keeps the file (private key included) off the command line', () => {
    const command = writeConfigCommand('/etc/wireguard/wg0.conf', SERVER_CONF, sha256(SERVER_CONF));
    expect(command.argv.join(' ')).not.toContain(SERVER_PRIVATE);
    expect(command.secretStdin).toBe(true);
  });
});

describe('syncconfCommand (run for real)', () => {
  it('strips into a 0600 temporary file that it removes, and hands it to wg syncconf', () => {
    const path = join(dir, 'wg0.conf');
    writeFileSync(path, SERVER_CONF, { mode: 0o600 });
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const result = run(syncconfCommand('wgdeckchk0', path), { ...process.env, TMPDIR: tmp });
    // The file parsed; only the interface is missing.
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Unable to (retrieve current interface configuration|modify interface)/);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('stops when wg-quick strip fails (never syncs an empty config)', () => {
    const result = run(syncconfCommand('wgdeckchk0', join(dir, 'missing.conf')));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('does not exist');
    expect(result.stderr).not.toContain('Unable to');
  });
});

describe('wgSetPeerCommand', () => {
  const peer = {
    publicKey: ALICE,
    presharedKey: PSK_BOB,
    allowedIps: ['198.18.8.2/32', '2001:2:0:1042::2/128'],
    persistentKeepalive: 25,
    endpoint: null,
  };

  it('puts the preshared key on stdin, never in argv', () => {
    const command = wgSetPeerCommand('wg0', peer);
    expect(command.argv.join(' ')).not.toContain(PSK_BOB);
    expect(command.stdin).toBe(`${PSK_BOB}\n`);
    expect(command.secretStdin).toBe(true);
    expect(command.display).toBe(
      `wg set wg0 peer ${ALICE} preshared-key /dev/stdin allowed-ips 198.18.8.2/32,2001:2:0:1042::2/128 persistent-keepalive 25  [preshared key on stdin]`,
    );
  });

  it('wg reads the key from stdin even when stdin is a socket (real wg)', () => {
    const result = run(wgSetPeerCommand('wgdeckchk0', peer));
    expect(result.stderr).toContain('Unable to modify interface'); // arguments and key parsed; no such interface
  });

  it('why the pipe: wg cannot fopen a socket as /dev/stdin', () => {
    const direct = spawnSync('wg', ['set', 'wgdeckchk0', 'peer', ALICE, 'preshared-key', '/dev/stdin'], {
      input: `${PSK_BOB}\n`,
      encoding: 'utf8',
    });
    expect(direct.stderr).not.toContain('Unable to modify interface');
  });

  it('clears the key with /dev/null, keepalive off, an endpoint when pinned', () => {
    const command = wgSetPeerCommand('wg0', {
      ...peer,
      presharedKey: null,
      persistentKeepalive: null,
      endpoint: '[2001:2:0:1002::1]:51820',
    });
    expect(command.argv).toEqual([
      'wg',
      'set',
      'wg0',
      'peer',
      ALICE,
      'preshared-key',
      '/dev/null',
      'allowed-ips',
      '198.18.8.2/32,2001:2:0:1042::2/128',
      'persistent-keepalive',
      'off',
      'endpoint',
      '[2001:2:0:1002::1]:51820',
    ]);
    expect(command.stdin).toBeNull();
    expect(run(command).stderr).toContain('Unable to modify interface');
  });

  it('removes a peer', () => {
    expect(wgRemovePeerCommand('wg0', ALICE).argv).toEqual(['wg', 'set', 'wg0', 'peer', ALICE, 'remove']);
    expect(run(wgRemovePeerCommand('wgdeckchk0', ALICE)).stderr).toContain('Unable to modify interface');
  });
});

describe('shell quoting', () => {
  it.each([
    ['wg0', 'wg0'],
    [ALICE, ALICE],
    ['', "''"],
    ["it's", `'it'\\''s'`],
    ['$(reboot)', "'$(reboot)'"],
    ['a b', "'a b'"],
    ['line\nbreak', "'line\nbreak'"],
  ])('%j → %s', (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
    const echoed = spawnSync('sh', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' }).stdout;
    expect(echoed).toBe(arg);
  });
});
