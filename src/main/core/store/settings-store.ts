import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../../shared/settings.ts';
import { WgDeckError } from '../errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { withStoreLock } from './store-lock.ts';

/** The file is read with the contract's rules; a key a newer version added is dropped, not fatal. */
const fileSchema = settingsSchema.strip();

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
    const parsed = fileSchema.safeParse({ ...DEFAULT_SETTINGS, ...(JSON.parse(text) as object) });
    if (!parsed.success) {
      throw new WgDeckError('STORE_CORRUPT', `${this.path} is invalid: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  }

  async update(patch: Partial<Settings>): Promise<Settings> {
    return await withStoreLock(this.path, async () => {
      const next = fileSchema.parse({ ...(await this.get()), ...patch });
      await writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
      return next;
    });
  }
}
