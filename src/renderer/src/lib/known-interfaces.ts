/**
 * The interface names each server had when last seen live, kept in localStorage so the charts of the
 * past (which need an interface name) still show when the app starts with a server unreachable.
 * Names only: a few bytes per server.
 */
const KEY = 'wgdeck.knownInterfaces';

function readAll(): Record<string, string[]> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, string[]>)
      : {};
  } catch {
    return {};
  }
}

export function knownInterfaces(server: string): string[] {
  const names = readAll()[server];
  return Array.isArray(names) ? names.filter((n) => typeof n === 'string') : [];
}

export function rememberInterfaces(server: string, names: readonly string[]): void {
  if (names.length === 0) return;
  const all = readAll();
  if (JSON.stringify(all[server]) === JSON.stringify(names)) return;
  all[server] = [...names];
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Storage full or disabled: offline charts then need the interface in the URL.
  }
}
