// `wgdeck group …` and `server edit --max-peers/--weight`: groups are kept in groups.json, a group
// only named by a server is listed (undefined, priority 0), a group with servers cannot be removed,
// and placement refuses an unknown group. Placement's ranking itself: src/main/core/fleet/placement.test.ts;
// against real servers: test/lab/placement.test.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeContext } from '../../src/cli/context.ts';
import { runCli } from '../../src/cli/program.ts';
import { Engine } from '../../src/main/core/engine.ts';
import type { GroupSummary } from '../../src/shared/groups.ts';

let engine: Engine;
let dataDir: string;
let output: string;
let wgdeck: (...args: string[]) => Promise<number>;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-group-'));
  engine = new Engine({ dataDir, userKnownHostsPath: null });
  await engine.servers.save({
    name: 'edge',
    host: '198.18.7.1',
    port: 22,
    user: 'root',
    sudo: false,
    group: 'eu',
  });
  output = '';
  const ctx = makeContext(dataDir, engine, { stdout: (t) => (output += t), stderr: (t) => (output += t) });
  wgdeck = (...args) => runCli(args, { context: () => ctx });
});

const groups = async (): Promise<GroupSummary[]> => {
  output = '';
  expect(await wgdeck('group', 'list', '--json')).toBe(0);
  return (JSON.parse(output) as { groups: GroupSummary[] }).groups;
};

describe('wgdeck group', () => {
  it('lists a group only a server names, then defines, edits and removes one', async () => {
    expect(await groups()).toEqual([{ name: 'eu', priority: 0, defined: false, servers: ['edge'] }]);
    expect(await wgdeck('group', 'add', 'us-east', '--region', 'us-east-1', '--priority', '10')).toBe(0);
    expect(await wgdeck('group', 'edit', 'us-east', '--description', 'production')).toBe(0);
    expect(await wgdeck('group', 'edit', 'eu', '--priority', '5')).toBe(0); // defines it
    expect(await groups()).toEqual([
      {
        name: 'us-east',
        region: 'us-east-1',
        description: 'production',
        priority: 10,
        defined: true,
        servers: [],
      },
      { name: 'eu', priority: 5, defined: true, servers: ['edge'] },
    ]);
    expect(JSON.parse(readFileSync(join(dataDir, 'groups.json'), 'utf8'))).toMatchObject({ version: 1 });
    expect(await wgdeck('group', 'remove', 'us-east')).toBe(0);
    expect((await groups()).map((g) => g.name)).toEqual(['eu']);
  });

  it('refuses to remove a group with servers, a duplicate, an unknown group and a bad priority', async () => {
    output = '';
    expect(await wgdeck('group', 'remove', 'eu')).toBe(1);
    expect(await wgdeck('group', 'add', 'x')).toBe(0);
    expect(await wgdeck('group', 'add', 'x')).toBe(1);
    expect(await wgdeck('group', 'edit', 'nope', '--priority', '1')).toBe(2);
    expect(await wgdeck('group', 'add', 'y', '--priority', 'high')).toBe(2);
    expect(await wgdeck('placement', '--group', 'nope')).toBe(2);
  });

  it('server edit sets and drops capacity and weight, without touching the rest', async () => {
    expect(await wgdeck('server', 'edit', 'edge', '--max-peers', '250', '--weight', '1.5')).toBe(0);
    expect((await engine.servers.get('edge')).maxPeers).toBe(250);
    expect((await engine.servers.get('edge')).weight).toBe(1.5);
    expect(await wgdeck('server', 'edit', 'edge', '--max-peers', '0')).toBe(2);
    expect(await wgdeck('server', 'edit', 'edge', '--weight', '-1')).toBe(2);
    expect(await wgdeck('server', 'edit', 'edge', '--max-peers', 'none', '--weight', 'none')).toBe(0);
    const edge = await engine.servers.get('edge');
    expect(edge.maxPeers).toBeUndefined();
    expect(edge.weight).toBeUndefined();
    expect(edge.group).toBe('eu');
  });

  it('server edit sets and drops its own status rule', async () => {
    expect(await wgdeck('server', 'edit', 'edge', '--status-rule', 'either')).toBe(0);
    expect((await engine.servers.get('edge')).statusRule).toBe('either');
    expect(await wgdeck('server', 'edit', 'edge', '--status-rule', 'sometimes')).toBe(2);
    expect(await wgdeck('server', 'edit', 'edge', '--status-rule', 'none')).toBe(0);
    expect((await engine.servers.get('edge')).statusRule).toBeUndefined();
  });
});
