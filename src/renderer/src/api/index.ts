import type { WgDeckApi } from '../../../shared/api.ts';
import { apiFromBridge } from '../../../shared/rpc.ts';
import { connectWebSocket, type SocketLike } from './ws-client.ts';

export type { WgDeckApi } from '../../../shared/api.ts';

let connecting: Promise<WgDeckApi> | null = null;

/** Where `wgdeck serve` listens for the contract: `/ws` on the page's own origin, token from the URL. */
function socketUrl(location: Location): string {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  // The HttpOnly cookie set with the page carries the token too; the URL's copy covers cookie-less tabs.
  const token = new URLSearchParams(location.search).get('token');
  if (token) url.searchParams.set('token', token);
  return url.href;
}

/**
 * The renderer's only door to the engine. In Electron the preload exposes `window.wgdeck` (IPC); in
 * browser mode this opens the WebSocket transport. The UI never knows which. Called twice, it connects
 * once. Either way a failed call rejects with a real Error carrying `code` (see shared/rpc.ts).
 */
export function connectApi(): Promise<WgDeckApi> {
  if (window.wgdeck) return Promise.resolve(apiFromBridge(window.wgdeck));
  connecting ??= connectWebSocket({
    url: socketUrl(window.location),
    // The DOM's handler types are narrower than SocketLike's structural view; the shapes match.
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
  }).catch((error: unknown) => {
    connecting = null; // let a later call try again
    throw error;
  });
  return connecting;
}
