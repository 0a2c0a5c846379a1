// `wgdeck server import`: lists the hosts of an ssh config resolved (a table in 80 columns, or JSON
// with `added`), and with --add adds them through server add's path — an unknown host key is not
// trusted without a terminal or --accept-new, an unsupported option or an unknown alias is refused
// before anything is contacted, and a host already added is not added twice.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeContext } from '../../src/cli/context.ts';
import { runCli } from '../../src/cli/program.ts';
import { Engine } from '../../src/main/core/engine.ts';
import { collectorFrame, startFakeServer, type FakeServer } from '../support/fake-ssh-server.ts';

let engine: Engine;
let stdout: string;
let stderr: string;
let dir: string;
let fake: FakeServer;
let wgdeck: (...args: string[]) => Promise<number>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wgdeck-import-'));
  engine = new Engine({ dataDir: join(dir, 'data'), userKnownHostsPath: null });
  fake = await startFakeServer({
    onExec: (command, channel) => {
      if (command.includes('@wgdeck')) channel.write(collectorFrame(1));
      channel.exit(command.includes('@wgdeck') ? 0 : 1);
      channel.end();
    },
  });
  stdout = '';
  stderr = '';
  const ctx = makeContext(join(dir, 'data'), engine, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  wgdeck = (...args) => runCli(args, { context: () => ctx });
  // The error an action throws is reported on the process's stderr (program.ts), not the context's.
  vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
    stderr += String(text);
    return true;
  });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fake.close();
});

function config(): string {
  const file = join(dir, 'config');
  writeFileSync(
    file,
    `
Host * !lab !lab-again
  User ops
Host lab lab-again
  HostName 127.0.0.1
  Port ${fake.port}
  User root
  IdentityFile ${fake.identityFile}
Host edge
  HostName 198.18.0.7
  Port 2222
  ProxyJump bastion
Host bastion
  HostName 198.18.0.1
  User jump
  ProxyJump none
Host piped
  HostName 198.18.0.9
  ProxyCommand nc %h %p
`,
  );
  return file;
}

const candidatesJson = () =>
  (JSON.parse(stdout) as { candidates: { alias: string; added: boolean }[] }).candidates;

describe('wgdeck server import', () => {
  it('lists the resolved hosts in 80 columns, with hops and unsupported options', async () => {
    expect(await wgdeck('server', 'import', '--ssh-config', config())).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ALIAS +DESTINATION +ADDED$/);
    expect(stdout).toContain(`lab (+lab-again)`);
    expect(stdout).toContain(`root@127.0.0.1:${fake.port}`);
    expect(stdout).toMatch(/edge +ops@198\.18\.0\.7:2222\n +via ops@198\.18\.0\.1:22\n/);
    expect(stdout).toMatch(/piped +ops@198\.18\.0\.9:22\n +unsupported: ProxyCommand\n/);
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
  });

  it('--json: the candidates with added, after a server with that destination exists', async () => {
    await engine.servers.save({ name: 'edge-1', host: '198.18.0.7', port: 2222, user: 'ops', sudo: false });
    expect(await wgdeck('server', 'import', '--ssh-config', config(), '--json')).toBe(0);
    const found = candidatesJson();
    expect(found.map((c) => [c.alias, c.added])).toEqual([
      ['lab', false],
      ['edge', true],
      ['bastion', false],
      ['piped', false],
    ]);
    expect(found[1]).toEqual({
      alias: 'edge',
      host: '198.18.0.7',
      port: 2222,
      user: 'ops',
      identityFile: null,
      // First value wins: the leading `Host *` User beats bastion's own.
      jump: ['ops@198.18.0.1:22'],
      unsupported: [],
      added: true,
    });
  });

  it('--add adds through server add (key pinned with --accept-new), then shows it as added', async () => {
    const file = config();
    expect(await wgdeck('server', 'import', '--ssh-config', file, '--add', 'lab', '--accept-new')).toBe(0);
    expect(stdout).toContain(`Added lab (root@127.0.0.1:${fake.port}).`);
    expect(stdout).toContain('WireGuard interfaces: wg0');
    expect((await engine.servers.list()).map((s) => s.name)).toEqual(['lab']);
    expect((await engine.servers.list())[0]).toMatchObject({ identityFile: fake.identityFile });
    stdout = '';
    expect(await wgdeck('server', 'import', '--ssh-config', file, '--json')).toBe(0);
    expect(candidatesJson()[0]).toMatchObject({ alias: 'lab', added: true });
    // The same destination again, under its other alias: refused, not a duplicate.
    expect(await wgdeck('server', 'import', '--ssh-config', file, '--add', 'lab-again')).not.toBe(0);
    expect(stderr).toMatch(/lab-again .* is already a server/);
  });

  it('an unknown host key is not trusted without a terminal or --accept-new (exit 5)', async () => {
    expect(await wgdeck('server', 'import', '--ssh-config', config(), '--add', 'lab')).toBe(5);
    expect(await engine.servers.list()).toEqual([]);
  });

  it('refuses unsupported options and unknown aliases before adding anything', async () => {
    const file = config();
    expect(await wgdeck('server', 'import', '--ssh-config', file, '--add', 'lab', 'piped')).not.toBe(0);
    expect(stderr).toContain('piped uses ProxyCommand');
    expect(await wgdeck('server', 'import', '--ssh-config', file, '--add', 'lab', 'nope')).toBe(2);
    expect(stderr).toContain('No Host nope in');
    expect(await engine.servers.list()).toEqual([]);
    expect(fake.stats.connections).toBe(0);
  });

  it('--add takes a multi-hop chain as the jump setting (checked, then dialled: here refused)', async () => {
    const file = join(dir, 'chain');
    writeFileSync(
      file,
      'Host hop-a hop-b\n  HostName 127.0.0.1\n  Port 1\nHost far\n  HostName 127.0.0.1\n  ProxyJump hop-a,ops@hop-b\n',
    );
    expect(await wgdeck('server', 'import', '--ssh-config', file, '--json')).toBe(0);
    expect(candidatesJson()[1]).toMatchObject({
      alias: 'far',
      jump: [expect.stringMatching(/@127\.0\.0\.1:1$/), 'ops@127.0.0.1:1'],
    });
    // Past the schema (a bad chain would be INVALID_INPUT, exit 2): the first hop refuses the connection.
    expect(await wgdeck('server', 'import', '--ssh-config', file, '--add', 'far', '--accept-new')).toBe(3);
    expect(await engine.servers.list()).toEqual([]);
  });

  it('a missing config lists nothing', async () => {
    expect(await wgdeck('server', 'import', '--ssh-config', join(dir, 'none'))).toBe(0);
    expect(stdout).toContain('No hosts in');
  });
});
