/** Units people read. Binary prefixes for bytes (what `ip -s` and most admins use), SI for bits. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const BIT_UNITS = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];

function scaled(value: number, base: number, units: string[]): string {
  let unit = 0;
  let scaledValue = Math.abs(value);
  while (scaledValue >= base && unit < units.length - 1) {
    scaledValue /= base;
    unit += 1;
  }
  const digits = unit === 0 || scaledValue >= 100 ? 0 : scaledValue >= 10 ? 1 : 2;
  return `${value < 0 ? '-' : ''}${scaledValue.toFixed(digits)} ${units[unit]}`;
}

export function formatBytes(bytes: number | null): string {
  return bytes === null ? '—' : scaled(bytes, 1024, BYTE_UNITS);
}

export function formatRate(bytesPerSecond: number | null, unit: 'bytes' | 'bits' = 'bytes'): string {
  if (bytesPerSecond === null) return '—';
  return unit === 'bits'
    ? scaled(bytesPerSecond * 8, 1000, BIT_UNITS)
    : `${scaled(bytesPerSecond, 1024, BYTE_UNITS)}/s`;
}

/**
 * What a server's `droppedFrames` means, in the CLI and the UI alike: "3 frames dropped (the server
 * sends faster than every half interval)".
 */
export function formatDroppedFrames(count: number): string {
  const frames = count === 1 ? '1 frame' : `${count.toLocaleString('en-US')} frames`;
  return `${frames} dropped (the server sends faster than every half interval)`;
}

/** A WireGuard key shortened for tables: first 8 characters and an ellipsis. */
export function shortKey(key: string): string {
  return key.length > 10 ? `${key.slice(0, 8)}…` : key;
}

const COUNT = new Intl.NumberFormat('en-US');

/** A raw counter with thousands separators: "1,234,567"; "—" when unknown. */
export function formatCount(value: number | null): string {
  return value === null ? '—' : COUNT.format(value);
}

/**
 * Events per second (packets, errors, drops): "0/s", "0.4/s", "12/s", "3.2k/s", "1.5M/s"; "—" when
 * unknown. Small rates keep a decimal so a trickle of errors never reads as zero.
 */
export function formatPerSecond(value: number | null): string {
  if (value === null) return '—';
  const v = Math.max(0, value);
  if (v === 0) return '0/s';
  if (v < 10) return `${v < 0.05 ? '<0.1' : v.toFixed(1).replace(/\.0$/, '')}/s`;
  if (v < 1000) return `${Math.round(v)}/s`;
  if (v < 1_000_000) return `${(v / 1000).toFixed(v < 10_000 ? 1 : 0)}k/s`;
  return `${(v / 1_000_000).toFixed(v < 10_000_000 ? 1 : 0)}M/s`;
}

/** 0..100 → "42%", "4.2%", "0%"; "—" when unknown. */
export function formatPercent(value: number | null): string {
  if (value === null) return '—';
  const v = Math.max(0, value);
  return v === 0 || v >= 10 ? `${Math.round(v)}%` : `${v.toFixed(1)}%`;
}

/** A duration for uptimes: "45 s", "12 min", "5 h 12 min", "3 d 4 h"; "—" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) {
    const m = Math.floor((s % 3600) / 60);
    return m === 0 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 3600)} h ${m} min`;
  }
  const h = Math.floor((s % 86_400) / 3600);
  return h === 0 ? `${Math.floor(s / 86_400)} d` : `${Math.floor(s / 86_400)} d ${h} h`;
}

// --- Charts ----------------------------------------------------------------------------------------

const AXIS_BYTE_UNITS = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s', 'TiB/s', 'PiB/s'];

/** Up to two decimals, trailing zeros dropped: 1.5, 12, 0.25. */
function compactNumber(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value
    .toFixed(digits)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

/**
 * Which prefix a rate axis uses (0 = none, 1 = Ki/k, …): the largest whose unit the value reaches, so
 * every tick of one axis can share it.
 */
export function rateAxisPower(bytesPerSecond: number, unit: 'bytes' | 'bits' = 'bytes'): number {
  const base = unit === 'bits' ? 1000 : 1024;
  const units = unit === 'bits' ? BIT_UNITS : AXIS_BYTE_UNITS;
  let v = Math.abs(unit === 'bits' ? bytesPerSecond * 8 : bytesPerSecond);
  let power = 0;
  while (v >= base && power < units.length - 1) {
    v /= base;
    power += 1;
  }
  return power;
}

/**
 * A rate as an axis label: compact ("1.5 MiB/s", "800 kbit/s", "0"), in the axis's prefix when given
 * (`rateAxisPower` of the axis maximum) so one axis never mixes units.
 */
export function formatAxisRate(
  bytesPerSecond: number,
  unit: 'bytes' | 'bits' = 'bytes',
  power?: number,
): string {
  if (bytesPerSecond === 0) return '0';
  const base = unit === 'bits' ? 1000 : 1024;
  const units = unit === 'bits' ? BIT_UNITS : AXIS_BYTE_UNITS;
  const p = Math.min(units.length - 1, Math.max(0, power ?? rateAxisPower(bytesPerSecond, unit)));
  const value = (unit === 'bits' ? bytesPerSecond * 8 : bytesPerSecond) / base ** p;
  return `${compactNumber(value)} ${units[p]}`;
}

/** `count` of `noun`, with its plural: "1 peer", "2 peers", "0 peers", "1,200 peers". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? noun : nouns}`;
}
