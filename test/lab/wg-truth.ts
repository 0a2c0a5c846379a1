import type { Lab } from '../../e2e/lab/lab.ts';

/** What the server itself says, read as root inside its namespaces: the ground truth for comparisons. */
export interface Truth {
  dump: string[][];
  netdev: Record<string, number[]>;
}

export async function readTruth(lab: Lab, server: number): Promise<Truth> {
  const out = await lab.exec(server, 'wg show all dump; echo @@; cat /proc/net/dev');
  const [dumpText, netdevText] = out.stdout.split('@@\n');
  const dump =
    dumpText!.trim() === ''
      ? []
      : dumpText!
          .trim()
          .split('\n')
          .map((l) => l.split('\t'));
  const netdev: Record<string, number[]> = {};
  for (const line of netdevText!.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest) continue;
    netdev[name!.trim()] = rest.trim().split(/\s+/).map(Number);
  }
  return { dump, netdev };
}

/** /proc/net/dev columns → our nine counters. */
export function countersOf(fields: number[]): Record<string, number | undefined> {
  return {
    rxBytes: fields[0],
    rxPackets: fields[1],
    rxErrors: fields[2],
    rxDropped: fields[3],
    multicast: fields[7],
    txBytes: fields[8],
    txPackets: fields[9],
    txErrors: fields[10],
    txDropped: fields[11],
  };
}
