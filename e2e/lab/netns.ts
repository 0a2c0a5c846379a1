// Naming, state dir, root-side subnet claims, and teardown (also of leftovers a killed run left behind).
import { releaseGuardRoute } from './guard-route.ts';
import { mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { killTree, procRef, run, terminate } from './exec.ts';
import type { ProcRef } from './exec.ts';
import type { LabState } from './types.ts';

/** Every lab instance keeps its state in LAB_ROOT/<name>/. */
export const LAB_ROOT = '/run/wgdeck-lab';
/** Root-namespace links of a lab carry the alias `wgdeck-lab:<name>:<what>`, so leftovers can be found. */
export const ALIAS_PREFIX = 'wgdeck-lab:';
const CLAIMS_DIR = `${LAB_ROOT}/.subnets`;
export const DEFAULT_LAB_NAME = 'wgdlab';

export function validateLabName(name: string): void {
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(name)) {
    throw new Error(
      `invalid lab name ${JSON.stringify(name)}: use 1-32 of a-z 0-9 _ -, starting with a letter`,
    );
  }
}

export function labDir(name: string): string {
  return `${LAB_ROOT}/${name}`;
}

export function serverNamespace(name: string, index: number): string {
  return `${name}-s${index}`;
}

export function clientNamespace(name: string, index: number): string {
  return `${name}-c${index}`;
}

/** Namespaces of lab `name` among `all`: exactly `<name>-s<k>` / `<name>-c<k>` (not those of lab `<name>x`). */
export function labNamespacesOf(all: readonly string[], name: string): string[] {
  return all.filter((ns) => ns.startsWith(`${name}-`) && /^[sc]\d+$/.test(ns.slice(name.length + 1)));
}

export async function listNamespaces(): Promise<string[]> {
  try {
    return await readdir('/run/netns');
  } catch {
    return [];
  }
}

interface RootLink {
  ifname: string;
  ifalias?: string;
}

export async function rootLinks(): Promise<RootLink[]> {
  const result = await run('ip', ['-j', 'link', 'show']);
  if (result.code !== 0) throw new Error(`ip link show failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as RootLink[];
}

interface AddrInfo {
  addr_info?: { local?: string }[];
}

// ---------------------------------------------------------------------------------------------------------
// State file

export async function readState(name: string): Promise<LabState | null> {
  try {
    const state = JSON.parse(await readFile(`${labDir(name)}/state.json`, 'utf8')) as LabState;
    return state.version === 1 && state.name === name ? state : null;
  } catch {
    return null;
  }
}

export async function writeState(state: LabState): Promise<void> {
  const file = `${state.dir}/state.json`;
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

// ---------------------------------------------------------------------------------------------------------
// Root-side subnet: 198.18.X.0/24, X in 1..127, one per lab instance on this machine.

/**
 * Claims a free X: not used by any root-namespace address or lab link, and not claimed by another live lab
 * (claims are files LAB_ROOT/.subnets/<X> holding the lab name; a claim whose lab dir is gone is stale).
 * The lab dir must exist before this is called.
 */
export async function claimSubnet(name: string): Promise<number> {
  await mkdir(CLAIMS_DIR, { recursive: true, mode: 0o755 });
  const addrs = JSON.parse((await run('ip', ['-j', '-4', 'addr', 'show'])).stdout || '[]') as AddrInfo[];
  const used = new Set<number>();
  for (const link of addrs) {
    for (const info of link.addr_info ?? []) {
      const m = /^198\.18\.(\d+)\./.exec(info.local ?? '');
      if (m?.[1]) used.add(Number(m[1]));
    }
  }
  for (const link of await rootLinks()) {
    const m = /^wgl(\d+)s\d+$/.exec(link.ifname);
    if (m?.[1]) used.add(Number(m[1]));
  }
  for (let x = 1; x <= 127; x++) {
    if (used.has(x)) continue;
    const claim = `${CLAIMS_DIR}/${x}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(claim, 'wx', 0o644);
        await handle.writeFile(name);
        await handle.close();
        return x;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = (await readFile(claim, 'utf8').catch(() => '')).trim();
      if (owner === name || (owner !== '' && !(await exists(labDir(owner))))) {
        await unlink(claim).catch(() => undefined); // ours (leftover) or stale: take it over
        continue;
      }
      break;
    }
  }
  throw new Error('no free 198.18.X.0/24 (X in 1..127) left for another lab instance on this machine');
}

