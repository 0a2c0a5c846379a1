import { execFileSync, spawnSync } from 'node:child_process';
import { hasUnsafeText } from '../../../shared/safe-text.ts';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../peers/commands.ts';
import { parseInterfaceRead } from './interface-read.ts';
import { toShellCommand } from '../peers/commands.ts';
import { EXIT_NEEDS_ROOT, remoteOps } from './remote-ops.ts';
import { privileged } from './remote-runner.ts';

const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');
const KEY = 'A'.repeat(43) + '=';
const DUMP = `wg0\t(hidden)\t${KEY}\t51820\toff\nwg0\t${KEY.replace('A', 'B')}\t(hidden)\t198.18.0.2:4000\t10.0.0.2/32\t0\t1\t2\toff\n`;

function output(lines: string[]): string {
  return ['wgdeck-read 1', ...lines, 'end', ''].join('\n');
}

describe('parseInterfaceRead', () => {
  it('reads the file byte for byte, the dump, backups newest first, and rollback state', () => {
    const text = '\ufeff[Interface]\r\nListenPort = 51820\r\n';
    const read = parseInterfaceRead(
      output([
        `file ${b64(text)}`,
        `dump ${b64(DUMP)}`,
        'backup wg0.conf.20261122T101500Z 120',
        'backup wg0.conf.20261123T090000Z 130',
        'backup evil/../x 1',
        'pending tx1 wg0.conf.20261123T090000Z 4242',
      ]),
      'root@h:22',
      'wg0',
      '/etc/wireguard/wg0.conf',
    );
    expect(read.fileText).toBe(text);
    expect(read.sha256).toBe(sha256Hex(text)); // the BOM is kept, so the hash is the file's
    expect(read.live?.listenPort).toBe(51820);
    expect(read.live?.peers).toHaveLength(1);
    expect(read.backups.map((b) => b.id)).toEqual(['wg0.conf.20261123T090000Z', 'wg0.conf.20261122T101500Z']);
    expect(read.backups[0]!.takenAt).toBe(Date.UTC(2026, 10, 23, 9, 0, 0));
    expect(read.pending).toEqual({ txId: 'tx1', backup: 'wg0.conf.20261123T090000Z' });
    expect(read.rolledBack).toBeNull();
  });

  it('says so when there is no file and the interface is down', () => {
    const read = parseInterfaceRead(output(['file -', 'dump -']), 'h', 'wg0', '/etc/wireguard/wg0.conf');
    expect(read.fileText).toBeNull();
    expect(read.live).toBeNull();
  });

  it('refuses a file that is not UTF-8 text, and output that is not the protocol', () => {
    expect(() =>
      parseInterfaceRead(output([`file ${b64(Buffer.from([0xff, 0xfe, 0x41]))}`]), 'h', 'wg0', '/p/wg0.conf'),
    ).toThrow(/not UTF-8/);
    expect(() => parseInterfaceRead(output([`file ${b64('a\0b')}`]), 'h', 'wg0', '/p/wg0.conf')).toThrow(
      /NUL/,
    );
    expect(() => parseInterfaceRead('Welcome to the server!\n', 'h', 'wg0', '/p/wg0.conf')).toThrow(
      /Unexpected output/,
    );
    expect(() =>
      parseInterfaceRead(output([`dump ${b64('wg0\tsecret\n')}`]), 'h', 'wg0', '/p/wg0.conf'),
    ).toThrow(/dump/);
  });
});

describe('remote operations', () => {
  it('refuse to run without root, with their own exit status (no half-read file taken for an empty one)', () => {
    const command = remoteOps.read('wg0', '/etc/wireguard/wg0.conf');
    // As nobody (or as whoever runs the tests, when that is not root): a login without sudo.
    const shell = ['sh', '-c', toShellCommand(command)];
    const argv =
      process.getuid?.() === 0
        ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...shell]
        : shell;
    const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    expect(result.status).toBe(EXIT_NEEDS_ROOT);
    expect(result.stderr).toContain('needs root');
    expect(result.stdout).toBe('');
  });

  it('are one valid POSIX sh script (dash -n), secrets never among the arguments', () => {
    for (const command of [
      remoteOps.read('wg0', '/etc/wireguard/wg0.conf'),
      remoteOps.prepare('wg0', '/etc/wireguard/wg0.conf', 10, 'tx', 60),
      remoteOps.lock('wg0', 30),
    ]) {
      expect(command.argv.slice(0, 2)).toEqual(['sh', '-c']);
      execFileSync('dash', ['-n', '-c', command.argv[2]!]);
      const rollback = /^ROLLBACK='([\s\S]*?)'\n/.exec(command.argv[2]!)![1]!.replace(/'\\''/g, "'");
      execFileSync('dash', ['-n', '-c', rollback]);
      expect(command.stdin).toBeNull();
    }
  });

  it('run through sudo -n as /bin/sh (what the sudoers rule names), quoted for the remote shell', () => {
    const line = privileged(remoteOps.lock('wg0', 30), true);
    expect(line.startsWith("sudo -n /bin/sh -c 'ROLLBACK=")).toBe(true);
    expect(line.endsWith(' wgdeck lock wg0 30')).toBe(true);
    expect(privileged(remoteOps.lock('wg0', 30), false).startsWith("/bin/sh -c 'ROLLBACK=")).toBe(true);
  });
});

describe('a failed rollback, as the server records it', () => {
  it('is read with its reason cleaned of terminal escapes and bidi controls', () => {
    const out = 'wgdeck-read 1\nrollback-failed tx9 the backup \u001b[2Jwg0.conf.x\u202e is gone\nend\n';
    const read = parseInterfaceRead(out, 'h', 'wg0', '/p/wg0.conf');
    expect(read.rollbackFailed?.txId).toBe('tx9');
    expect(read.rollbackFailed?.reason).toContain('is gone');
    expect(hasUnsafeText(read.rollbackFailed!.reason)).toBe(false);
  });
});
