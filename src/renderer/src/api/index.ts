import type { WgDeckApi } from '../../../shared/api.ts';
import { apiFromBridge } from '../../../shared/rpc.ts';
import { withRetries } from '../../../shared/retrying-api.ts';
import { socketProtocols } from '../../../shared/ws-auth.ts';
import { takeSessionToken } from './session-token.ts';
import { connectWebSocket, type SocketLike } from './ws-client.ts';

export type { WgDeckApi } from '../../../shared/api.ts';

let connecting: Promise<WgDeckApi> | null = null;
let bridged: WgDeckApi | null = null;

/** Where `wgdeck serve` listens for the contract: `/ws` on the page's own origin (no token in it). */
function socketUrl(location: Location): string {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * The renderer's only door to the engine. In Electron the preload exposes `window.wgdeck` (IPC); in
 * browser mode this opens the WebSocket transport, offering the tab's token as a subprotocol
 * (shared/ws-auth.ts). The UI never knows which. Called twice, it connects once. Either way a failed
 * call rejects with a real Error carrying `code` (see shared/rpc.ts); a retry-safe one that lost its
 * connection is sent again once the link is back (shared/retrying-api.ts).
 */
export function connectApi(): Promise<WgDeckApi> {
  if (window.wgdeck) {
    bridged ??= withRetries(apiFromBridge(window.wgdeck));
    return Promise.resolve(bridged);
  }
  // Read on every attempt: the URL's token is taken (and removed from the address bar) on the first.
  const protocols = socketProtocols(takeSessionToken(window));
  connecting ??= connectWebSocket({
    url: socketUrl(window.location),
    // The DOM's handler types are narrower than SocketLike's structural view; the shapes match.
    createSocket: (url) => new WebSocket(url, protocols) as unknown as SocketLike,
  }).then(
    (api) => withRetries(api),
    (error: unknown) => {
      connecting = null; // let a later call try again
      throw error;
    },
  );
  return connecting;
}