async function releaseSubnets(name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(CLAIMS_DIR);
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = (await readFile(`${CLAIMS_DIR}/${entry}`, 'utf8').catch(() => '')).trim();
    if (owner === name) await unlink(`${CLAIMS_DIR}/${entry}`).catch(() => undefined);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Teardown

export async function namespacePids(ns: string): Promise<ProcRef[]> {
  const result = await run('ip', ['netns', 'pids', ns]);
  const pids = result.stdout.split(/\s+/).filter((s) => /^\d+$/.test(s));
  const refs = await Promise.all(pids.map((pid) => procRef(Number(pid)).catch(() => undefined)));
  return refs.filter((r): r is ProcRef => r !== undefined);
}

async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)));
  return points.sort((a, b) => b.length - a.length);
}

/**
 * Removes everything lab `name` made: the processes recorded in `state` (or state.json), anything else still
 * running inside its namespaces, the namespaces, its root-side links, mounts under its dir, its subnet claim
 * and its dir. Works on a half-built lab and on leftovers of a killed run; does nothing when there is nothing.
 */
export async function teardownLab(name: string, given: LabState | null): Promise<void> {
  validateLabName(name);
  const state = given ?? (await readState(name));
  const errors: string[] = [];
  const attempt = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      errors.push(`${what}: ${(error as Error).message}`);
    }
  };

  if (state) {
    const servers = state.runtime.servers.filter((s) => s !== null);
    const clients = state.runtime.clients.filter((c) => c !== null);
    // sshd first, with its sessions; then traffic and wireguard-go; then the holders.
    await attempt('kill sshd', async () => {
      await Promise.all(servers.map((s) => (s.sshd ? killTree(s.sshd) : Promise.resolve())));
    });
    await attempt('stop wireguard-go and traffic', () =>
      terminate(
        [
          ...clients.flatMap((c) => [c.ping, c.wireguard].filter((r) => r !== null)),
          ...servers.flatMap((s) => s.wireguard),
        ],
        'SIGTERM',
        1_000,
      ),
    );
    await attempt('kill holders', () =>
      terminate([...servers.map((s) => s.holder), ...clients.map((c) => c.holder)], 'SIGKILL'),
    );
  }

  const namespaces = [
    ...new Set([...(state?.namespaces ?? []), ...labNamespacesOf(await listNamespaces(), name)]),
  ];
  await attempt('kill processes left in the namespaces', async () => {
    const refs = (await Promise.all(namespaces.map((ns) => namespacePids(ns)))).flat();
    if (refs.length > 0) await terminate(refs, 'SIGKILL');
  });
  const present = new Set(await listNamespaces());
  for (const ns of namespaces.filter((n) => present.has(n))) {
    await attempt(`ip netns del ${ns}`, async () => {
      const result = await run('ip', ['netns', 'del', ns]);
      if (result.code !== 0) throw new Error(result.stderr.trim());
    });
  }

  await attempt('delete root-side links', async () => {
    const tag = `${ALIAS_PREFIX}${name}:`;
    for (const link of await rootLinks()) {
      if (!link.ifalias?.startsWith(tag)) continue;
      const result = await run('ip', ['link', 'del', link.ifname]);
      if (result.code !== 0 && !/Cannot find device/.test(result.stderr))
        throw new Error(result.stderr.trim());
    }
  });

  const dir = labDir(name);
  await attempt('unmount', async () => {
    for (const point of await mountsUnder(dir)) {
      const result = await run('umount', ['-l', point]);
      if (result.code !== 0) throw new Error(`umount ${point}: ${result.stderr.trim()}`);
    }
  });
  await attempt('release subnet', () => releaseSubnets(name));
  await attempt('remove state dir', () => rm(dir, { recursive: true, force: true }));
  await attempt('release guard route', () => releaseGuardRoute());
  if (errors.length > 0) throw new Error(`lab ${name} teardown incomplete:\n${errors.join('\n')}`);
}
