import type { WgDeckBridge } from '../../../shared/rpc.ts';

declare global {
  interface Window {
    /**
     * Exposed by the Electron preload; absent in browser mode. Not for direct use: `connectApi()` wraps
     * it into the `WgDeckApi` contract (rebuilding errors with their codes on this side of the bridge).
     */
    wgdeck?: WgDeckBridge;
  }
}

export {};
