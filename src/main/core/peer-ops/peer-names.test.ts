import { describe, expect, it } from 'vitest';
import type { PeerNames } from '../../../shared/peer-ops.ts';
import type { ServerLive } from '../../../shared/domain.ts';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { PeerNamesService } from './peer-names.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const FILE = `[Interface]\nPrivateKey = (hidden)\n\n# Name = laptop\n[Peer]\nPublicKey = ${KEY}\nAllowedIPs = 198.18.7.2/32\n`;

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

describe('PeerNamesService', () => {
  it('reads a root login`s files once, on its first connected update', () => {
    const reads: string[][] = [];
    const names = new PeerNamesService(() => undefined);
    const read = (_server: string, ifaces: string[]) => {
      reads.push(ifaces);
      return Promise.resolve();
    };
    names.onLive(server({}), live('connecting'), read);
    names.onLive(server({}), live('connected'), read);
    names.onLive(server({}), live('connected'), read);
    expect(reads).toEqual([['wg0']]);
    names.forget('edge-1'); // removed and added again: read again
    names.onLive(server({}), live('connected'), read);
    expect(reads).toHaveLength(2);
  });

  it('never reads files through sudo or as another user (a failed sudo in the auth log)', () => {
    const reads: string[] = [];
    const names = new PeerNamesService(() => undefined);
    const read = (name: string) => {
      reads.push(name);
      return Promise.resolve();
    };
    names.onLive(server({ sudo: true }), live('connected'), read);
    names.onLive(server({ user: 'operator' }), live('connected'), read);
    expect(reads).toEqual([]);
  });

  it('announces names learned from a file, and only when they changed', () => {
    const seen: PeerNames[] = [];
    const names = new PeerNamesService((n) => seen.push(n));
    names.learn('edge-1', 'wg0', FILE);
    names.learn('edge-1', 'wg0', FILE);
    expect(seen).toHaveLength(1);
    expect(names.all()).toEqual(seen);
    expect(JSON.stringify(seen[0])).toContain('laptop');
  });
});
