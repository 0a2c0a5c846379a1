// `wgdeck alert …`: rules are kept in alerts.json, each kind takes its thresholds (and refuses what it
// lacks), edit keeps the flags not given, snooze for a while / until cleared / off, and an unknown id
// exits 2. The evaluation itself: src/main/core/alerts/alert-evaluator.test.ts.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { parseBytes } from '../../src/cli/commands/alert.ts';
import { makeContext } from '../../src/cli/context.ts';
import { runCli } from '../../src/cli/program.ts';
import { Engine } from '../../src/main/core/engine.ts';
import { SNOOZE_UNTIL_CLEARED, type AlertRule } from '../../src/shared/alerts.ts';

const KEY = `${'A'.repeat(43)}=`;

let engine: Engine;
let dataDir: string;
let output: string;
let wgdeck: (...args: string[]) => Promise<number>;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-alert-'));
  engine = new Engine({ dataDir, userKnownHostsPath: null });
  output = '';
  const ctx = makeContext(dataDir, engine, { stdout: (t) => (output += t), stderr: (t) => (output += t) });
  wgdeck = (...args) => runCli(args, { context: () => ctx });
});

const rules = async (): Promise<AlertRule[]> => {
  output = '';
  expect(await wgdeck('alert', 'list', '--json')).toBe(0);
  return (JSON.parse(output) as { rules: AlertRule[] }).rules;
};

const added = async (...args: string[]): Promise<AlertRule> => {
  output = '';
  expect(await wgdeck('alert', 'add', ...args, '--json'), output).toBe(0);
  return JSON.parse(output) as AlertRule;
};

describe('wgdeck alert', () => {
  it('adds each kind, edits, snoozes, lists and removes rules', async () => {
    const iface = await added('interface-problems', '--server', 'edge', '--per-minute', '100');
    expect(iface).toMatchObject({
      kind: 'interface-problems',
      server: 'edge',
      counters: 'either',
      perMinute: 100,
    });
    const offline = await added(
      'peer-offline',
      '--server',
      'edge',
      '--interface',
      'wg0',
      '--peer',
      KEY,
      '--minutes',
      '10',
    );
    expect(offline).toMatchObject({ publicKey: KEY, minutes: 10, enabled: true });
    const down = await added('server-unreachable');
    expect(down).toMatchObject({ minutes: 5 });
    expect(await added('ping-loss', '--disabled')).toMatchObject({ minutes: 0, enabled: false });
    expect(await added('peer-traffic', '--bytes-per-day', '50GiB')).toMatchObject({
      bytesPerDay: 50 * 1024 ** 3,
    });
    expect((await rules()).map((r) => r.kind)).toEqual([
      'interface-problems',
      'peer-offline',
      'server-unreachable',
      'ping-loss',
      'peer-traffic',
    ]);

    expect(await wgdeck('alert', 'edit', iface.id, '--counters', 'drops', '--server', '', '--disable')).toBe(
      0,
    );
    expect((await rules())[0]).toEqual({ ...iface, counters: 'drops', server: undefined, enabled: false });
    expect((await rules())[0]).not.toHaveProperty('server');

    expect(await wgdeck('alert', 'snooze', down.id, '--for', '1h')).toBe(0);
    const snoozed = (await rules())[2]!.snoozedUntil!;
    expect(Math.abs(snoozed - (Date.now() / 1000 + 3600))).toBeLessThan(60);
    expect(await wgdeck('alert', 'snooze', down.id, '--until-cleared')).toBe(0);
    expect((await rules())[2]!.snoozedUntil).toBe(SNOOZE_UNTIL_CLEARED);
    output = '';
    expect(await wgdeck('alert', 'list')).toBe(0);
    expect(output).toContain(
      `${down.id}\tServer unreachable (every server) for 5 min, snoozed until cleared`,
    );
    expect(output).toContain(
      `${iface.id}\tInterface errors or drops (every server) drops > 100/min, disabled`,
    );
    expect(await wgdeck('alert', 'snooze', down.id, '--off')).toBe(0);
    expect((await rules())[2]!.snoozedUntil).toBeNull();

    expect(await wgdeck('alert', 'remove', offline.id)).toBe(0);
    expect((await rules()).map((r) => r.id)).not.toContain(offline.id);
    expect(JSON.parse(readFileSync(join(dataDir, 'alerts.json'), 'utf8'))).toMatchObject({ version: 1 });
  });

  it('refuses a missing threshold, a bad number, an unknown kind or id, and a double snooze', async () => {
    // Usage errors go where commander writes them (process.stderr), the rest through the context.
    let stderr = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      stderr += String(text);
      return true;
    });
    const refused = async (code: number, ...args: string[]) => {
      output = '';
      stderr = '';
      expect(await wgdeck('alert', ...args), `${args.join(' ')}: ${output}${stderr}`).toBe(code);
      return output + stderr;
    };
    onTestFinished(() => spy.mockRestore());
    expect(await refused(2, 'add', 'interface-problems')).toContain('--per-minute');
    expect(await refused(2, 'add', 'peer-offline', '--minutes', '5')).toContain('--server');
    expect(await refused(2, 'add', 'server-unreachable', '--minutes', 'soon')).toContain('--minutes');
    expect(await refused(2, 'add', 'disk-full')).toContain('Allowed choices');
    expect(await refused(2, 'add', 'ping-loss', '--peer', 'nobody')).toContain('No peer named');
    expect(await refused(2, 'edit', 'zzzzzzzz', '--minutes', '1')).toContain('No alert rule');
    expect(await refused(2, 'remove', 'zzzzzzzz')).toContain('NO_SUCH_ALERT_RULE');
    const rule = await added('server-unreachable');
    expect(await refused(2, 'snooze', rule.id)).toContain('--for');
    expect(await refused(2, 'snooze', rule.id, '--for', '1h', '--off')).toContain('one of');
    expect(await refused(2, 'snooze', rule.id, '--for', 'ever')).toContain('--for');
  });

  it('reads sizes in binary units, as the app shows them', () => {
    expect(parseBytes('1000')).toBe(1000);
    expect(parseBytes('500MiB')).toBe(500 * 1024 ** 2);
    expect(parseBytes('1.5G')).toBe(1.5 * 1024 ** 3);
    expect(() => parseBytes('lots')).toThrow(/size/);
  });
});
