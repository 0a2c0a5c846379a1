import type {
  AlertRule,
  FiringAlert,
  NewAlertRule,
  Snooze,
  WebhookSettings,
  WebhookTestResult,
} from '../../../shared/alerts.ts';
import { SNOOZE_UNTIL_CLEARED, alertRuleSchema } from '../../../shared/alerts.ts';
import type { ServerLive } from '../../../shared/domain.ts';
import type { DomainEvent, DomainEventBus } from '../bus/domain-events.ts';
import { errorMessage } from '../errors.ts';
import { AlertEvaluator, type AlertTransition, type NameOf } from './alert-evaluator.ts';
import { AlertStore, newRuleId } from './alert-store.ts';
import { postWebhook, type WebhookPayload } from './webhook.ts';

/** How often durations are looked at between facts ("offline for 10 min" has no fact at minute 10). */
export const ALERT_TICK_MS = 10_000;

export interface AlertServiceOptions {
  dataDir: string;
  bus: DomainEventBus;
  /** The running fleet's live state (servers down and peers offline since before any fact). */
  live: () => ServerLive[];
  nameOf?: NameOf;
  /** The firing list changed (`alerts:changed`). */
  onChange: (firing: FiringAlert[]) => void;
  /**
   * Whether this process is the one that speaks for the data dir (it records history): only it posts
   * to the webhook, so the app and a `wgdeck watch` on the same fleet do not post every alert twice.
   */
  primary: () => boolean;
  log?: (message: string) => void;
  /** Laptop ms; a test's clock. */
  now?: () => number;
  tickMs?: number;
}

/**
 * Alert rules (alerts.json), their evaluation against the bus, the firing list, and the webhook.
 * Fired and resolved alerts go back on the bus as `alert.fired` / `alert.resolved` (the event log
 * records them); a snoozed rule's alerts are listed and logged but not sent to the webhook, and
 * marked `snoozed` so the notifiers stay quiet.
 */
export class AlertService {
  readonly store: AlertStore;
  readonly #options: AlertServiceOptions;
  readonly #evaluator: AlertEvaluator;
  readonly #now: () => number;
  #rules: AlertRule[] = [];
  #lastFiring = '[]';
  #timer: ReturnType<typeof setInterval> | null = null;
  #loaded: Promise<void>;
  readonly #off: () => void;

  constructor(options: AlertServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.store = new AlertStore(options.dataDir);
    this.#evaluator = new AlertEvaluator(options.nameOf);
    this.#off = options.bus.subscribeBatch((events) => this.#onFacts(events));
    this.#loaded = this.reload();
  }

  /** Looks at durations every tick, with what the live state says (seeds, stale facts). */
  start(): void {
    this.#timer ??= setInterval(() => this.tick(), this.#options.tickMs ?? ALERT_TICK_MS);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  close(): void {
    this.stop();
    this.#off();
  }

  /** Resolves once the rules are loaded (tests; the first handlers wait for it too). */
  ready(): Promise<void> {
    return this.#loaded;
  }

  tick(): void {
    const now = this.#now();
    this.#evaluator.seed(this.#options.live(), now);
    this.#apply(this.#evaluator.evaluate(now));
  }

  /** Reads alerts.json again (changed here, or by another process). */
  async reload(): Promise<void> {
    try {
      this.#rules = await this.store.rules();
    } catch (error) {
      // A damaged file: keep evaluating the rules last read, and say so (the handlers throw it).
      this.#options.log?.(`alerts: ${errorMessage(error)}`);
      return;
    }
    this.#evaluator.setRules(this.#rules);
    this.#apply(this.#evaluator.evaluate(this.#now()));
  }

  #onFacts(events: readonly DomainEvent[]): void {
    let facts = false;
    for (const event of events) {
      if (event.type === 'alert.fired' || event.type === 'alert.resolved') continue;
      this.#evaluator.observe(event);
      facts = true;
    }
    if (facts) this.#apply(this.#evaluator.evaluate(this.#now()));
  }

  #apply(transitions: AlertTransition[]): void {
    if (transitions.length > 0) {
      this.#options.bus.publish(
        transitions.map(({ type, alert, at }) => ({
          type: type === 'fired' ? 'alert.fired' : 'alert.resolved',
          server: alert.server,
          iface: alert.iface,
          publicKey: alert.publicKey,
          rule: alert.rule,
          message: alert.message,
          at,
        })),
      );
      if (this.#options.primary()) {
        for (const t of transitions) if (!t.alert.snoozed) void this.#post(t);
      }
    }
    this.#emitIfChanged();
  }

  #emitIfChanged(): void {
    const firing = this.firing();
    const text = JSON.stringify(firing);
    if (text === this.#lastFiring) return;
    this.#lastFiring = text;
    this.#options.onChange(firing);
  }

  async #post(t: AlertTransition): Promise<void> {
    let url: string | null;
    try {
      url = (await this.store.webhook()).url;
    } catch (error) {
      this.#options.log?.(`alerts: webhook: ${errorMessage(error)}`);
      return;
    }
    if (url === null) return;
    const payload: WebhookPayload = {
      source: 'wg-deck',
      event: t.type === 'fired' ? 'alert.fired' : 'alert.resolved',
      at: t.at / 1000,
      alert: t.alert,
      message: t.type === 'fired' ? t.alert.message : `Resolved: ${t.alert.message}`,
    };
    const result = await postWebhook(url, payload);
    if (!result.ok) this.#options.log?.(`alerts: webhook ${new URL(url).host}: ${result.error ?? ''}`);
  }

  firing(): FiringAlert[] {
    return this.#evaluator.firing(this.#now());
  }

  async list(): Promise<AlertRule[]> {
    await this.#loaded;
    return this.store.rules();
  }

  async add(input: NewAlertRule): Promise<AlertRule> {
    const rule = alertRuleSchema.parse({
      ...input,
      id: newRuleId(),
      enabled: input.enabled ?? true,
      snoozedUntil: null,
    });
    await this.store.save(rule);
    await this.reload();
    return rule;
  }

  async update(rule: AlertRule): Promise<AlertRule> {
    const saved = await this.store.update(rule.id, () => rule);
    await this.reload();
    return saved;
  }

  async remove(id: string): Promise<void> {
    await this.store.remove(id);
    await this.reload();
  }

  /** Snoozes a rule for `snooze` seconds or until cleared; null lifts the snooze. */
  async snooze(id: string, snooze: Snooze): Promise<AlertRule> {
    const until =
      snooze === null
        ? null
        : snooze === 'until-cleared'
          ? SNOOZE_UNTIL_CLEARED
          : Math.floor(this.#now() / 1000) + snooze;
    const saved = await this.store.update(id, (rule) => ({ ...rule, snoozedUntil: until }));
    await this.reload();
    return saved;
  }

  webhook(): Promise<WebhookSettings> {
    return this.store.webhook();
  }

  async setWebhook(settings: WebhookSettings): Promise<WebhookSettings> {
    await this.store.setWebhook(settings);
    return this.store.webhook();
  }

  /** POSTs a test payload to `url`, or to the saved URL; what came back (never throws for HTTP). */
  async testWebhook(url: string | null): Promise<WebhookTestResult> {
    const target = url ?? (await this.store.webhook()).url;
    if (target === null) return { ok: false, status: null, error: 'no webhook URL is set' };
    return postWebhook(target, {
      source: 'wg-deck',
      event: 'test',
      at: Math.floor(this.#now() / 1000),
      alert: null,
      message: 'WG Deck webhook test',
    });
  }
}
