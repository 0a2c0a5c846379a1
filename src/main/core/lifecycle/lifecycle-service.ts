/**
 * The lifecycle enforcer (issue 15): on every frame a server streams, judges each peer that has a
 * quota, an expiry or a schedule (decide.ts) and disables or re-enables it through the same locked,
 * backed-up, verified peer change a person makes — no preview, since nobody is there to read it;
 * the event log and a notification are the record.
 *
 * Safe by construction rather than by coordination:
 * - it runs only in the process that records history (one per data dir), where usage is known;
 * - it acts only on rules read from the interface's file in this run, never on names remembered
 *   from an earlier one (the file may have been changed since), and only on the frame just taken;
 * - the change itself re-reads the file under the server's lock: a second recorder on another
 *   laptop that got there first makes ours a refusal ("already disabled"), taken as done;
 * - one change per interface at a time, all of a frame's peers in it (one by one when that is
 *   refused); a failure is said once and tried again after RETRY_MS, not every frame.
 * Warnings (80 % of a quota, 3 days before expiry) are given once per period or expiry date, in
 * memory: a restarted process says a standing warning again.
 */
import type { PeerUsage, Snapshot } from '../../../shared/domain.ts';
import type { PeerLifecycle } from '../../../shared/peer-lifecycle.ts';
import type { ApplyResult, ChangeRequest } from '../../../shared/peer-ops.ts';
import type { PeerChangeRequest } from '../../../shared/peers.ts';
import type { DomainEvent, DomainEventBus } from '../bus/domain-events.ts';
import { errorMessage } from '../errors.ts';
import type { HistoryStore } from '../history/history-store.ts';
import { decideLifecycle, type LifecycleAction } from './decide.ts';
import { UsageMeter, type QuotaUsage } from './usage-meter.ts';

/** How long a failed change waits before it is tried again. */
export const RETRY_MS = 60_000;

export interface LifecycleServiceOptions {
  bus: DomainEventBus;
  /** The history store this process records into, or null (then nothing is enforced). */
  store: () => HistoryStore | null;
  /** The rules of an interface's peers as its config file says, or undefined. */
  rulesOf: (server: string, iface: string) => Readonly<Record<string, PeerLifecycle>> | undefined;
  /** Whether the interface's file was read in this run. */
  readThisRun: (server: string, iface: string) => boolean;
  /** The peer change, as `peers:change` makes it. */
  change: (request: ChangeRequest) => Promise<ApplyResult>;
  log?: (message: string) => void;
  now?: () => number;
}

type SampleEvent = Extract<DomainEvent, { type: 'server.sample' }>;

/** A refusal that means another process already did what we meant to. */
const ALREADY_DONE = /already disabled|is not disabled/;

export class LifecycleService {
  readonly #options: LifecycleServiceOptions;
  readonly #meter = new UsageMeter();
  /**
   * Per server/interface, per peer: the usage last published (the same object while it is
   * unchanged, so the live state's compare-by-identity keeps an idle peer's object).
   */
  readonly #usage = new Map<string, Map<string, PeerUsage>>();
  /** Warnings given: key → episode. */
  readonly #warned = new Map<string, string>();
  /** Interfaces with a change in flight. */
  readonly #inFlight = new Set<string>();
  /** Per peer: no new attempt before this time (a change that failed). */
  readonly #retryAt = new Map<string, number>();
  /** Interfaces whose skip (rules not read yet) was said: once per run. */
  readonly #skipSaid = new Set<string>();
  #unsubscribe: (() => void) | null = null;

  constructor(options: LifecycleServiceOptions) {
    this.#options = options;
  }

