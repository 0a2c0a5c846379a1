import { describe, expect, it } from 'vitest';
import type { NoticeText } from '../shared/alert-notices.ts';
import type { FiringAlert } from '../shared/alerts.ts';
import { AlertDesktop } from './alert-desktop.ts';

const alert: FiringAlert = {
  rule: 'abcd1234',
  kind: 'interface-problems',
  server: 'edge',
  iface: 'wg0',
  publicKey: null,
  message: 'edge wg0: 600 drops/min (above 100/min)',
  since: 1_800_000_000,
  snoozed: false,
};

describe('the app’s alert notifications and tray', () => {
  it('shows one notification per alert that starts firing and gives the tray every list', () => {
    const shown: NoticeText[] = [];
    const trays: FiringAlert[][] = [];
    const desktop = new AlertDesktop({ show: (n) => shown.push(n), tray: (f) => trays.push(f) });
    desktop.onEvent('alerts:changed', [alert]);
    desktop.onEvent('alerts:changed', [alert]);
    desktop.onEvent('fleet:removed', { name: 'edge' });
    desktop.onEvent('alerts:changed', []);
    expect(shown).toEqual([
      {
        title: 'WG Deck: Interface errors or drops',
        body: alert.message,
        tag: 'wgdeck-alert-abcd1234/edge/wg0/',
      },
    ]);
    expect(trays).toEqual([[alert], [alert], []]);
  });

  it('ignores a malformed list from the engine process', () => {
    const shown: NoticeText[] = [];
    const desktop = new AlertDesktop({ show: (n) => shown.push(n), tray: () => undefined });
    desktop.onEvent('alerts:changed', [{ ...alert, message: 42 }]);
    desktop.onEvent('alerts:changed', 'nope');
    expect(shown).toEqual([]);
  });
});

describe('the app’s lifecycle notifications', () => {
  it('shows what the enforcer did, naming the peer and server; ignores a malformed entry', () => {
    const shown: NoticeText[] = [];
    const desktop = new AlertDesktop({ show: (n) => shown.push(n), tray: () => undefined });
    const entry = {
      at: 1_800_000_000,
      type: 'peer.quotaExceeded',
      server: 'edge',
      interface: 'wg0',
      peer: 'xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=',
      name: 'alice',
      details: { message: 'used 600 KiB of 500 KiB (120 %) in 2026-12: disabled until 2027-01-01 00:00 UTC' },
    };
    desktop.onEvent('peers:lifecycle', entry);
    desktop.onEvent('peers:lifecycle', { ...entry, type: 'peer.online' });
    desktop.onEvent('peers:lifecycle', { ...entry, at: 'soon' });
    expect(shown).toEqual([
      {
        title: 'WG Deck: alice on edge: Over quota: disabled',
        body: entry.details.message,
        tag: `wgdeck-lifecycle-edge/wg0/${entry.peer}/peer.quotaExceeded`,
      },
    ]);
  });
});
