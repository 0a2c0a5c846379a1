import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { ApiEvents, EventName } from '../src/shared/api.ts';
import type { ApiHandlers } from '../src/shared/rpc.ts';
import { DEFAULT_SETTINGS } from '../src/shared/settings.ts';
import type { ServerLive } from '../src/shared/domain.ts';
import { DeltaEncoder, type ServerDelta } from '../src/shared/live-delta.ts';
import { startBrowserMode } from '../src/headless/browser-mode.ts';
import { launchChromium } from '../e2e/support/chromium.ts';
import { bar, fmt, median, type BarResult } from './stats.ts';
import { syntheticServerStates } from './synthetic-server.ts';

const ROOT = join(import.meta.dirname, '..');
const SERVERS = 10;
const PEERS = 1000;
const POLLS = 8;

function serverHistory(index: number): ServerLive[] {
  const states = syntheticServerStates({
    name: `s${index}`,
    peers: PEERS,
    polls: POLLS,
    every: 20,
    seed: 100 + index,
  });
  return states.map((state) => ({ ...state, host: `198.18.1.${index + 2}` }));
}

/** Just enough of an Engine for the UI: a fleet that exists only in memory. */
function syntheticEngine(histories: ServerLive[][]) {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const notInBench = () => Promise.reject(new Error('not part of the benchmark'));
  const handlers = {
    'app:info': () =>
      Promise.resolve({
        version: 'bench',
        dataDir: '/nonexistent',
        host: 'browser' as const,
        canPersistSecrets: false,
      }),
    'server:list': () =>
      Promise.resolve(
        histories.map((h, i) => ({
          name: h[0]!.name,
          host: h[0]!.host,
          port: 22,
          user: 'root',
          sudo: false,
          group: i < 5 ? 'eu' : 'us',
        })),
      ),
    'fleet:sync': () => Promise.resolve(histories.map((h) => ({ name: h[0]!.name, seq: 1, live: h[0]! }))),
    'fleet:state': () => Promise.resolve(histories.map((h) => h[0]!)),
    'settings:get': () => Promise.resolve(DEFAULT_SETTINGS),
    'server:add': notInBench,
    'server:remove': notInBench,
    'server:update': notInBench,
    'server:reconnect': notInBench,
    'server:setCredentials': notInBench,
    'server:importSshConfig': () => Promise.resolve([]),
    'server:retrust': notInBench,
    'server:probeHostKey': notInBench,
    'settings:update': notInBench,
    'history:peer': notInBench,
    'history:interface': notInBench,
    'history:server': notInBench,
    'history:fleet': notInBench,
    'history:usage': notInBench,
    'history:events': notInBench,
    'peers:read': notInBench,
    'peers:names': () => Promise.resolve([]),
    'peers:interfaces': notInBench,
    'peers:drift': notInBench,
    'peers:preview': notInBench,
    'peers:apply': notInBench,
    'peers:discard': notInBench,
    'peers:change': notInBench,
    'peers:clientConfig': notInBench,
    'group:list': () => Promise.resolve([]),
    'group:add': notInBench,
    'group:update': notInBench,
    'group:remove': notInBench,
    'placement:rank': notInBench,
    'events:list': () => Promise.resolve([]),
    'alert:list': () => Promise.resolve([]),
    'alert:add': notInBench,
    'alert:update': notInBench,
    'alert:remove': notInBench,
    'alert:snooze': notInBench,
    'alerts:firing': () => Promise.resolve([]),
    'alert:webhook': () => Promise.resolve({ url: null }),
    'alert:setWebhook': notInBench,
    'alert:testWebhook': notInBench,
    'exporters:status': notInBench,
    'exporters:setVmSecret': notInBench,
    'exporters:vmSecretSet': notInBench,
  } satisfies ApiHandlers;
  return {
    handlers,
    subscribe<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    emit<E extends EventName>(event: E, payload: ApiEvents[E]) {
      for (const listener of listeners.get(event) ?? []) (listener as (p: ApiEvents[E]) => void)(payload);
    },
  };
}

/** The deltas of every poll after the first, in the order the engine would send them. */
function deltasFor(histories: ServerLive[][], full: boolean): ServerDelta[] {
  const encoders = histories.map((h) => {
    const encoder = new DeltaEncoder();
    encoder.encode(h[0]!); // seq 1, what fleet:sync returned
    return encoder;
  });
  const out: ServerDelta[] = [];
  for (let poll = 1; poll <= POLLS; poll++) {
    histories.forEach((history, s) => {
      const delta = encoders[s]!.encode(history[poll]!);
      // Baseline: the same update carried as the whole state (every peer object new).
      out.push(full ? { name: delta.name, seq: delta.seq, full: history[poll]! } : delta);
    });
  }
  return out;
}

/**
 * What one live update costs the window (store update + React render + layout) with 10 servers ×
 * 1,000 peers, on the overview and on a server page with its virtualized table, delta vs full state.
 */
export async function benchRenderer(): Promise<BarResult[]> {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) {
    spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  const histories = Array.from({ length: SERVERS }, (_, i) => serverHistory(i));
  const engine = syntheticEngine(histories);
  const app = await startBrowserMode({ engine, rendererDir: join(ROOT, 'out', 'renderer') });
  const browser = await launchChromium();
  const results: Record<string, number> = {};
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const measureRun = async (label: string, hash: string, full: boolean): Promise<void> => {
      await page.goto(`${app.url}&measure=1${hash}`);
      await page
        .getByTestId(hash.includes('server') ? 'peers-table' : 'fleet-servers')
        .first()
        .waitFor();
      await page.evaluate(() => performance.clearMeasures());
      for (const delta of deltasFor(histories, full)) {
        engine.emit('fleet:delta', delta);
        await new Promise((r) => setTimeout(r, 40)); // one delta per frame or two: measured one by one
      }
      await new Promise((r) => setTimeout(r, 300));
      const durations = await page.evaluate(() =>
        performance.getEntriesByName('wgdeck:live-update').map((e) => e.duration),
      );
      if (durations.length < SERVERS * POLLS * 0.8)
        throw new Error(`${label}: only ${durations.length} updates measured`);
      results[label] = median(durations);
    };
    await measureRun('overview, delta', '#/', false);
    await measureRun('server page, delta', '#/server/s0/wg0', false);
    await measureRun('server page, full state', '#/server/s0/wg0', true);
  } finally {
    await browser.close();
    await app.close();
  }
  console.log(
    `\n## Renderer cost of one live update, ${SERVERS} servers × ${PEERS.toLocaleString()} peers, 5 % changing (Chromium, median of ${SERVERS * POLLS})`,
  );
  for (const [label, value] of Object.entries(results)) console.log(`  ${label.padEnd(24)}: ${fmt(value)}`);
  const delta = results['server page, delta']!;
  const full = results['server page, full state']!;
  console.log(`  ratio full / delta (server page): ${(full / delta).toFixed(1)}×`);
  return [
    bar(
      'a live update on a server page of a 10 × 1,000 fleet costs < 16 ms (one frame)',
      delta < 16,
      fmt(delta),
    ),
  ];
}
