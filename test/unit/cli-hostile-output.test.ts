// What the CLI prints when the model holds hostile server text (as if a parser had let it through):
// no printer may put a raw ESC, C1 control or direction override on the terminal. Printed through the
// same context `wgdeck` uses, with the real Engine (its methods answered with the hostile model).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeContext, type CliContext } from '../../src/cli/context.ts';
import { runCli } from '../../src/cli/program.ts';
import { renderWatch } from '../../src/cli/watch-view.ts';
import { Engine } from '../../src/main/core/engine.ts';
import type { InterfaceLive, ServerLive } from '../../src/shared/domain.ts';
import { NULL_RATES } from '../../src/shared/domain.ts';
import type { InterfaceConfigView } from '../../src/shared/peer-ops.ts';
import { hasUnsafeText } from '../../src/shared/safe-text.ts';

const ESC = '\u001b';
/** A clear screen, a window title, a colour, a C1 CSI and a right-to-left override. */
const HOSTILE = `${ESC}[2J${ESC}]0;pwned\u0007${ESC}[31m\u009b6n\u202e`;
const KEY = Buffer.alloc(32, 7).toString('base64');

const engines: Engine[] = [];
afterEach(() => {
  for (const engine of engines.splice(0)) engine.stop();
});

function hostileServer(): ServerLive {
  const iface: InterfaceLive = {
    name: `wg${HOSTILE}`,
    publicKey: KEY,
    listenPort: 51820,
    fwmark: null,
    counters: null,
    rates: { ...NULL_RATES },
    peers: [
      {
        publicKey: KEY,
        presharedKey: false,
        endpoint: `[2001:2:0:1000::1%${HOSTILE}]:51820`,
        allowedIps: ['198.18.128.2/32'],
        latestHandshake: null,
        rxBytes: 0,
        txBytes: 0,
        persistentKeepalive: null,
        status: 'never',
        rxRate: null,
        txRate: null,
        resets: 0,
        checkAddress: null,
        ping: null,
      },
    ],
  };
  return {
    name: 'lab-x',
    host: '198.18.1.2',
    state: 'error',
    error: `"wg show" failed: ${HOSTILE}`,
    errorCode: 'WG_FAILED',
    updatedAt: 1,
    serverTime: 1_700_000_000,
    interfaces: [iface],
    system: null,
    droppedFrames: 42,
  };
}

function hostileView(): InterfaceConfigView {
  return {
    server: 'lab-x',
    iface: 'wg0',
    configPath: '/etc/wireguard/wg0.conf',
    sha256: '0'.repeat(64),
    live: true,
    addresses: ['198.18.128.1/24'],
    publicKey: KEY,
    listenPort: 51820,
    saveConfig: false,
    peers: [
      {
        publicKey: KEY,
        name: `alice${HOSTILE}`,
        allowedIps: ['198.18.128.2/32'],
        persistentKeepalive: null,
        checkAddress: null,
        statusRule: null,
        statusThresholds: null,
        endpoint: null,
        hasPresharedKey: false,
        disabled: false,
        quota: null,
        expiresAt: null,
        schedule: null,
        disabledBy: null,
      },
    ],
    problems: [],
    drift: null,
    backups: [{ id: `wg0.conf.${HOSTILE}`, takenAt: 0, bytes: 1 }],
    pendingRollback: false,
    rollbackFailed: null,
  };
}

/** `wgdeck ARGS...` with the given context, through the real parser. */
const wgdeck = (ctx: CliContext, ...args: string[]): Promise<number> => runCli(args, { context: () => ctx });

/** A context printing into strings, the engine answering with the hostile model. */
function hostileCli(): { ctx: CliContext; printed: () => string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-cli-hostile-'));
  const engine = new Engine({ dataDir, userKnownHostsPath: null });
  engines.push(engine);
  engine.pollOnce = () => Promise.resolve([hostileServer()]);
  engine.handlers['peers:read'] = () => Promise.resolve(hostileView());
  let text = '';
  const ctx = makeContext(dataDir, engine, { stdout: (t) => (text += t), stderr: (t) => (text += t) });
  return { ctx, printed: () => text };
}

function expectTerminalSafe(printed: string): void {
  expect(printed.length).toBeGreaterThan(0);
  expect(printed.includes(ESC)).toBe(false);
  expect(hasUnsafeText(printed.replace(/[\n\t]/g, ''))).toBe(false);
}

describe('CLI printers with hostile server text', () => {
  it('status prints no escape byte, shows the text escaped, and says frames were dropped', async () => {
    const { ctx, printed } = hostileCli();
    await wgdeck(ctx, 'status');
    expectTerminalSafe(printed());
    expect(printed()).toContain('\\u001B[2J');
    expect(printed()).toContain('\\u202E');
    expect(printed()).toContain('42 frames dropped');
  });

  it('status --json prints no escape byte and still parses to the same text', async () => {
    const { ctx, printed } = hostileCli();
    await wgdeck(ctx, 'status', '--json');
    expectTerminalSafe(printed());
    const json = JSON.parse(printed()) as { servers: { error: string; droppedFrames: number }[] };
    expect(json.servers[0]!.error).toBe(hostileServer().error);
    expect(json.servers[0]!.droppedFrames).toBe(42);
  });

  it('peer list prints no escape byte from a hostile peer name', async () => {
    const { ctx, printed } = hostileCli();
    await wgdeck(ctx, 'peer', 'list', '--server', 'lab-x', '--interface', 'wg0');
    expectTerminalSafe(printed());
    expect(printed()).toContain('alice\\u001B[2J');
  });

  it('peer list --json prints no escape byte either', async () => {
    const { ctx, printed } = hostileCli();
    await wgdeck(ctx, 'peer', 'list', '--server', 'lab-x', '--interface', 'wg0', '--json');
    expectTerminalSafe(printed());
    expect((JSON.parse(printed()) as InterfaceConfigView).peers[0]!.name).toBe(`alice${HOSTILE}`);
  });

  it('the watch screen has no escape byte but its own colour marks', () => {
    const plain = renderWatch([hostileServer()], {
      rows: 40,
      columns: 200,
      intervalSeconds: 5,
      color: false,
    });
    expectTerminalSafe(plain);
    expect(plain).toContain('42 frames dropped');
    const coloured = renderWatch([hostileServer()], {
      rows: 40,
      columns: 200,
      intervalSeconds: 5,
      color: true,
    });
    // eslint-disable-next-line no-control-regex -- removing our own colour codes is the point
    expectTerminalSafe(coloured.replace(/\u001b\[(?:9\d|3\d|0)m/g, ''));
  });
});
