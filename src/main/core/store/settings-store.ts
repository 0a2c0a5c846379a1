import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { retentionSchema, type Settings } from '../../../shared/api.ts';
import { DEFAULT_RETENTION } from '../../../shared/history.ts';
import { DEFAULT_THRESHOLDS } from '../../../shared/domain.ts';
import { intervalSchema } from '../../../shared/validation.ts';
import { WgDeckError } from '../errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { withStoreLock } from './store-lock.ts';

export const DEFAULT_SETTINGS: Settings = {
  intervalSeconds: 5,
  thresholds: DEFAULT_THRESHOLDS,
  retention: DEFAULT_RETENTION,
};

const settingsSchema = z.object({
  intervalSeconds: intervalSchema,
  thresholds: z
    .object({ onlineSeconds: z.number().int().positive(), staleSeconds: z.number().int().positive() })
    .refine((t) => t.staleSeconds > t.onlineSeconds, 'stale threshold must exceed the online threshold'),
  retention: retentionSchema,
});

/** `<dataDir>/settings.json`; missing keys fall back to the defaults. */
export class SettingsStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'settings.json');
  }

  async get(): Promise<Settings> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_SETTINGS;
      throw error;
    }
    const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(JSON.parse(text) as object) });
    if (!parsed.success) {
      throw new WgDeckError('STORE_CORRUPT', `${this.path} is invalid: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    return await withStoreLock(this.path, async () => {
      const next = settingsSchema.parse({ ...(await this.get()), ...patch });
      await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
      return next;
    });
  }
}
