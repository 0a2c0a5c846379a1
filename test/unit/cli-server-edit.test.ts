// `wgdeck server edit`: changes only what it is given, drops a setting with `none`, refuses an edit
// that changes nothing and a server that does not exist, and writes what the store validates.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/cli/context.ts';
import { runCli } from '../../src/cli/program.ts';
import { Engine } from '../../src/main/core/engine.ts';

let engine: Engine;
let output: string;
let wgdeck: (...args: string[]) => Promise<number>;

beforeEach(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-edit-'));
  engine = new Engine({ dataDir, userKnownHostsPath: null });
  await engine.servers.save({
    name: 'edge',
    host: '198.18.7.1',
    port: 22,
    user: 'admin',
    sudo: true,
    jump: 'ops@198.18.7.254:2222',
    group: 'eu',
  });
  output = '';
  const ctx = makeContext(dataDir, engine, { stdout: (t) => (output += t), stderr: (t) => (output += t) });
  wgdeck = (...args) => runCli(args, { context: () => ctx });
});

const stored = async () => (await engine.servers.list()).find((s) => s.name === 'edge')!;

describe('wgdeck server edit', () => {
  it('changes what it is given and keeps the rest', async () => {
    expect(await wgdeck('server', 'edit', 'edge', '--port', '2200', '--interval', '10')).toBe(0);
    expect(await stored()).toMatchObject({
      host: '198.18.7.1',
      port: 2200,
      intervalSeconds: 10,
      user: 'admin',
      sudo: true,
      jump: 'ops@198.18.7.254:2222',
    });
    expect(output).toMatch(/Updated edge: port, intervalSeconds\./);
  });

  it('--no-sudo and none drop settings; --config-path adds one', async () => {
    expect(
      await wgdeck(
        'server',
        'edit',
        'edge',
        '--no-sudo',
        '--jump',
        'none',
        '--group',
        'none',
        '--config-path',
        'wg1=/srv/wg1.conf',
      ),
    ).toBe(0);
    const server = await stored();
    expect(server.sudo).toBe(false);
    expect(server.jump).toBeUndefined();
    expect(server.group).toBeUndefined();
    expect(server.configPaths).toEqual({ wg1: '/srv/wg1.conf' });
  });

  it('refuses an edit that changes nothing, an unknown server, and an invalid value', async () => {
    expect(await wgdeck('server', 'edit', 'edge')).not.toBe(0);
    expect(output).toMatch(/Nothing to change/);
    expect(await wgdeck('server', 'edit', 'nope', '--port', '2200')).not.toBe(0);
    expect(await wgdeck('server', 'edit', 'edge', '--host', 'bad host;rm')).not.toBe(0);
    expect((await stored()).host).toBe('198.18.7.1');
  });
});
