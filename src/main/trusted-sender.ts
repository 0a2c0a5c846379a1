/**
 * Whether an IPC message comes from our own page. Every `ipcMain` handler takes input from a renderer,
 * and a renderer is untrusted (a navigation gone wrong, an injected frame): only the main frame of our
 * window, showing our own renderer, may call the engine.
 */

export interface RendererLocation {
  /** The built renderer's index.html, as a file: URL (what `loadFile` shows). */
  indexFileUrl: string;
  /** electron-vite's dev server (ELECTRON_RENDERER_URL), in development only. */
  devServerUrl?: string;
}

export interface SenderFacts {
  webContentsId: number;
  /** The sending frame's URL; null when the frame is gone. */
  frameUrl: string | null;
  isMainFrame: boolean;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Our page: exactly the built index.html (any query/hash), or the dev server's origin. */
export function isTrustedRendererUrl(url: string | null | undefined, location: RendererLocation): boolean {
  if (!url) return false;
  const parsed = parse(url);
  if (!parsed) return false;
  if (location.devServerUrl) {
    const dev = parse(location.devServerUrl);
    if (dev && dev.origin !== 'null' && (dev.protocol === 'http:' || dev.protocol === 'https:')) {
      if (parsed.origin === dev.origin) return true;
    }
  }
  const index = parse(location.indexFileUrl);
  // file: URLs have the opaque origin "null": compare the exact path instead.
  return (
    index !== null &&
    parsed.protocol === 'file:' &&
    index.protocol === 'file:' &&
    parsed.host === '' &&
    parsed.username === '' &&
    parsed.pathname === index.pathname
  );
}

export function isTrustedSender(
  sender: SenderFacts,
  windowWebContentsId: number | null,
  location: RendererLocation,
): boolean {
  return (
    windowWebContentsId !== null &&
    sender.webContentsId === windowWebContentsId &&
    sender.isMainFrame &&
    isTrustedRendererUrl(sender.frameUrl, location)
  );
}

/** Links the app may hand to the system browser: https only (no file:, no custom schemes). */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '';
}
