import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents, EventName } from '../shared/api.ts';
import { validateInvoke, type Outcome } from '../shared/rpc.ts';
import { Engine } from './core/engine.ts';
import { ServerStore } from './core/store/server-store.ts';
import { EngineHost, type EngineChild } from './engine-host.ts';
import type { FromEngine, ToEngine } from './engine-protocol.ts';
import { RemoteSecretStore, serveEngine, type ParentPortLike } from './engine-service.ts';
import type { FleetSummary } from './fleet-summary.ts';
import { KeychainSecretStore, type SafeStorageLike } from './keychain-secrets.ts';

/** A stand-in for safeStorage: reversible, and never the plain text on disk. */
const fakeSafe: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (plain) => Buffer.from(`sealed:${Buffer.from(plain).toString('hex')}`),
  decryptString: (sealed) => {
    const text = sealed.toString();
    if (!text.startsWith('sealed:')) throw new Error('not ours');
    return Buffer.from(text.slice('sealed:'.length), 'hex').toString();
  },
  getSelectedStorageBackend: () => 'gnome_libsecret',
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/**
 * An engine "process" in memory: a real Engine behind serveEngine, messages structured-cloned and
 * delivered asynchronously, as postMessage does between processes.
 */
function inMemoryChild(
  dataDir: string,
  canPersist: boolean,
): EngineChild & { crash(): void; engine: Engine } {
  const toChild = new EventEmitter();
  const toMain = new EventEmitter();
  const port: ParentPortLike = {
    on: (_event, listener) => toChild.on('message', (data: unknown) => listener({ data })),
    postMessage: (message: FromEngine) => {
      const copy = structuredClone(message);
      setImmediate(() => toMain.emit('message', copy));
    },
  };
  const secrets = new RemoteSecretStore((message) => port.postMessage(message), canPersist);
  const engine = new Engine({ dataDir, host: 'electron', secrets, userKnownHostsPath: null });
  const stop = serveEngine(port, engine, secrets);
  void engine.start().then(() => port.postMessage({ type: 'ready' }));
  const exit = (code: number): void => {
    stop();
    engine.stop();
    setImmediate(() => toMain.emit('exit', code));
  };
  cleanups.push(() => {
    stop();
    engine.stop();
  });
  return {
    engine,
    postMessage: (message: ToEngine) => {
      const copy = structuredClone(message);
      setImmediate(() => toChild.emit('message', copy));
    },
    on: (event: 'message' | 'exit', listener: (value: never) => void) =>
      toMain.on(event, listener as (value: unknown) => void),
    kill: () => {
      exit(0);
      return true;
    },
    crash: () => exit(1),
  };
}

function setup(options: { persist?: boolean } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-host-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const secrets = new KeychainSecretStore(
    join(dataDir, 'secrets.json'),
    options.persist === false ? null : fakeSafe,
  );
  const children: ReturnType<typeof inMemoryChild>[] = [];
  const host = new EngineHost({
    spawn: () => {
      const child = inMemoryChild(dataDir, secrets.canPersist);
      children.push(child);
      return child;
    },
    secrets,
    restartDelayMs: 10,
  });
  cleanups.push(() => host.stop());
  const events: [EventName, unknown][] = [];
  host.onEvent((event, payload) => events.push([event, payload]));
  const summaries: FleetSummary[] = [];
  host.onSummary((summary) => summaries.push(summary));
  host.start();
  return { dataDir, secrets, host, children, events, summaries };
}

const call = (host: EngineHost, method: unknown, ...args: unknown[]): Promise<Outcome> =>
  host.invoke(validateInvoke(method, args));

