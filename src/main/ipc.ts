import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { EngineHost } from './engine-host.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc-channels.ts';
import { relayInvoke } from './ipc-relay.ts';
import { isTrustedRendererUrl, type RendererLocation, type SenderFacts } from './trusted-sender.ts';

function senderFacts(event: IpcMainInvokeEvent): SenderFacts {
  try {
    const frame = event.senderFrame;
    const main = event.sender.mainFrame;
    return {
      webContentsId: event.sender.id,
      frameUrl: frame?.url ?? null,
      isMainFrame: frame !== null && frame.processId === main.processId && frame.routingId === main.routingId,
    };
  } catch {
    return { webContentsId: event.sender.id, frameUrl: null, isMainFrame: false }; // frame gone
  }
}

/**
 * Renderer ↔ engine, relayed through main: calls arrive on one channel and are checked here (sender,
 * then the contract's schemas) before the engine process sees them; events go back on one channel.
 * Relaying (rather than handing the page a MessagePort to the engine process) keeps one place that
 * checks who is calling, and lets the engine process restart without the page re-handshaking.
 */
export function registerIpc(deps: {
  host: EngineHost;
  window: () => BrowserWindow | null;
  renderer: RendererLocation;
}): void {
  ipcMain.handle(INVOKE_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, args: unknown) => {
    const window = deps.window();
    return relayInvoke(senderFacts(event), method, args, {
      host: deps.host,
      windowWebContentsId: window && !window.isDestroyed() ? window.webContents.id : null,
      renderer: deps.renderer,
    });
  });
  deps.host.onEvent((event, payload) => {
    const window = deps.window();
    if (!window || window.isDestroyed()) return;
    // Fleet data only ever goes to our own page.
    if (!isTrustedRendererUrl(window.webContents.getURL(), deps.renderer)) return;
    window.webContents.send(EVENT_CHANNEL, event, payload);
  });
}
