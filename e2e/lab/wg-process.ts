// Finds wireguard-go processes by what they serve (interface name + network namespace) rather than by the PID
// the lab started: `wg-quick down/up` over ssh replaces the process, and the lab never learns the new PID.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { isAlive, procRef } from './exec.ts';
import type { ProcRef } from './exec.ts';

/** A running `wireguard-go -f IF`: its identity, interface and network namespace ('net:[4026532…]'). */
export interface WireguardProcess {
  ref: ProcRef;
  ifname: string;
  netns: string;
}

/** The network namespace of a process ('net:[…]'), or undefined when it is gone. */
export async function netnsOf(pid: number): Promise<string | undefined> {
  return readlink(`/proc/${pid}/ns/net`).catch(() => undefined);
}

/** The interface of a `wireguard-go -f IF` (or `wireguard-go IF`) command line, else undefined. */
export function wireguardInterface(argv: readonly string[]): string | undefined {
  const [command, ...args] = argv;
  if (command === undefined || !/(^|\/)wireguard-go$/.test(command)) return undefined;
  const rest = args[0] === '-f' || args[0] === '--foreground' ? args.slice(1) : args;
  return rest.length === 1 ? rest[0] : undefined;
}

/** Every live wireguard-go on this machine (zombies excluded: their command line is empty). */
export async function listWireguard(): Promise<WireguardProcess[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const found = await Promise.all(
    pids.map(async (pid): Promise<WireguardProcess | undefined> => {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      const ifname = wireguardInterface(cmdline.split('\0').filter((arg) => arg !== ''));
      if (ifname === undefined) return undefined;
      const [netns, ref] = await Promise.all([netnsOf(pid), procRef(pid).catch(() => undefined)]);
      if (netns === undefined || ref === undefined || !(await isAlive(ref))) return undefined;
      return { ref, ifname, netns };
    }),
  );
  return found.filter((p): p is WireguardProcess => p !== undefined);
}

/**
 * Looks up, in one scan, the wireguard-go serving each (holder, interface) pair: the holder stands for its
 * network namespace. Missing or dead holders and interfaces without a process give undefined.
 */
export async function findWireguard(
  wanted: readonly { holder: ProcRef | null | undefined; ifname: string }[],
): Promise<(ProcRef | undefined)[]> {
  const [all, namespaces] = await Promise.all([
    listWireguard(),
    Promise.all(
      wanted.map(async ({ holder }) => (holder && (await isAlive(holder)) ? netnsOf(holder.pid) : undefined)),
    ),
  ]);
  return wanted.map(({ ifname }, i) => {
    const netns = namespaces[i];
    if (netns === undefined) return undefined;
    return all.find((p) => p.netns === netns && p.ifname === ifname)?.ref;
  });
}
