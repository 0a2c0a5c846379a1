import { join } from 'node:path';
import { z } from 'zod';
import type { ServerConfig } from '../../../shared/server-config.ts';
import { serverConfigSchema } from '../../../shared/validation.ts';
import { WgDeckError } from '../errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { readStoreFile } from './read-store-file.ts';
import { withStoreLock } from './store-lock.ts';

const fileSchema = z.object({
  version: z.literal(1),
  servers: z.array(serverConfigSchema),
});

/**
 * The fleet as configured: `<dataDir>/servers.json`. Holds no secret (those live in the keychain).
 * Shared by every process on the data dir: each change re-reads and writes under the file's lock.
 */
export class ServerStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'servers.json');
  }

  async list(): Promise<ServerConfig[]> {
    return (await readStoreFile(this.path, fileSchema))?.servers ?? [];
  }

  async get(name: string): Promise<ServerConfig> {
    const server = (await this.list()).find((s) => s.name === name);
    if (!server) throw new WgDeckError('NO_SUCH_SERVER', `No server named "${name}".`);
    return server;
  }

  /** Adds, or replaces when `replace` is set; names are unique. */
  async save(server: ServerConfig, options: { replace?: boolean } = {}): Promise<void> {
    const valid = serverConfigSchema.parse(server);
    await withStoreLock(this.path, async () => {
      const servers = await this.list();
      const index = servers.findIndex((s) => s.name === valid.name);
      if (index >= 0 && !options.replace) {
        throw new WgDeckError('SERVER_EXISTS', `A server named "${valid.name}" already exists.`);
      }
      if (index >= 0) servers[index] = valid;
      else servers.push(valid);
      await this.#write(servers);
    });
  }

  async remove(name: string): Promise<void> {
    await withStoreLock(this.path, async () => {
      const servers = await this.list();
      const remaining = servers.filter((s) => s.name !== name);
      if (remaining.length === servers.length) {
        throw new WgDeckError('NO_SUCH_SERVER', `No server named "${name}".`);
      }
      await this.#write(remaining);
    });
  }

  async #write(servers: ServerConfig[]): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, servers }, null, 2)}\n`);
  }
}
