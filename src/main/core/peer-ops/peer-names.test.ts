import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PeerNames } from '../../../shared/peer-ops.ts';
import type { ServerLive } from '../../../shared/domain.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { PeerNamesStore } from '../store/peer-names-store.ts';
import { PeerNamesService } from './peer-names.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER = Buffer.alloc(32, 8).toString('base64');
const FILE = `[Interface]\nPrivateKey = (hidden)\n\n# Name = laptop\n[Peer]\nPublicKey = ${KEY}\nAllowedIPs = 198.18.7.2/32\n\n# Name = phone\n[Peer]\nPublicKey = ${OTHER}\nAllowedIPs = 198.18.7.3/32\n`;

const server = (entry: Partial<ServerConfig>): ServerConfig => ({
  name: 'edge-1',
  host: '198.18.0.10',
  port: 22,
  user: 'root',
  sudo: false,
  ...entry,
});
const live = (state: ServerLive['state']) =>
  ({ name: 'edge-1', state, interfaces: [{ name: 'wg0' }] }) as unknown as ServerLive;
const quiet = { emit: () => undefined };
const dataDir = (): string => mkdtempSync(join(tmpdir(), 'wgdeck-names-'));
const service = (dir: string, seen: PeerNames[] = []): PeerNamesService =>
  new PeerNamesService({ emit: (n) => seen.push(n), store: new PeerNamesStore(dir) });

describe('PeerNamesService', () => {
  it('reads a login`s files once, on its first connected update', () => {
    const reads: string[][] = [];
    const names = new PeerNamesService(quiet);
    const read = (_server: string, ifaces: string[]) => {
      reads.push(ifaces);
      return Promise.resolve([]);
    };
    names.onLive(server({}), live('connecting'), read);
    names.onLive(server({}), live('connected'), read);
    names.onLive(server({}), live('connected'), read);
    expect(reads).toEqual([['wg0']]);
    names.forget('edge-1'); // removed and added again: read again
    names.onLive(server({}), live('connected'), read);
    expect(reads).toHaveLength(2);
  });

  it('reads through sudo too (the read asks sudo first), never as another user without sudo', () => {
    const reads: string[] = [];
    const names = new PeerNamesService(quiet);
    const read = (name: string) => {
      reads.push(name);
      return Promise.resolve([]);
    };
    names.onLive(server({ name: 'op', user: 'operator', sudo: true }), live('connected'), read);
    names.onLive(server({ name: 'plain', user: 'operator' }), live('connected'), read);
    expect(reads).toEqual(['op']);
  });

  it('says in the log, not as an error, which interfaces sudo would not read without a password', async () => {
    const logged: string[] = [];
    const names = new PeerNamesService({ ...quiet, log: (m) => logged.push(m) });
    names.onLive(server({ user: 'operator', sudo: true }), live('connected'), () => Promise.resolve(['wg0']));
    await expect
      .poll(() => logged)
      .toEqual([expect.stringMatching(/edge-1: sudo .* wg0 without a password/)]);
  });

  it('announces names learned from a file, and only when they changed', async () => {
    const seen: PeerNames[] = [];
    const names = new PeerNamesService({ emit: (n) => seen.push(n) });
    names.learn('edge-1', 'wg0', FILE);
    names.learn('edge-1', 'wg0', FILE);
    expect(await names.all()).toEqual(seen);
    expect(seen).toHaveLength(1);
    expect(JSON.stringify(seen[0])).toContain('laptop');
  });

  it('remembers names in the data dir: a new run knows them before any file is read', async () => {
    const dir = dataDir();
    const first = service(dir);
    first.learn('edge-1', 'wg0', FILE);
    first.learn('edge-2', 'wg0', FILE.replace('laptop', 'desk'));
    await first.settled();
    const path = join(dir, 'peer-names.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const seen: PeerNames[] = [];
    const second = service(dir, seen);
    expect(await second.all()).toEqual([
      { server: 'edge-1', iface: 'wg0', names: { [KEY]: 'laptop', [OTHER]: 'phone' } },
      { server: 'edge-2', iface: 'wg0', names: { [KEY]: 'desk', [OTHER]: 'phone' } },
    ]);
    second.learn('edge-1', 'wg0', FILE); // the same file again: nothing new
    await second.settled();
    expect(seen).toEqual([]);
  });

  it('a renamed or removed peer replaces what was remembered of its interface', async () => {
    const dir = dataDir();
    const first = service(dir);
    first.learn('edge-1', 'wg0', FILE);
    await first.settled();
    const seen: PeerNames[] = [];
    const second = service(dir, seen);
    const onServer = FILE.replace('laptop', 'laptop-2').replace(/\n# Name = phone[^]*$/, '\n');
    second.learn('edge-1', 'wg0', onServer);
    await second.settled();
    expect(seen).toEqual([{ server: 'edge-1', iface: 'wg0', names: { [KEY]: 'laptop-2' } }]);
    expect(await service(dir).all()).toEqual(seen);
  });

  it('forgets a removed server`s names, in the data dir too; other servers keep theirs', async () => {
    const dir = dataDir();
    const first = service(dir);
    first.learn('edge-1', 'wg0', FILE);
    first.learn('edge-1', 'wg1', FILE);
    first.learn('edge-2', 'wg0', FILE);
    first.forget('edge-1');
    expect((await first.all()).map((n) => `${n.server}/${n.iface}`)).toEqual(['edge-2/wg0']);
    await first.settled();
    expect((await service(dir).all()).map((n) => `${n.server}/${n.iface}`)).toEqual(['edge-2/wg0']);
  });

  it('takes what another process remembered on reload, announcing only what changed', async () => {
    const dir = dataDir();
    const seen: PeerNames[] = [];
    const mine = service(dir, seen);
    mine.learn('edge-1', 'wg0', FILE);
    const other = service(dir);
    other.learn('edge-1', 'wg1', FILE.replace('laptop', 'tablet'));
    await Promise.all([mine.settled(), other.settled()]);
    mine.reload();
    await mine.settled();
    expect(seen.map((n) => `${n.iface}:${n.names[KEY]}`)).toEqual(['wg0:laptop', 'wg1:tablet']);
    const file = JSON.parse(readFileSync(join(dir, 'peer-names.json'), 'utf8')) as { interfaces: unknown[] };
    expect(file.interfaces).toHaveLength(2); // neither process lost the other's entry
  });

  it('a damaged file is an empty memory, not a failure; the next file read replaces it', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'peer-names.json'), '{ not json');
    const names = service(dir);
    expect(await names.all()).toEqual([]);
    names.learn('edge-1', 'wg0', FILE);
    await names.settled();
    expect(await service(dir).all()).toHaveLength(1);
  });
});
