/**
 * Alert rules against the facts of the bus: which alerts fire and resolve, each once per episode.
 * Pure of I/O and of the clock (every call takes `now`, laptop ms), so tests drive it with synthetic
 * events. The service (alert-service.ts) feeds it the bus and a tick, and publishes what it returns.
 */
import type { AlertRule, FiringAlert } from '../../../shared/alerts.ts';
import type { ServerLive } from '../../../shared/domain.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { DomainEvent } from '../bus/domain-events.ts';
import { DailyTraffic, interfaceKey, peerKey } from './daily-traffic.ts';
import { InterfaceRates } from './interface-rates.ts';

/**
 * A subject that fired stays quiet this long after it resolved, even if its condition comes back:
 * a flapping interface or peer notifies at most once per 5 minutes (plus its episode's resolve). If
 * the condition still holds when the quiet time is over, it fires then.
 */
export const REFIRE_QUIET_MS = 5 * 60_000;

/**
 * Hysteresis of the rate rules (interface errors/drops): the rate must stay at or below the threshold
 * for a whole minute before the alert resolves, so a rate hovering around it gives one episode, not
 * one event per poll. The duration rules (offline, unreachable, ping) resolve at once: the facts
 * they follow (peer status, server recovered, ping recovered) already carry their own hysteresis.
 */
export const RATE_RESOLVE_AFTER_MS = 60_000;

/** Whether a subject's condition holds, since when (laptop ms), and the words that say it. */
interface Condition {
  active: boolean;
  since: number;
  server: string;
  iface: string | null;
  publicKey: string | null;
  /** The measured value in words, for the message (rates, bytes). */
  detail?: string;
  /** A ping's address, for the message. */
  address?: string;
}

/**
 * Whether a peer is offline, since when (laptop ms), as one number: `since` when offline, −1 − `since`
 * when not. There is one per peer of the fleet, and as a `{ active, since }` object each (its own
 * heap number for `since`) they were ~2.5 MiB of a 20,000-peer fleet (issue 14).
 */
type OfflineFact = number;
const offlineFact = (active: boolean, since: number): OfflineFact => (active ? since : -1 - since);
const isOffline = (fact: OfflineFact): boolean => fact >= 0;
const offlineSince = (fact: OfflineFact): number => (fact >= 0 ? fact : -1 - fact);

interface Episode {
  rule: AlertRule;
  condition: Condition;
  firing: boolean;
  firedAt: number;
  message: string;
  resolvedAt: number | null;
}

export interface AlertTransition {
  type: 'fired' | 'resolved';
  alert: FiringAlert;
  at: number;
}

/** A peer's name as known now (config files), or null. */
export type NameOf = (server: string, iface: string, publicKey: string) => string | null;

/** States that mean the server is lost (the bus's own rule, transitions.ts). */
const OUTAGE = new Set<ServerLive['state']>(['reconnecting', 'error']);

const subjectKey = (c: Pick<Condition, 'server' | 'iface' | 'publicKey'>): string =>
  [c.server, c.iface ?? '', c.publicKey ?? ''].join('\u0000');

const inScope = (
  rule: { server?: string; iface?: string; publicKey?: string },
  c: Pick<Condition, 'server' | 'iface' | 'publicKey'>,
): boolean =>
  (rule.server === undefined || rule.server === c.server) &&
  (rule.iface === undefined || rule.iface === c.iface) &&
  (rule.publicKey === undefined || rule.publicKey === c.publicKey);

const perMinute = (value: number): string =>
  value >= 100 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);

const minutes = (n: number): string => `${n} min`;

