import type { ServerLive } from '../../../shared/domain.ts';
import type { GroupSummary } from '../../../shared/groups.ts';
import type { Placement } from '../../../shared/placement.ts';
import type { Group } from '../../../shared/server-config.ts';
import type { Settings } from '../../../shared/settings.ts';
import { WgDeckError } from '../errors.ts';
import { rankPlacement } from '../fleet/placement.ts';
import { GroupStore } from '../store/group-store.ts';
import type { ServerStore } from '../store/server-store.ts';

export interface GroupServiceOptions {
  dataDir: string;
  servers: ServerStore;
  settings: () => Promise<Settings>;
  /** The servers' live state: the running fleet's, or one-shot readings when none runs. */
  live: (names: string[]) => Promise<ServerLive[]>;
}

/**
 * Groups (seed 001's NodeGroups) and placement within one. A server names its group
 * (`server.group`); a group named by a server but never defined still exists, with priority 0 —
 * so grouping needs no ceremony and an old data dir keeps its groups.
 */
export class GroupService {
  readonly store: GroupStore;
  readonly #options: GroupServiceOptions;

  constructor(options: GroupServiceOptions) {
    this.#options = options;
    this.store = new GroupStore(options.dataDir);
  }

  async list(): Promise<GroupSummary[]> {
    const [groups, servers] = await Promise.all([this.store.list(), this.#options.servers.list()]);
    const members = (name: string) => servers.filter((s) => s.group === name).map((s) => s.name);
    const implicit = [...new Set(servers.flatMap((s) => (s.group ? [s.group] : [])))]
      .filter((name) => !groups.some((g) => g.name === name))
      .map((name): Group => ({ name, priority: 0 }));
    return [
      ...groups.map((g) => ({ ...g, defined: true })),
      ...implicit.map((g) => ({ ...g, defined: false })),
    ]
      .sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((g) => ({ ...g, servers: members(g.name) }));
  }

  async add(group: Group): Promise<Group> {
    await this.store.save(group);
    return group;
  }

  /** Replaces a group's region, description and priority (defining it, if only servers named it). */
  async update(group: Group): Promise<Group> {
    const defined = (await this.store.list()).some((g) => g.name === group.name);
    if (!defined && !(await this.#options.servers.list()).some((s) => s.group === group.name)) {
      throw new WgDeckError('NO_SUCH_GROUP', `No group named "${group.name}".`);
    }
    await this.store.save(group, { replace: defined });
    return group;
  }

  /** Removes a group no server is in (moving servers is the admin's decision, not a side effect). */
  async remove(name: string): Promise<void> {
    const inIt = (await this.#options.servers.list()).filter((s) => s.group === name).map((s) => s.name);
    if (inIt.length > 0) {
      throw new WgDeckError('GROUP_IN_USE', `Group "${name}" still has ${inIt.join(', ')}.`);
    }
    await this.store.remove(name);
  }

  /** The placement ranking within `group` (null: the whole fleet), from the servers' live state. */
  async rank(group: string | null): Promise<Placement> {
    const [groups, servers, settings] = await Promise.all([
      this.list(),
      this.#options.servers.list(),
      this.#options.settings(),
    ]);
    if (group !== null && !groups.some((g) => g.name === group)) {
      throw new WgDeckError('NO_SUCH_GROUP', `No group named "${group}".`);
    }
    const chosen = servers.filter((s) => group === null || s.group === group);
    const live = await this.#options.live(chosen.map((s) => s.name));
    const priority = (name: string | undefined) => groups.find((g) => g.name === name)?.priority ?? 0;
    return rankPlacement(
      chosen.map((config) => ({
        config,
        live: live.find((l) => l.name === config.name),
        intervalSeconds: config.intervalSeconds ?? settings.intervalSeconds,
        priority: priority(config.group),
      })),
      group,
      Date.now(),
    );
  }
}
