import { describe, expect, it } from 'vitest';
import type { PeerLive, ServerLive } from '../shared/domain.ts';
import { fleetLevel, fleetSummary, sameSummary, summaryText } from './fleet-summary.ts';
import { checkCredentials, engineArgs, parseEngineArgs } from './engine-protocol.ts';

const peer = (status: PeerLive['status']) => ({ status }) as PeerLive;
const server = (state: ServerLive['state'], statuses: PeerLive['status'][]): ServerLive =>
  ({ state, interfaces: [{ peers: statuses.map(peer) }] }) as unknown as ServerLive;

describe('fleet summary (tray)', () => {
  it('counts servers up and peers online', () => {
    const summary = fleetSummary([
      server('connected', ['online', 'online', 'stale']),
      server('connected', ['offline', 'never', 'online']),
      server('reconnecting', []),
    ]);
    expect(summary).toEqual({ serversUp: 2, serversTotal: 3, peersOnline: 3, peersTotal: 6 });
    expect(summaryText(summary)).toBe('2/3 servers up · 3 peers online');
    expect(fleetLevel(summary)).toBe('warn');
    expect(sameSummary(summary, { ...summary })).toBe(true);
    expect(sameSummary(summary, { ...summary, peersOnline: 2 })).toBe(false);
    expect(sameSummary(null, summary)).toBe(false);
  });

  it('leaves a server that is not streaming out of the peers, as the overview does', () => {
    const summary = fleetSummary([
      server('connected', ['online', 'stale']),
      server('reconnecting', ['online', 'online', 'online']),
      server('error', ['online']),
    ]);
    expect(summary).toEqual({ serversUp: 1, serversTotal: 3, peersOnline: 1, peersTotal: 2 });
    expect(summaryText(summary)).toBe('1/3 servers up · 1 peer online');
  });

  it('says so when there is nothing yet', () => {
    expect(summaryText(null)).toBe('Starting…');
    expect(summaryText(fleetSummary([]))).toBe('No servers yet');
    expect(fleetLevel(fleetSummary([]))).toBe('idle');
    expect(fleetLevel(fleetSummary([server('connected', ['online'])]))).toBe('ok');
    expect(summaryText(fleetSummary([server('connected', ['online'])]))).toBe(
      '1/1 servers up · 1 peer online',
    );
  });
});

describe('engine process protocol', () => {
  it('passes its options on the command line', () => {
    const options = { dataDir: '/home/me/.config/wg-deck', canPersistSecrets: true };
    expect(parseEngineArgs(['electron', 'engine-process.js', ...engineArgs(options)])).toEqual(options);
    expect(parseEngineArgs(engineArgs({ ...options, canPersistSecrets: false })).canPersistSecrets).toBe(
      false,
    );
    expect(() => parseEngineArgs([])).toThrow('--data-dir');
  });

  it('lets only well-formed credentials through', () => {
    expect(checkCredentials({ password: 'p' })).toEqual({ password: 'p' });
    expect(checkCredentials({ password: 'p', passphrase: 'q', admin: true })).toEqual({
      password: 'p',
      passphrase: 'q',
    });
    expect(checkCredentials({})).toEqual({});
    for (const bad of [null, 'p', { password: 1 }, { passphrase: 'x'.repeat(5000) }]) {
      expect(checkCredentials(bad)).toBeNull();
    }
    expect(checkCredentials(JSON.parse('{"__proto__":{"password":"inherited"}}'))).toEqual({});
  });
});
