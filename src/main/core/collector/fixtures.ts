/**
 * Generators of realistic collector output for tests and benchmarks: `wg show all dump` text as the
 * remote script masks it, and whole frames around it. Deterministic for a given seed.
 */

export interface DumpOptions {
  interfaces: number;
  peersPerInterface: number;
  seed: number;
  /** Server time the handshakes are relative to. Default 1_750_000_000. */
  now?: number;
}

export interface FrameOptions {
  seq?: number;
  /** Default 1_750_000_000. */
  serverTime?: number;
  /** Seconds since boot (the `time` line's second field). Default 123456.78. */
  uptime?: number;
  /** The dump to embed; default `makeDumpText` of the `dump` options (or an empty dump). */
  dumpText?: string;
  dump?: DumpOptions;
  /** Exit code on the `@wgdeck wg` line. Default 0. */
  wgStatus?: number;
  /** Section bodies replacing the canned ones; null leaves the section out. */
  netdevText?: string | null;
  statText?: string | null;
  meminfoText?: string | null;
  loadavgText?: string | null;
  dfText?: string | null;
  /** After `@wgdeck ping `: its argument line and result lines (default `-`: no round ended); null: no section. */
  pingText?: string | null;
}

const DEFAULT_NOW = 1_750_000_000;

export const NETDEV_TEXT = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3245      30    0    0    0     0          0         0     3245      30    0    0    0     0       0          0
  eth0: 563104398   14233    1    2    0     0          0         7   795689    8002    3    4    0     0       0          0
   wg0: 98765432   54321    0    5    0     0          0         0 12345678   43210    0    6    0     0       0          0
`;

export const STAT_TEXT = `cpu  10099 0 6973 49023 389 0 115 25 0 0
cpu0 5003 0 3227 24977 67 0 16 10 0 0
cpu1 5095 0 3745 24045 322 0 99 14 0 0
`;

export const MEMINFO_TEXT = `MemTotal:       24682416 kB
MemAvailable:   24270212 kB
`;

export const LOADAVG_TEXT = '0.39 0.54 0.25 1/90 2273\n';

export const DF_TEXT = '264212084 24080708\n';

/** mulberry32: tiny, fast, good enough to make fixtures look random. */
export function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomInt(random: () => number, below: number): number {
  return Math.floor(random() * below);
}

/** A valid-looking key: base64 of 32 random bytes. */
export function makeKey(random: () => number): string {
  const bytes = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) bytes[i] = randomInt(random, 256);
  return bytes.toString('base64');
}

function makeEndpoint(random: () => number): string {
  const roll = random();
  const port = 1024 + randomInt(random, 64000);
  if (roll < 0.1) return '(none)';
  if (roll < 0.4)
    return `[2001:2:0:${(0x1000 + randomInt(random, 0x1000)).toString(16)}::${(1 + randomInt(random, 0xfffe)).toString(16)}]:${port}`;
  // Test payloads stay inside 198.18.0.0/16 (the benchmarking range) and 2001:2:0:1000::/52, like every
  // address of the lab.
  return `198.18.${randomInt(random, 256)}.${1 + randomInt(random, 254)}:${port}`;
}

function makeAllowedIps(random: () => number, index: number): string {
  if (random() < 0.02) return '(none)';
  const host = `198.18.${(index >> 8) & 255}.${index & 255}/32`;
  const list = [host];
  if (random() < 0.6) list.push(`2001:2:0:1000::${index.toString(16)}/128`);
  if (random() < 0.25) list.push(`198.18.${randomInt(random, 256)}.0/24`);
  if (random() < 0.05) list.push('0.0.0.0/0', '::/0');
  return list.join(',');
}

function makePeerLine(random: () => number, ifname: string, index: number, now: number): string {
  const neverSeen = random() < 0.15;
  const handshake = neverSeen ? 0 : now - randomInt(random, 86_400);
  // Traffic spreads over orders of magnitude: most peers move megabytes, a few terabytes.
  const rx = neverSeen ? 0 : Math.floor(10 ** (random() * 12));
  const tx = neverSeen ? 0 : Math.floor(10 ** (random() * 12));
  return [
    ifname,
    makeKey(random),
    random() < 0.3 ? '(hidden)' : '(none)',
    neverSeen ? '(none)' : makeEndpoint(random),
    makeAllowedIps(random, index),
    handshake,
    rx,
    tx,
    random() < 0.7 ? 'off' : 25,
  ].join('\t');
}

/** `wg show all dump` text (masked, newline-terminated; empty for zero interfaces). */
export function makeDumpText(options: DumpOptions): string {
  const random = makeRandom(options.seed);
  const now = options.now ?? DEFAULT_NOW;
  const lines: string[] = [];
  let peerIndex = 1;
  for (let i = 0; i < options.interfaces; i++) {
    const ifname = `wg${i}`;
    const fwmark = i % 2 === 1 ? `0x${(0xca6c + i).toString(16)}` : 'off';
    lines.push([ifname, '(hidden)', makeKey(random), 51820 + i, fwmark].join('\t'));
    for (let p = 0; p < options.peersPerInterface; p++) {
      lines.push(makePeerLine(random, ifname, peerIndex++, now));
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function section(header: string, body: string | null | undefined, fallback: string): string {
  if (body === null) return '';
  return `@wgdeck ${header}\n${body ?? fallback}`;
}

/** One complete frame as the remote script prints it. */
export function makeFrameText(options: FrameOptions = {}): string {
  const seq = options.seq ?? 1;
  const dump = options.dumpText ?? (options.dump ? makeDumpText(options.dump) : '');
  return [
    `@wgdeck frame ${seq}\n`,
    `@wgdeck time ${options.serverTime ?? DEFAULT_NOW} ${options.uptime ?? 123456.78}\n`,
    `@wgdeck wg ${options.wgStatus ?? 0}\n`,
    dump,
    section('netdev', options.netdevText, NETDEV_TEXT),
    section('stat', options.statText, STAT_TEXT),
    section('meminfo', options.meminfoText, MEMINFO_TEXT),
    section('loadavg', options.loadavgText, LOADAVG_TEXT),
    section('df', options.dfText, DF_TEXT),
    options.pingText === null ? '' : `@wgdeck ping ${options.pingText ?? '-\n'}`,
    `@wgdeck end ${seq}\n`,
  ].join('');
}
