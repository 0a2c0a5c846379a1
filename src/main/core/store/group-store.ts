import { join } from 'node:path';
import { z } from 'zod';
import type { Group } from '../../../shared/server-config.ts';
import { groupSchema } from '../../../shared/validation.ts';
import { WgDeckError } from '../errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { readStoreFile } from './read-store-file.ts';
import { withStoreLock } from './store-lock.ts';

const fileSchema = z.object({
  version: z.literal(1),
  groups: z.array(groupSchema),
});

/** The groups (seed 001's NodeGroups): `<dataDir>/groups.json`, changed under the file's lock. */
export class GroupStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'groups.json');
  }

  async list(): Promise<Group[]> {
    return (await readStoreFile(this.path, fileSchema))?.groups ?? [];
  }

  /** Adds, or replaces when `replace` is set; names are unique. */
  async save(group: Group, options: { replace?: boolean } = {}): Promise<void> {
    const valid = groupSchema.parse(group);
    await withStoreLock(this.path, async () => {
      const groups = await this.list();
      const index = groups.findIndex((g) => g.name === valid.name);
      if (index >= 0 && !options.replace) {
        throw new WgDeckError('GROUP_EXISTS', `A group named "${valid.name}" already exists.`);
      }
      if (index < 0 && options.replace) {
        throw new WgDeckError('NO_SUCH_GROUP', `No group named "${valid.name}".`);
      }
      if (index >= 0) groups[index] = valid;
      else groups.push(valid);
      await this.#write(groups);
    });
  }

  async remove(name: string): Promise<void> {
    await withStoreLock(this.path, async () => {
      const groups = await this.list();
      const remaining = groups.filter((g) => g.name !== name);
      if (remaining.length === groups.length) {
        throw new WgDeckError('NO_SUCH_GROUP', `No group named "${name}".`);
      }
      await this.#write(remaining);
    });
  }

  async #write(groups: Group[]): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, groups }, null, 2)}\n`);
  }
}