  /** Subscribe after history does, so a frame's bytes are in the store's totals when it is judged. */
  start(): void {
    this.#unsubscribe ??= this.#options.bus.subscribe((event) => {
      if (event.type === 'server.sample') this.#onSample(event);
    });
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  /** An interface's peers' quota usage as last judged (for the live state), or undefined. */
  usageOf(server: string, iface: string): ReadonlyMap<string, PeerUsage> | undefined {
    return this.#usage.get(`${server}\n${iface}`);
  }

  /** Resolves when no change is in flight (tests, a clean stop). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  forget(server: string): void {
    const prefix = `${server}\n`;
    this.#meter.forget(server);
    for (const map of [this.#usage, this.#warned, this.#retryAt] as Map<string, unknown>[])
      for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
  }

  #onSample(event: SampleEvent): void {
    const store = this.#options.store();
    if (!store || event.snapshot.wgError !== null) return;
    const now = this.#options.now?.() ?? Date.now();
    for (const dump of event.snapshot.interfaces) this.#judgeInterface(store, event.server, dump, now);
  }

  #judgeInterface(
    store: HistoryStore,
    server: string,
    dump: Snapshot['interfaces'][number],
    now: number,
  ): void {
    const rules = this.#options.rulesOf(server, dump.name);
    if (!rules) return;
    const ifaceKey = `${server}\n${dump.name}`;
    const live = new Set(dump.peers.map((p) => p.publicKey));
    const actions: { publicKey: string; action: LifecycleAction; usage: QuotaUsage | null }[] = [];
    for (const [publicKey, peerRules] of Object.entries(rules)) {
      const key = `${ifaceKey}\n${publicKey}`;
      const usage = peerRules.quota
        ? this.#meter.usage(store, server, dump.name, publicKey, peerRules.quota, now)
        : null;
      this.#publishUsage(ifaceKey, publicKey, usage, peerRules);
      const { action, warning } = decideLifecycle({
        rules: peerRules,
        live: live.has(publicKey),
        usage,
        now,
      });
      if (warning && this.#warned.get(`${key}\n${warning.event}`) !== warning.episode) {
        this.#warned.set(`${key}\n${warning.event}`, warning.episode);
        this.#emit(server, dump.name, publicKey, warning.event, warning.message, peerRules, usage, now);
      }
      if (action && (this.#retryAt.get(key) ?? 0) <= now) actions.push({ publicKey, action, usage });
    }
    if (actions.length === 0 || this.#inFlight.has(ifaceKey)) return;
    if (!this.#options.readThisRun(server, dump.name)) {
      if (!this.#skipSaid.has(ifaceKey)) {
        this.#skipSaid.add(ifaceKey);
        this.#options.log?.(
          `lifecycle ${server}/${dump.name}: not enforced until its config file is read in this run ` +
            '(the rules known are remembered from an earlier one)',
        );
      }
      return;
    }
    this.#inFlight.add(ifaceKey);
    void this.#act(server, dump.name, actions, rules, now).finally(() => this.#inFlight.delete(ifaceKey));
  }

  async #act(
    server: string,
    iface: string,
    actions: { publicKey: string; action: LifecycleAction; usage: QuotaUsage | null }[],
    rules: Readonly<Record<string, PeerLifecycle>>,
    now: number,
  ): Promise<void> {
    const changes: PeerChangeRequest[] = actions.map(({ publicKey, action }) => ({
      action: action.kind,
      peer: publicKey,
      disabledBy: action.disabledBy,
    }));
    try {
      await this.#options.change({ server, iface, operation: { kind: 'changes', changes } });
      for (const { publicKey, action, usage } of actions) {
        this.#retryAt.delete(`${server}\n${iface}\n${publicKey}`);
        // The event is the record (log, notification, the collector's log line): no second line.
        this.#emit(server, iface, publicKey, action.event, action.message, rules[publicKey]!, usage, now);
      }
    } catch (error) {
      if (actions.length > 1) {
        // One peer's refusal refuses the whole change: each on its own, so the others still go.
        for (const one of actions) await this.#act(server, iface, [one], rules, now);
        return;
      }
      const message = errorMessage(error);
      // Another recorder (another laptop on the same server) got there first: its change is ours.
      if (ALREADY_DONE.test(message)) return;
      for (const { publicKey, action, usage } of actions) {
        const key = `${server}\n${iface}\n${publicKey}`;
        const firstFailure = !this.#retryAt.has(key);
        this.#retryAt.set(key, now + RETRY_MS);
        if (firstFailure)
          this.#emit(
            server,
            iface,
            publicKey,
            'peer.enforcementFailed',
            `could not ${action.kind} (${action.message}): ${message}`,
            rules[publicKey]!,
            usage,
            now,
          );
      }
      this.#options.log?.(`lifecycle ${server}/${iface}: ${message} (tried again in ${RETRY_MS / 1000} s)`);
    }
  }

  #publishUsage(ifaceKey: string, publicKey: string, usage: QuotaUsage | null, rules: PeerLifecycle): void {
    let usages = this.#usage.get(ifaceKey);
    if (usage === null || rules.quota === null) {
      usages?.delete(publicKey);
      return;
    }
    if (!usages) this.#usage.set(ifaceKey, (usages = new Map<string, PeerUsage>()));
    const known = usages.get(publicKey);
    if (
      known &&
      known.bytes === usage.bytes &&
      known.limit === rules.quota.bytes &&
      known.periodKey === usage.periodKey
    )
      return;
    usages.set(publicKey, {
      bytes: usage.bytes,
      limit: rules.quota.bytes,
      periodStart: usage.periodStart,
      resetsAt: usage.resetsAt,
      periodKey: usage.periodKey,
    });
  }

  #emit(
    server: string,
    iface: string,
    publicKey: string,
    what: Extract<DomainEvent, { type: 'peer.lifecycle' }>['what'],
    message: string,
    rules: PeerLifecycle,
    usage: QuotaUsage | null,
    at: number,
  ): void {
    this.#options.bus.publish([
      {
        type: 'peer.lifecycle',
        what,
        server,
        iface,
        publicKey,
        details: {
          message,
          usedBytes: usage?.bytes ?? null,
          limitBytes: rules.quota?.bytes ?? null,
          period: usage?.periodKey ?? null,
          expiresAt: rules.expiresAt === null ? null : rules.expiresAt / 1000,
        },
        at,
      },
    ]);
  }
}
