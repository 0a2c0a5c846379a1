import { contextBridge, ipcRenderer } from 'electron';
import type { Outcome, WgDeckBridge } from '../shared/rpc.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../main/ipc-channels.ts';

/*
 * The contract, bridged: `invoke` and `subscribe`, nothing else (no ipcRenderer, no Node). `invoke`
 * resolves with an Outcome because contextBridge drops an Error's `code` and `name`; the page rebuilds
 * the real Error (shared/rpc.ts `apiFromBridge`, used by the renderer's `connectApi()`).
 */

const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) {
    try {
      listener(payload);
    } catch (error) {
      console.error(`wgdeck: a ${name} listener threw`, error);
    }
  }
});

const bridge = {
  invoke: (method, args) => ipcRenderer.invoke(INVOKE_CHANNEL, method, args) as Promise<Outcome>,
  subscribe(event, listener) {
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
    }
    const entry = listener as (payload: unknown) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  },
} satisfies WgDeckBridge;

contextBridge.exposeInMainWorld('wgdeck', bridge);
