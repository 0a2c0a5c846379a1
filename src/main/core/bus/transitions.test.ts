import { describe, expect, it } from 'vitest';
import type { PeerLive, ServerLive } from '../../../shared/domain.ts';
import type { DomainEvent } from './domain-events.ts';
import { DomainEventBus } from './domain-events.ts';
import { NEW_MEMORY, transitions, type TransitionMemory } from './transitions.ts';

const KEY = 'UFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFA=';

function peer(over: Partial<PeerLive> = {}): PeerLive {
  return {
    publicKey: KEY,
    presharedKey: false,
    endpoint: '198.18.1.2:40000',
    allowedIps: ['198.18.128.2/32'],
    latestHandshake: 1000,
    rxBytes: 100,
    txBytes: 200,
    persistentKeepalive: null,
    status: 'online',
    rxRate: 0,
    txRate: 0,
    resets: 0,
    checkAddress: null,
    ping: null,
    ...over,
  };
}

function live(state: ServerLive['state'], peers: PeerLive[] = [peer()], uptime = 5000): ServerLive {
  return {
    name: 'edge-1',
    host: '198.18.0.10',
    state,
    ...(state === 'reconnecting' ? { error: 'connection lost' } : {}),
    updatedAt: 0,
    serverTime: 0,
    droppedFrames: 0,
    system: { uptimeSeconds: uptime } as ServerLive['system'],
    interfaces: [
      {
        name: 'wg0',
        publicKey: null,
        listenPort: 51820,
        fwmark: null,
        counters: null,
        rates: {} as ServerLive['interfaces'][number]['rates'],
        peers,
      },
    ],
  };
}

/** Feeds a sequence of states, as the engine does, and collects every event in order. */
function run(states: ServerLive[]): DomainEvent['type'][] {
  let memory: TransitionMemory = NEW_MEMORY;
  let before: ServerLive | null = null;
  const seen: DomainEvent[] = [];
  const bus = new DomainEventBus();
  bus.subscribe((event) => seen.push(event));
  states.forEach((state, i) => {
    const result = transitions(before, state, memory, i * 1000);
    memory = result.memory;
    before = state;
    bus.publish(result.events);
  });
  return seen.map((e) => e.type);
}

