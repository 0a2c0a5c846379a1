/**
 * Browser mode's access token on the page's side. `wgdeck serve` prints a URL ending in `?token=…`;
 * the page takes the token out of the address bar at once (`history.replaceState`: it must not stay
 * on screen, in the history list or in a bookmark) and keeps it in this tab's sessionStorage, so a
 * reload still connects while another tab, or the same URL opened later, has to be given the token.
 */

const STORAGE_KEY = 'wgdeck-token';
const QUERY_KEY = 'token';

/** The parts of `window` this needs, injected so it is testable without a DOM. */
export interface TokenWindow {
  location: { href: string };
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
}

/** Kept when sessionStorage is unavailable (disabled storage): this page load still works. */
let memoryToken: string | null = null;

/**
 * The token for this tab: from the URL when it carries one (which is then removed from the URL,
 * keeping the path, other parameters and the hash), else what this tab stored earlier; null if none.
 */
export function takeSessionToken(win: TokenWindow): string | null {
  const url = new URL(win.location.href);
  const fromUrl = url.searchParams.get(QUERY_KEY);
  if (fromUrl !== null) {
    url.searchParams.delete(QUERY_KEY);
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    try {
      win.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      memoryToken = fromUrl; // storage disabled: a reload will need the printed URL again
    }
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(STORAGE_KEY) ?? memoryToken;
  } catch {
    return memoryToken;
  }
}