async function until<T>(check: () => T | undefined | false, timeoutMs = 3000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const edge = { host: '127.0.0.1', port: 9, user: 'root', sudo: false };

describe('EngineHost ↔ engine process (in-memory ports, real Engine)', () => {
  it('runs calls in the engine process and returns outcomes', async () => {
    const { host } = setup();
    expect(await call(host, 'server:list')).toEqual({ ok: true, value: [] });
    expect(await call(host, 'app:info')).toMatchObject({
      ok: true,
      value: { host: 'electron', canPersistSecrets: true },
    });
    expect(await call(host, 'server:remove', 'nothing')).toMatchObject({
      ok: false,
      error: { code: 'NO_SUCH_SERVER', message: 'No server named "nothing".' },
    });
  });

  it('reports canPersistSecrets false where the keychain is not safe', async () => {
    const { host } = setup({ persist: false });
    expect(await call(host, 'app:info')).toMatchObject({ ok: true, value: { canPersistSecrets: false } });
  });

  it('relays events and a fleet summary for the tray', async () => {
    const { host, dataDir, events, summaries } = setup();
    await new ServerStore(dataDir).save({ name: 'gone', ...edge });
    expect(await call(host, 'server:remove', 'gone')).toEqual({ ok: true });
    await until(() => events.length > 0);
    expect(events).toEqual([
      ['fleet:removed', { name: 'gone' }] satisfies [EventName, ApiEvents['fleet:removed']],
    ]);
    expect(await until(() => summaries[0])).toEqual({
      serversUp: 0,
      serversTotal: 0,
      peersOnline: 0,
      peersTotal: 0,
    });
  });

  it('keeps remembered secrets through main: encrypted on disk, never in plain text', async () => {
    const { host, dataDir, secrets } = setup();
    await new ServerStore(dataDir).save({ name: 'edge-1', ...edge });
    const set = await call(host, 'server:setCredentials', 'edge-1', { password: 'hunter2!', remember: true });
    expect(set).toEqual({ ok: true });
    const file = readFileSync(join(dataDir, 'secrets.json'), 'utf8');
    expect(file).not.toContain('hunter2');
    expect(await secrets.get('edge-1')).toEqual({ password: 'hunter2!' });
    // Another run (a fresh store on the same file) finds it.
    const again = new KeychainSecretStore(join(dataDir, 'secrets.json'), fakeSafe);
    expect(await again.get('edge-1')).toEqual({ password: 'hunter2!' });
    // Removing the server forgets its secret, on disk too.
    expect(await call(host, 'server:remove', 'edge-1')).toEqual({ ok: true });
    expect(
      await new KeychainSecretStore(join(dataDir, 'secrets.json'), fakeSafe).get('edge-1'),
    ).toBeUndefined();
  });

  it('restarts a crashed engine process: pending calls fail clearly, then fleet:resync', async () => {
    const { host, children, events } = setup();
    expect(await call(host, 'server:list')).toMatchObject({ ok: true });
    const pending = call(host, 'server:list');
    children[0]!.crash();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'ENGINE_RESTARTING' } });
    await until(() => events.find(([event]) => event === 'fleet:resync'));
    expect(events).toContainEqual(['fleet:resync', { reason: 'restarted' }]);
    expect(children).toHaveLength(2);
    expect(await call(host, 'server:list')).toEqual({ ok: true, value: [] });
  });

  it('does not restart after stop()', async () => {
    const { host, children } = setup();
    expect(await call(host, 'server:list')).toMatchObject({ ok: true });
    host.stop();
    await new Promise((r) => setTimeout(r, 50));
    expect(children).toHaveLength(1);
    expect(await call(host, 'server:list')).toMatchObject({
      ok: false,
      error: { code: 'ENGINE_RESTARTING' },
    });
  });

  it('refuses malformed secrets requests from the engine side', async () => {
    const replies: unknown[] = [];
    const listeners: ((message: unknown) => void)[] = [];
    const child = {
      postMessage: (message: unknown) => replies.push(message),
      on: (event: string, listener: (message: unknown) => void) => {
        if (event === 'message') listeners.push(listener);
      },
      kill: () => true,
    } as EngineChild;
    const host = new EngineHost({
      spawn: () => child,
      secrets: new KeychainSecretStore('/nonexistent/x', null),
    });
    host.start();
    cleanups.push(() => host.stop());
    const send = listeners[0]!;
    send({ type: 'secrets', id: 1, op: 'set', server: 'a', credentials: { password: 42 }, persist: true });
    send({ type: 'secrets', id: 2, op: 'drop-table', server: 'a' });
    send({ type: 'secrets', id: 3, op: 'get', server: 'x'.repeat(1000) });
    send({
      type: 'secrets',
      id: 4,
      op: 'set',
      server: 'a',
      credentials: { password: 'p', extra: 1 },
      persist: true,
    });
    await until(() => replies.length >= 4);
    expect(replies).toEqual([
      expect.objectContaining({ id: 1, ok: false }),
      expect.objectContaining({ id: 2, ok: false }),
      expect.objectContaining({ id: 3, ok: false }),
      { type: 'secrets-result', id: 4, ok: true }, // only the known fields are kept
    ]);
  });
});