describe('domain events between live states', () => {
  it('a state seen again gives nothing: each fact is emitted once', () => {
    const up = live('connected');
    expect(run([up, up, up, up])).toEqual(['server.connected']);
  });

  it('connected, lost, still lost, back: one event each, in order', () => {
    expect(
      run([
        live('connecting'),
        live('connected'),
        live('reconnecting'),
        live('reconnecting'),
        live('error'),
        live('connected'),
        live('connected'),
      ]),
    ).toEqual(['server.connected', 'server.unreachable', 'server.recovered']);
  });

  it('a deliberate restart (settings, a re-trusted key) is not an outage', () => {
    expect(run([live('connected'), live('connecting'), live('connected'), live('stopped')])).toEqual([
      'server.connected',
    ]);
  });

  it('says how long a server was down', () => {
    let memory = NEW_MEMORY;
    memory = transitions(null, live('connected'), memory, 1000).memory;
    memory = transitions(live('connected'), live('reconnecting'), memory, 5000).memory;
    const back = transitions(live('reconnecting'), live('connected'), memory, 61_000).events;
    expect(back).toEqual([{ type: 'server.recovered', server: 'edge-1', at: 61_000, downForMs: 60_000 }]);
  });

  it('a peer going stale then offline: one status event per change, none while it stays', () => {
    expect(
      run([
        live('connected', [peer()]),
        live('connected', [peer({ status: 'stale' })]),
        live('connected', [peer({ status: 'stale' })]),
        live('connected', [peer({ status: 'offline' })]),
        live('connected', [peer({ status: 'offline' })]),
      ]),
    ).toEqual(['server.connected', 'peer.status', 'peer.status']);
  });

  it('a session starting, rekeys, roaming, a counter reset and a reboot', () => {
    expect(
      run([
        live('connected', [peer({ status: 'offline', latestHandshake: 1000 })]),
        // a new handshake from an offline peer: a session starts (and its status changes)
        live('connected', [peer({ status: 'online', latestHandshake: 2000 })]),
        // a rekey while online is not news
        live('connected', [peer({ status: 'online', latestHandshake: 2120 })]),
        live('connected', [peer({ latestHandshake: 2120, endpoint: '198.18.9.9:5000' })]),
        live('connected', [peer({ latestHandshake: 2120, endpoint: '198.18.9.9:5000', resets: 1 })]),
        live('connected', [peer({ latestHandshake: 2120, endpoint: '198.18.9.9:5000', resets: 1 })], 30),
      ]),
    ).toEqual([
      'server.connected',
      'peer.status',
      'peer.handshake',
      'peer.roamed',
      'peer.counterReset',
      'server.rebooted',
    ]);
  });

  it('interface error/drop counters: one event when they start rising, one when they settle', () => {
    const withCounters = (rxErrors: number, txDropped: number): ServerLive => {
      const state = live('connected');
      const counters = {
        rxBytes: 0,
        txBytes: 0,
        rxPackets: 0,
        txPackets: 0,
        rxErrors,
        txErrors: 0,
        rxDropped: 0,
        txDropped,
        multicast: 0,
      };
      return { ...state, interfaces: state.interfaces.map((i) => ({ ...i, counters })) };
    };
    let memory: TransitionMemory = NEW_MEMORY;
    let before: ServerLive | null = null;
    const events: DomainEvent[] = [];
    for (const state of [
      withCounters(0, 0),
      withCounters(3, 0), // rising: once
      withCounters(5, 2), // still rising: nothing new
      withCounters(5, 2), // held still: settled
      withCounters(5, 2),
      withCounters(0, 0), // the interface restarted (counters reset): not a rise
      withCounters(0, 4), // a new episode
    ]) {
      const result = transitions(before, state, memory, 0);
      events.push(...result.events.filter((e) => e.type.startsWith('iface.')));
      memory = result.memory;
      before = state;
    }
    expect(events).toEqual([
      { type: 'iface.problemsRising', server: 'edge-1', iface: 'wg0', increase: { rxErrors: 3 }, at: 0 },
      { type: 'iface.problemsSettled', server: 'edge-1', iface: 'wg0', at: 0 },
      { type: 'iface.problemsRising', server: 'edge-1', iface: 'wg0', increase: { txDropped: 4 }, at: 0 },
    ]);
  });

  it('a subscriber that throws does not stop the others', () => {
    const bus = new DomainEventBus();
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('disk full');
    });
    bus.subscribe((event) => seen.push(event.type));
    bus.publish([{ type: 'server.connected', server: 'edge-1', at: 0 }]);
    expect(seen).toEqual(['server.connected']);
  });

  describe('ping facts', () => {
    const ping = (failing: boolean, ok = !failing) => ({
      ok,
      rttMs: ok ? 1 : null,
      at: 1,
      failing,
      error: null,
    });
    const facts = (pings: (ReturnType<typeof ping> | null)[]) =>
      run(pings.map((p) => live('connected', [peer({ checkAddress: '198.18.128.2', ping: p })]))).filter(
        (type) => type.startsWith('peer.ping'),
      );

    it('one failed when the check starts failing, one recovered when it answers again', () => {
      expect(facts([ping(false), ping(false, false), ping(true), ping(true), ping(false)])).toEqual([
        'peer.pingFailed',
        'peer.pingRecovered',
      ]);
    });

    it('nothing for a peer without a check address or before its first round', () => {
      expect(facts([null, ping(false), null])).toEqual([]);
      expect(
        run([
          live('connected', [peer({ ping: ping(false) })]),
          live('connected', [peer({ ping: ping(true) })]),
        ]).filter((type) => type.startsWith('peer.ping')),
      ).toEqual([]);
    });
  });

  describe('sessions', () => {
    it('a handshake more than 180 s after the last starts a session; rekeys of a live one do not', () => {
      const at = (handshake: number, status: PeerLive['status'] = 'online') =>
        live('connected', [peer({ latestHandshake: handshake, status })]);
      // 120 s and 125 s apart: rekeys. 255 s, then 200 s apart: two new sessions.
      expect(run([at(1000), at(1120), at(1245), at(1500), at(1700)])).toEqual([
        'server.connected',
        'peer.handshake',
        'peer.handshake',
      ]);
    });
  });
});
