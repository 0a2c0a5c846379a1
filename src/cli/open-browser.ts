import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * `wgdeck serve --open` without the token on a command line: every local user can read
 * `/proc/PID/cmdline` of the opener (`xdg-open URL`) and of the browser it starts. So, as Jupyter
 * does, the tokened URL goes into a small HTML file only we can read (0600, in a fresh 0700
 * directory) that redirects to it, and the opener is given that file's path.
 */

export interface RedirectFile {
  /** The file's `file://` URL: the only thing put on the opener's command line. */
  fileUrl: string;
  path: string;
  dir: string;
  /** Deletes the file and its directory (on exit); safe to call twice. */
  remove(): void;
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function redirectHtml(target: string): string {
  const url = escapeHtml(target);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0;url=${url}">
<title>WG Deck</title></head>
<body><p>Opening WG Deck… If nothing happens, <a href="${url}">continue here</a>.</p></body></html>
`;
}

/** The per-user runtime dir (`/run/user/UID`, itself 0700) when there is one, else the temp dir. */
function privateParent(env: NodeJS.ProcessEnv): string {
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime) {
    try {
      if (statSync(runtime).isDirectory()) return runtime;
    } catch {
      // Not there (a stale variable): the temp dir will do, the directory below is private anyway.
    }
  }
  return tmpdir();
}

export function writeRedirectFile(target: string, env: NodeJS.ProcessEnv = process.env): RedirectFile {
  // mkdtemp picks an unguessable name and creates it 0700; chmod says so regardless of the platform.
  const dir = mkdtempSync(join(privateParent(env), 'wgdeck-open-'));
  chmodSync(dir, 0o700);
  const path = join(dir, 'open.html');
  writeFileSync(path, redirectHtml(target), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return {
    fileUrl: pathToFileURL(path).href,
    path,
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The platform's "open this in the default browser" command for a file URL. */
export function openerCommand(platform: NodeJS.Platform, fileUrl: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [fileUrl]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', fileUrl]];
  return ['xdg-open', [fileUrl]];
}

/**
 * Opens `target` in the default browser through a redirect file; `failed` is called when no opener
 * works (the printed URL is enough then). The caller removes the file when it exits.
 */
export function openInBrowser(target: string, failed: (command: string) => void): RedirectFile {
  const redirect = writeRedirectFile(target);
  const [command, args] = openerCommand(process.platform, redirect.fileUrl);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => failed(command));
    child.on('exit', (code) => {
      if (code !== 0) failed(command);
    });
    child.unref();
  } catch {
    failed(command);
  }
  return redirect;
}
