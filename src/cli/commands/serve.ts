import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exposureWarning, startBrowserMode, type BrowserMode } from '../../headless/browser-mode.ts';
import { isWildcard } from '../../headless/request-guard.ts';
import { Engine } from '../../main/core/engine.ts';
import { WgDeckError } from '../../main/core/errors.ts';
import { dataDirExposure } from '../../main/core/store/private-files.ts';
import { isValidHost } from '../../shared/validation.ts';
import type { CliContext } from '../context.ts';
import { openInBrowser, type RedirectFile } from '../open-browser.ts';
import { EXIT } from '../exit-codes.ts';
import { onStopSignals } from '../stop-signals.ts';
import { keyframeEveryOf, type StreamFlags } from './stream-flags.ts';
import { exporterOverride, type MetricsFlags } from './exporter-flags.ts';
import { UsageError } from '../usage-error.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** The built renderer; built first (one line says so) when a fresh checkout has none yet. */
function ensureRenderer(ctx: CliContext): string {
  const dir = join(ROOT, 'out', 'renderer');
  if (existsSync(join(dir, 'index.html'))) return dir;
  ctx.err('wgdeck: the UI is not built yet; building it first (npx electron-vite build)…');
  const build = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: process.platform === 'win32',
  });
  if (build.status !== 0 || !existsSync(join(dir, 'index.html'))) {
    ctx.err(`${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n'));
    throw new WgDeckError(
      'BUILD_FAILED',
      'Building the UI failed (see above). Run `npx electron-vite build` in ' + ROOT,
    );
  }
  return dir;
}

function portArg(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new UsageError(`--port must be 0–65535 (got ${value})`);
  return Number(value);
}

export type ServeOptions = MetricsFlags & StreamFlags & { port?: string; listen?: string; open?: true };

/** `wgdeck serve`: the engine plus the UI in a browser, until Ctrl+C. */
export async function serve(ctx: CliContext, values: ServeOptions): Promise<number> {
  const port = portArg(values.port);
  const listen = values.listen ?? '127.0.0.1';
  if (!isWildcard(listen) && !isValidHost(listen)) {
    throw new UsageError(`--listen needs an address or host name (got ${listen})`);
  }
  const override = exporterOverride(values);
  const rendererDir = ensureRenderer(ctx);
  const verbose = process.env['WGDECK_DEBUG'] === '1';
  const exposure = dataDirExposure(ctx.dataDir);
  if (exposure) ctx.err(`wgdeck: warning: ${exposure}`);
  const engine = new Engine({
    dataDir: ctx.dataDir,
    host: 'browser',
    recordHistory: true,
    exportersOverride: override,
    keyframeEvery: keyframeEveryOf(values),
    log: verbose ? ctx.err : undefined,
  });
  let mode: BrowserMode;
  try {
    await engine.start();
    mode = await startBrowserMode({ engine, port, listen, rendererDir });
  } catch (error) {
    engine.stop();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new WgDeckError(
        'PORT_IN_USE',
        `Port ${port} is in use; pick another --port, or leave it out for a free one.`,
      );
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
      throw new WgDeckError('USAGE', `${listen} is not an address of this machine (--listen).`);
    }
    throw error;
  }
  const warning = exposureWarning(listen);
  if (warning) ctx.err(warning);
  ctx.out(`WG Deck is running. Open this URL in a browser (the token in it is the key):\n\n  ${mode.url}\n`);
  if (isWildcard(listen)) ctx.out("From another machine, use this machine's address instead of 127.0.0.1.");
  const metrics = engine.exporterStatus().metrics;
  if (metrics.url) ctx.out(`Prometheus metrics: ${metrics.url}`);
  else if (metrics.error) ctx.err(`wgdeck: warning: /metrics is not served: ${metrics.error}`);
  ctx.out(`Data dir: ${ctx.dataDir}. Ctrl+C stops.`);
  let redirect: RedirectFile | null = null;
  const removeRedirect = (): void => redirect?.remove();
  if (values.open) {
    redirect = openInBrowser(mode.url, (command) =>
      ctx.err(`wgdeck: could not open a browser (${command}); open the URL above.`),
    );
    // Also on an exit that skips the clean stop below (a third Ctrl+C, an uncaught error).
    process.once('exit', removeRedirect);
  }

  await onStopSignals();
  ctx.err('Stopping…');
  removeRedirect();
  process.off('exit', removeRedirect);
  await mode.close();
  // What the VictoriaMetrics push holds is sent (or saved for the next run) before the exit.
  await engine.stopAndFlush();
  return EXIT.ok;
}
