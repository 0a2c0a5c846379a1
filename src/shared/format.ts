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
