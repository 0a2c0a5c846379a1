import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import {
  alertRuleSchema,
  webhookSettingsSchema,
  type AlertRule,
  type WebhookSettings,
} from '../../../shared/alerts.ts';
import { WgDeckError } from '../errors.ts';
import { writeFileAtomic } from '../store/atomic-file.ts';
import { readStoreFile } from '../store/read-store-file.ts';
import { withStoreLock } from '../store/store-lock.ts';

const fileSchema = z.object({
  version: z.literal(1),
  rules: z.array(alertRuleSchema),
  webhook: webhookSettingsSchema,
});
type AlertsFile = z.infer<typeof fileSchema>;

const EMPTY: AlertsFile = { version: 1, rules: [], webhook: { url: null } };

/** A new rule id: 8 lowercase letters or digits, short enough to type (`wgdeck alert edit ID`). */
export function newRuleId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Alert rules and the webhook: `<dataDir>/alerts.json`, changed under the file's lock. */
export class AlertStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'alerts.json');
  }

  async #read(): Promise<AlertsFile> {
    return (await readStoreFile(this.path, fileSchema)) ?? EMPTY;
  }

  async rules(): Promise<AlertRule[]> {
    return (await this.#read()).rules;
  }

  async webhook(): Promise<WebhookSettings> {
    return (await this.#read()).webhook;
  }

  async setWebhook(settings: WebhookSettings): Promise<void> {
    const valid = webhookSettingsSchema.parse(settings);
    await this.#change((file) => ({ ...file, webhook: valid }));
  }

  /** Adds a rule, or replaces the one with its id when `replace` is set. */
  async save(rule: AlertRule, options: { replace?: boolean } = {}): Promise<void> {
    const valid = alertRuleSchema.parse(rule);
    await this.#change((file) => {
      const index = file.rules.findIndex((r) => r.id === valid.id);
      if (index < 0 && options.replace) throw noSuchRule(valid.id);
      if (index >= 0 && !options.replace) throw new Error(`alert rule id ${valid.id} is taken`);
      const rules = [...file.rules];
      if (index >= 0) rules[index] = valid;
      else rules.push(valid);
      return { ...file, rules };
    });
  }

  /** Changes one rule in place (read, change and write under the lock: no lost update). */
  async update(id: string, change: (rule: AlertRule) => AlertRule): Promise<AlertRule> {
    let saved: AlertRule | null = null;
    await this.#change((file) => {
      const index = file.rules.findIndex((r) => r.id === id);
      if (index < 0) throw noSuchRule(id);
      saved = alertRuleSchema.parse({ ...change(file.rules[index]!), id });
      const rules = [...file.rules];
      rules[index] = saved;
      return { ...file, rules };
    });
    return saved!;
  }

  async remove(id: string): Promise<void> {
    await this.#change((file) => {
      const rules = file.rules.filter((r) => r.id !== id);
      if (rules.length === file.rules.length) throw noSuchRule(id);
      return { ...file, rules };
    });
  }

  async #change(change: (file: AlertsFile) => AlertsFile): Promise<void> {
    await withStoreLock(this.path, async () => {
      const next = change(await this.#read());
      await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
    });
  }
}

export function noSuchRule(id: string): WgDeckError {
  return new WgDeckError('NO_SUCH_ALERT_RULE', `No alert rule with id "${id}".`);
}
