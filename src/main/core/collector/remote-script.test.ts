import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from './frame-decoder.ts';
import { parseFrame } from './parse-frame.ts';
import { collectorCommand } from './remote-script.ts';

const PRIVATE = 'cGhpbGlwcGEgcHJpdmF0ZSBrZXkgMzIgYnl0ZXMgISE=';
const PUBLIC = 'c2VydmVyIHB1YmxpYyBrZXkgMzIgYnl0ZXMgaGVyZSE=';
const PEER = 'cGVlciBwdWJsaWMga2V5IDMyIGJ5dGVzIGhlcmUgISE=';
const PSK = 'cHJlc2hhcmVkIGtleSAzMiBieXRlcyBoZXJlIDEyMzQ=';

/**
 * Runs the real script with `sh` on this machine, with a stand-in `wg` first on PATH, so every case
 * runs everywhere (no WireGuard needed) and exercises the script's own masking and error handling.
 */
function runWith(fakeWg: string): { stdout: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'wgdeck-fake-wg-'));
  writeFileSync(join(dir, 'wg'), `#!/bin/sh\n${fakeWg}\n`);
  chmodSync(join(dir, 'wg'), 0o755);
  const run = spawnSync('sh', ['-c', collectorCommand(0, false, 1)], {
    timeout: 20_000,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}:${process.env['PATH'] ?? '/usr/bin:/bin'}` },
  });
  return { stdout: run.stdout, status: run.status };
}

function parseOne(stdout: string) {
  const drops: string[] = [];
  const decoder = new FrameDecoder({ onDrop: (reason) => drops.push(reason) });
  const frames = [...decoder.push(stdout), ...decoder.end()];
  expect(drops).toEqual([]);
  expect(frames).toHaveLength(1);
  return parseFrame(frames[0]!);
}

const tab = (...fields: string[]) => fields.join('\\t');

describe('the remote script, run locally', () => {
  it('prints one frame that parses, with netdev and system filled, secrets masked', () => {
    const { stdout, status } = runWith(
      `printf '${tab('wg0', PRIVATE, PUBLIC, '51820', 'off')}\\n${tab('wg0', PEER, PSK, '198.18.1.2:5000', '198.18.128.2/32', '1700000000', '10', '20', '25')}\\n'`,
    );
    expect(status).toBe(0);
    expect(stdout).not.toContain(PRIVATE);
    expect(stdout).not.toContain(PSK);
    const result = parseOne(stdout);
    if (!result.ok) throw new Error(result.error);
    expect(result.warnings).toEqual([]);
    const { snapshot } = result;
    expect(snapshot.seq).toBe(1);
    expect(Math.abs(snapshot.serverTime - Date.now() / 1000)).toBeLessThan(60);
    expect(snapshot.monotonic).toBeGreaterThan(0);
    expect(snapshot.wgError).toBeNull();
    expect(snapshot.interfaces[0]!.peers[0]).toMatchObject({ publicKey: PEER, presharedKey: true });
    expect(snapshot.netdev['lo']).toBeDefined();
    for (const [field, value] of Object.entries(snapshot.system)) expect(value, field).not.toBeNull();
  });

  it('masks the private key on an interface line of any width (another wg build)', () => {
    const wide = tab(
      'wg0',
      PRIVATE,
      PUBLIC,
      '51820',
      'off',
      ...Array.from({ length: 17 }, (_, i) => `x${i}`),
    );
    const { stdout } = runWith(`printf '${wide}\\n'`);
    expect(stdout).not.toContain(PRIVATE);
    expect(stdout).toContain('(hidden)');
  });

  it('keeps a warning on stderr out of a good dump (sudo: unable to resolve host, exit 0)', () => {
    const { stdout } = runWith(
      `echo 'sudo: unable to resolve host edge-1: Name or service not known' >&2; printf '${tab('wg0', PRIVATE, PUBLIC, '51820', 'off')}\\n'`,
    );
    const result = parseOne(stdout);
    if (!result.ok) throw new Error(result.error);
    expect(result.snapshot.wgError).toBeNull();
    expect(result.snapshot.interfaces.map((i) => i.name)).toEqual(['wg0']);
  });

  it('reports a failing wg with bounded error text and still delivers the other sections', () => {
    const { stdout } = runWith(
      `echo 'sudo: a password is required' >&2; head -c 20000 /dev/zero | tr '\\0' x >&2; exit 1`,
    );
    const result = parseOne(stdout);
    if (!result.ok) throw new Error(result.error);
    expect(result.snapshot.wgError).toContain('a password is required');
    expect(result.snapshot.wgError!.length).toBeLessThan(2000);
    expect(result.snapshot.interfaces).toEqual([]);
    expect(result.snapshot.netdev['lo']).toBeDefined();
  });
});