export class AlertEvaluator {
  readonly #nameOf: NameOf;
  #rules: AlertRule[] = [];
  readonly #rates = new InterfaceRates();
  readonly #traffic = new DailyTraffic();
  /** Facts the rules share, by subject: server down, peer offline, ping failing. */
  readonly #down = new Map<string, Condition>();
  /**
   * Whether each peer is offline, since when: per server and interface, per peer. Nested rather than
   * keyed by joined strings, since seed() runs over every peer of the fleet every tick (a key string
   * per peer per tick, and one kept per peer, was most of the alerts' memory and churn, issue 14).
   */
  readonly #offline = new Map<string, Map<string, OfflineFact>>();
  readonly #pingFailing = new Map<string, Condition>();
  /** Rate conditions, per rule and subject (each rule has its own threshold). */
  readonly #rateConditions = new Map<string, Condition>();
  readonly #episodes = new Map<string, Episode>();

  constructor(nameOf: NameOf = () => null) {
    this.#nameOf = nameOf;
  }

  /** The rules to evaluate from now on; a changed rule's rate conditions start over. */
  setRules(rules: readonly AlertRule[]): void {
    const before = new Map(this.#rules.map((r) => [r.id, JSON.stringify({ ...r, snoozedUntil: null })]));
    this.#rules = [...rules];
    for (const rule of rules) {
      if (before.get(rule.id) === JSON.stringify({ ...rule, snoozedUntil: null })) continue;
      for (const key of [...this.#rateConditions.keys()])
        if (key.startsWith(`${rule.id}\u0000`)) this.#rateConditions.delete(key);
    }
    // Episodes keep the rule they fired under for its words; the snooze state must be the current one.
    for (const episode of this.#episodes.values()) {
      const now = rules.find((r) => r.id === episode.rule.id);
      if (now) episode.rule = now;
    }
  }

  /** Takes in one fact of the bus. */
  observe(event: DomainEvent): void {
    switch (event.type) {
      case 'server.sample':
        this.#sample(event);
        return;
      case 'server.streamLost':
        this.#rates.forget(event.server);
        return;
      case 'server.unreachable':
        this.#down.set(event.server, {
          active: true,
          since: event.at,
          server: event.server,
          iface: null,
          publicKey: null,
        });
        return;
      case 'server.recovered':
      case 'server.connected':
        this.#down.set(event.server, {
          active: false,
          since: event.at,
          server: event.server,
          iface: null,
          publicKey: null,
        });
        return;
      case 'peer.status': {
        const active = event.to === 'offline';
        const peers = this.#offlinePeers(event.server, event.iface);
        const known = peers.get(event.publicKey);
        if (known !== undefined && isOffline(known) === active) return;
        peers.set(event.publicKey, offlineFact(active, event.at));
        return;
      }
      case 'peer.pingFailed':
      case 'peer.pingRecovered':
        this.#pingFailing.set(peerKey(event.server, event.iface, event.publicKey), {
          active: event.type === 'peer.pingFailed',
          since: event.at,
          server: event.server,
          iface: event.iface,
          publicKey: event.publicKey,
          address: event.address,
        });
        return;
      default:
    }
  }

  /**
   * What the live state says that no fact did: a server down or a peer offline since before this
   * engine watched (the bus reports changes only). Seen now, so "for N minutes" counts from now.
   */
  seed(live: readonly ServerLive[], now: number): void {
    for (const server of live) {
      const down = OUTAGE.has(server.state);
      const known = this.#down.get(server.name);
      if (!known && down)
        this.#down.set(server.name, {
          active: true,
          since: now,
          server: server.name,
          iface: null,
          publicKey: null,
        });
      if (server.state !== 'connected') continue;
      if (known?.active) this.#down.set(server.name, { ...known, active: false, since: now });
      for (const iface of server.interfaces) {
        const peers = this.#offlinePeers(server.name, iface.name);
        for (const peer of iface.peers) {
          if (peers.has(peer.publicKey)) continue;
          const offline = peer.status === 'offline' || peer.status === 'never';
          peers.set(peer.publicKey, offlineFact(offline, now));
        }
      }
    }
  }

  #sample(event: Extract<DomainEvent, { type: 'server.sample' }>): void {
    const at = event.receivedAt;
    this.#traffic.update(event.server, event.snapshot, at);
    const rates = this.#rates.update(event.server, event.snapshot);
    const wireguard = new Set(event.snapshot.interfaces.map((i) => i.name));
    for (const rule of this.#rules) {
      if (rule.kind !== 'interface-problems' || !rule.enabled) continue;
      for (const [iface, rate] of rates) {
        // Without an interface named, a rule watches the WireGuard interfaces (not lo, docker0…).
        if (rule.iface === undefined ? !wireguard.has(iface) : rule.iface !== iface) continue;
        const subject = { server: event.server, iface, publicKey: null };
        if (!inScope(rule, subject)) continue;
        const [value, what] =
          rule.counters === 'errors'
            ? [rate.errorsPerMinute, 'errors']
            : rule.counters === 'drops'
              ? [rate.dropsPerMinute, 'drops']
              : rate.errorsPerMinute >= rate.dropsPerMinute
                ? [rate.errorsPerMinute, 'errors']
                : [rate.dropsPerMinute, 'drops'];
        const active = value > rule.perMinute;
        const key = `${rule.id}\u0000${subjectKey(subject)}`;
        const was = this.#rateConditions.get(key);
        const detail = `${perMinute(value)} ${what}/min`;
        // An active condition keeps the largest rate of its episode for the message.
        this.#rateConditions.set(key, {
          ...subject,
          active,
          since: was && was.active === active ? was.since : at,
          detail: was?.active && active && was.detail ? was.detail : detail,
        });
      }
    }
  }

  #offlinePeers(server: string, iface: string): Map<string, OfflineFact> {
    const key = interfaceKey(server, iface);
    let peers = this.#offline.get(key);
    if (!peers) this.#offline.set(key, (peers = new Map<string, OfflineFact>()));
    return peers;
  }

  /** Each enabled rule's conditions, by subject. */
  *#conditions(rule: AlertRule, now: number): Generator<Condition> {
    const scoped = (map: Map<string, Condition>) => [...map.values()].filter((c) => inScope(rule, c));
    switch (rule.kind) {
      case 'interface-problems':
        for (const [key, c] of this.#rateConditions) if (key.startsWith(`${rule.id}\u0000`)) yield c;
        return;
      case 'server-unreachable':
        yield* scoped(this.#down);
        return;
      case 'peer-offline': {
        const { server, iface, publicKey } = rule;
        const fact = this.#offline.get(interfaceKey(server, iface))?.get(publicKey);
        if (fact !== undefined)
          yield { active: isOffline(fact), since: offlineSince(fact), server, iface, publicKey };
        return;
      }
      case 'ping-loss':
        yield* scoped(this.#pingFailing);
        return;
      case 'peer-traffic':
        for (const t of this.#traffic.today(now)) {
          const subject = { server: t.server, iface: t.iface, publicKey: t.publicKey };
          if (!inScope(rule, subject)) continue;
          yield { ...subject, active: t.bytes > rule.bytesPerDay, since: now, detail: formatBytes(t.bytes) };
        }
    }
  }

  /** How long a condition must hold before the alert fires, and be gone before it resolves. */
  #timing(rule: AlertRule): { fireAfterMs: number; resolveAfterMs: number } {
    switch (rule.kind) {
      case 'interface-problems':
        return { fireAfterMs: 0, resolveAfterMs: RATE_RESOLVE_AFTER_MS };
      case 'peer-traffic':
        return { fireAfterMs: 0, resolveAfterMs: 0 };
      default:
        return { fireAfterMs: rule.minutes * 60_000, resolveAfterMs: 0 };
    }
  }

  #peerWords(c: Condition): string {
    const name = c.iface && c.publicKey ? this.#nameOf(c.server, c.iface, c.publicKey) : null;
    const who = name ?? `${(c.publicKey ?? '').slice(0, 8)}…`;
    return `Peer ${who} on ${c.server} ${c.iface ?? ''}`.trimEnd();
  }

  #message(rule: AlertRule, c: Condition): string {
    switch (rule.kind) {
      case 'interface-problems':
        return `${c.server} ${c.iface ?? ''}: ${c.detail ?? ''} (above ${rule.perMinute}/min)`;
      case 'server-unreachable':
        return rule.minutes > 0
          ? `${c.server} unreachable for ${minutes(rule.minutes)}`
          : `${c.server} unreachable`;
      case 'peer-offline':
        return `${this.#peerWords(c)} offline for ${minutes(rule.minutes)}`;
      case 'ping-loss':
        return `${this.#peerWords(c)} does not answer ping${c.address ? ` at ${c.address}` : ''}${
          rule.minutes > 0 ? ` for ${minutes(rule.minutes)}` : ''
        }`;
      case 'peer-traffic':
        return `${this.#peerWords(c)}: ${c.detail ?? ''} today (above ${formatBytes(rule.bytesPerDay)})`;
    }
  }

  /** Steps every episode to `now`: what fired and what resolved since the last call. */
  evaluate(now: number): AlertTransition[] {
    const out: AlertTransition[] = [];
    const seen = new Set<string>();
    for (const rule of this.#rules) {
      if (!rule.enabled) continue;
      const { fireAfterMs, resolveAfterMs } = this.#timing(rule);
      for (const condition of this.#conditions(rule, now)) {
        const key = `${rule.id}\u0000${subjectKey(condition)}`;
        seen.add(key);
        const episode = this.#episodes.get(key);
        if (condition.active) {
          if (episode?.firing) continue;
          if (now - condition.since < fireAfterMs) continue;
          if (episode?.resolvedAt != null && now - episode.resolvedAt < REFIRE_QUIET_MS) continue;
          const fired: Episode = {
            rule,
            condition,
            firing: true,
            firedAt: now,
            message: this.#message(rule, condition),
            resolvedAt: null,
          };
          this.#episodes.set(key, fired);
          out.push({ type: 'fired', alert: this.#alert(fired, now), at: now });
        } else if (episode?.firing && now - condition.since >= resolveAfterMs) {
          out.push(this.#resolve(episode, now));
        }
      }
    }
    // A rule removed or disabled while its alert fires: the alert ends with it.
    for (const [key, episode] of this.#episodes) {
      if (seen.has(key)) continue;
      const rule = this.#rules.find((r) => r.id === episode.rule.id);
      if (rule?.enabled) continue;
      if (episode.firing) out.push(this.#resolve(episode, now));
      this.#episodes.delete(key);
    }
    return out;
  }

  #resolve(episode: Episode, now: number): AlertTransition {
    episode.firing = false;
    episode.resolvedAt = now;
    return { type: 'resolved', alert: this.#alert(episode, now), at: now };
  }

  /** The alert of an episode; `snoozed` as of `now` (a transition's time, or the list's). */
  #alert(episode: Episode, now: number): FiringAlert {
    const { rule, condition } = episode;
    return {
      rule: rule.id,
      kind: rule.kind,
      server: condition.server,
      iface: condition.iface,
      publicKey: condition.publicKey,
      message: episode.message,
      since: episode.firedAt / 1000,
      snoozed: isSnoozed(rule, now),
    };
  }

  /** The alerts firing now, oldest first; `snoozed` as of `now`. */
  firing(now: number): FiringAlert[] {
    return [...this.#episodes.values()]
      .filter((e) => e.firing)
      .sort((a, b) => a.firedAt - b.firedAt)
      .map((e) => this.#alert(e, now));
  }
}

/** Whether a rule is snoozed at `now` (laptop ms). */
export function isSnoozed(rule: AlertRule, now: number): boolean {
  return rule.snoozedUntil !== null && rule.snoozedUntil * 1000 > now;
}
