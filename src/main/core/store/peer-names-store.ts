import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { peerNamesSchema, type PeerNames } from '../../../shared/peer-ops.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { withStoreLock } from './store-lock.ts';

const fileSchema = z.object({ version: z.literal(1), interfaces: z.array(peerNamesSchema) });

/**
 * Peer names once learned (`<dataDir>/peer-names.json`), so the live views, `wgdeck status` and the
 * UI name peers before any config file is read again. A cache of what the servers' files say: one
 * entry per server and interface, each change a read-modify-write of that entry under the file's lock
 * (the app, `serve` and CLI commands learn names on the same data dir). A file that cannot be read as
 * one is treated as empty: the next file read fills it again.
 */
export class PeerNamesStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'peer-names.json');
  }

  async list(): Promise<PeerNames[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return [];
    }
    const parsed = fileSchema.safeParse(json);
    return parsed.success ? parsed.data.interfaces : [];
  }

  /** Replaces what is known of `entry`'s interface. */
  async put(entry: PeerNames): Promise<void> {
    await this.#update((all) => [...all.filter((e) => !sameInterface(e, entry)), entry]);
  }

  /** Drops everything known of a server (it was removed). */
  async forget(server: string): Promise<void> {
    await this.#update((all) => all.filter((e) => e.server !== server));
  }

  async #update(change: (all: PeerNames[]) => PeerNames[]): Promise<void> {
    await withStoreLock(this.path, async () => {
      const before = await this.list();
      const after = change(before);
      if (JSON.stringify(after) === JSON.stringify(before)) return;
      await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, interfaces: after }, null, 2)}\n`);
    });
  }
}

const sameInterface = (a: PeerNames, b: PeerNames): boolean => a.server === b.server && a.iface === b.iface;
