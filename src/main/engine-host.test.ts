import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiEvents, EventName } from '../shared/api.ts';
import { validateInvoke, type Outcome } from '../shared/rpc.ts';
import { Engine } from './core/engine.ts';
import { ServerStore } from './core/store/server-store.ts';
import { EngineHost, type EngineChild } from './engine-host.ts';
import type { FromEngine, SecretsReply, SecretsRequest, ToEngine } from './engine-protocol.ts';
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
): EngineChild & { crash(): void; engine: Engine; remote: RemoteSecretStore } {
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
    remote: secrets,
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

  it('keeps generic secrets (a peer key) through main: kept on request, encrypted, forgotten on request', async () => {
    const { children, dataDir, secrets } = setup();
    const remote = (await until(() => children[0])).remote;
    const id = 'peer-key:edge-1:wg0:ab+/cdEFghIJklMNopQRstUVwxYZ0123456789+/AB=';
    const key = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
    expect(await remote.getItem(id)).toBeUndefined();
    await remote.setItem(id, key, true);
    expect(await remote.getItem(id)).toBe(key);
    expect(await secrets.getItem(id)).toBe(key);
    expect(readFileSync(join(dataDir, 'secrets.json'), 'utf8')).not.toContain(key);
    const fresh = (): KeychainSecretStore => new KeychainSecretStore(join(dataDir, 'secrets.json'), fakeSafe);
    expect(await fresh().getItem(id)).toBe(key);
    // Not keeping it any more: still there for this run, gone from disk.
    await remote.setItem(id, 'other', false);
    expect(await remote.getItem(id)).toBe('other');
    expect(await fresh().getItem(id)).toBeUndefined();
  });

  it('keeps generic secrets in memory only where the keychain is not safe', async () => {
    const { children, dataDir, secrets } = setup({ persist: false });
    const remote = (await until(() => children[0])).remote;
    expect(remote.canPersist).toBe(false);
    await remote.setItem('peer-key:a:wg0:k=', 'v', true);
    expect(await remote.getItem('peer-key:a:wg0:k=')).toBe('v');
    expect(await secrets.getItem('peer-key:a:wg0:k=')).toBe('v');
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
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

describe('generic secrets across the process boundary', () => {
  function fakeChild() {
    const replies: unknown[] = [];
    const listeners: ((message: unknown) => void)[] = [];
    const child = {
      postMessage: (message: unknown) => replies.push(message),
      on: (event: string, listener: (message: unknown) => void) => {
        if (event === 'message') listeners.push(listener);
      },
      kill: () => true,
    } as EngineChild;
    const secrets = new KeychainSecretStore('/nonexistent/x', null);
    const host = new EngineHost({ spawn: () => child, secrets });
    host.start();
    cleanups.push(() => host.stop());
    return { send: listeners[0]!, replies, secrets };
  }

  it('refuses malformed ids, values and flags from the engine side', async () => {
    const { send, replies, secrets } = fakeChild();
    const bad: Record<string, unknown>[] = [
      { op: 'getItem', item: '' },
      { op: 'getItem', item: 'x'.repeat(257) },
      { op: 'getItem', item: 'peer-key:a b:wg0:k=' },
      { op: 'getItem', item: 'peer-key:a:wg0:k=\n' },
      { op: 'getItem', item: '../../etc/passwd\u0000' },
      { op: 'getItem', item: 'clé' },
      { op: 'getItem', item: 42 },
      { op: 'getItem' },
      { op: 'setItem', item: 'a;b', value: 'v', persist: true },
      { op: 'setItem', item: 'a', value: 42, persist: true },
      { op: 'setItem', item: 'a', value: 'x'.repeat(4097), persist: true },
      { op: 'setItem', item: 'a', value: { toString: 'v' }, persist: true },
      { op: 'setItem', item: 'a', persist: true },
      { op: 'setItem', item: 'a', value: 'v', persist: 'yes' },
      { op: 'setItem', item: 'a', value: 'v' },
    ];
    bad.forEach((fields, i) => send({ type: 'secrets', id: i + 1, ...fields }));
    await until(() => replies.length >= bad.length);
    expect(replies).toEqual(bad.map((_, i): unknown => expect.objectContaining({ id: i + 1, ok: false })));
    expect(await secrets.getItem('a')).toBeUndefined(); // nothing stored on the way

    // The limits themselves are fine.
    const longest = `peer-key:${'A'.repeat(256 - 'peer-key:'.length)}`;
    send({ type: 'secrets', id: 100, op: 'setItem', item: longest, value: 'v'.repeat(4096), persist: false });
    send({ type: 'secrets', id: 101, op: 'getItem', item: longest });
    send({ type: 'secrets', id: 102, op: 'getItem', item: 'peer-key:s.1:wg_0-a:+/=' });
    await until(() => replies.length >= bad.length + 3);
    expect(replies.slice(bad.length)).toEqual([
      { type: 'secrets-result', id: 100, ok: true },
      { type: 'secrets-result', id: 101, ok: true, value: 'v'.repeat(4096) },
      { type: 'secrets-result', id: 102, ok: true },
    ]);
  });

  it("checks main's replies on the engine side too", async () => {
    const sent: SecretsRequest[] = [];
    const remote = new RemoteSecretStore((message) => sent.push(message), true);
    const reply = (value: unknown, at = sent.length - 1): void =>
      remote.settle({ type: 'secrets-result', id: sent[at]!.id, ok: true, value } as SecretsReply);

    const item = remote.getItem('peer-key:a:wg0:k=');
    expect(sent.at(-1)).toEqual({ type: 'secrets', id: 1, op: 'getItem', item: 'peer-key:a:wg0:k=' });
    reply('key');
    expect(await item).toBe('key');
    const none = remote.getItem('peer-key:a:wg0:k=');
    reply(undefined);
    expect(await none).toBeUndefined();
    for (const value of [42, { value: 'key' }, 'x'.repeat(4097)]) {
      const got = remote.getItem('peer-key:a:wg0:k=');
      reply(value);
      await expect(got).rejects.toThrow(/malformed/);
    }
    // Credentials are checked as well; replies to writes carry nothing.
    const credentials = remote.get('edge-1');
    reply('a string, not credentials');
    await expect(credentials).rejects.toThrow(/malformed/);
    const kept = remote.get('edge-1');
    reply({ password: 'p', extra: 1 });
    expect(await kept).toEqual({ password: 'p' });
    const write = remote.setItem('peer-key:a:wg0:k=', 'v', true);
    expect(sent.at(-1)).toMatchObject({
      op: 'setItem',
      item: 'peer-key:a:wg0:k=',
      value: 'v',
      persist: true,
    });
    reply('ignored');
    expect(await write).toBeUndefined();
    // Failures arrive as errors with their code; replies to nothing pending are ignored.
    const failed = remote.getItem('bad id');
    remote.settle({
      type: 'secrets-result',
      id: sent.at(-1)!.id,
      ok: false,
      error: { name: 'Error', code: 'X', message: 'bad secret id' },
    });
    await expect(failed).rejects.toMatchObject({ message: 'bad secret id', code: 'X' });
    remote.settle({ type: 'secrets-result', id: 999, ok: true, value: 'stray' });
  });
});
