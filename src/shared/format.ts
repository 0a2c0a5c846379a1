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

/** "23 s ago", "4 min ago", "3 h ago", "12 d ago", or "never". */
export function formatAge(thenSeconds: number | null, nowSeconds: number): string {
  if (thenSeconds === null) return 'never';
  const age = Math.max(0, Math.round(nowSeconds - thenSeconds));
  if (age < 60) return `${age} s ago`;
  if (age < 3600) return `${Math.floor(age / 60)} min ago`;
  if (age < 86_400) return `${Math.floor(age / 3600)} h ago`;
  return `${Math.floor(age / 86_400)} d ago`;
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

/** Unix seconds as an unambiguous UTC timestamp: "2025-11-22 22:43:10 UTC"; "never" for null. */
export function formatUnixTime(seconds: number | null): string {
  if (seconds === null) return 'never';
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
