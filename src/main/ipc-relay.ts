import type { ErrorCode } from '../shared/error-codes.ts';
import { serializeError, validateInvoke, type Outcome } from '../shared/rpc.ts';
import type { EngineHost } from './engine-host.ts';
import { isTrustedSender, type RendererLocation, type SenderFacts } from './trusted-sender.ts';

/**
 * What `ipcMain.handle('wgdeck:invoke')` does, without electron: check the sender, validate the call
 * with the contract's schemas, forward it to the engine process. Always resolves with an Outcome, so
 * Electron never wraps an error as "Error invoking remote method".
 */
export async function relayInvoke(
  sender: SenderFacts,
  method: unknown,
  args: unknown,
  deps: { host: Pick<EngineHost, 'invoke'>; windowWebContentsId: number | null; renderer: RendererLocation },
): Promise<Outcome> {
  if (!isTrustedSender(sender, deps.windowWebContentsId, deps.renderer)) {
    return {
      ok: false,
      error: {
        name: 'ForbiddenError',
        code: 'FORBIDDEN' satisfies ErrorCode,
        message: 'Only the WG Deck window may call the engine.',
      },
    };
  }
  try {
    return await deps.host.invoke(validateInvoke(method, args));
  } catch (error) {
    return { ok: false, error: serializeError(error) };
  }
}
