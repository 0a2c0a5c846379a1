// The engine's own process (Electron utilityProcess): SSH sessions, parsing and state never share an
// event loop with the window. Main forks it with engineArgs(); everything else arrives as messages.
import { Engine } from './core/engine.ts';
import { errorMessage } from './core/errors.ts';
import { parseEngineArgs } from './engine-protocol.ts';
import { RemoteSecretStore, serveEngine, type ParentPortLike } from './engine-service.ts';

const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!port) {
  console.error('engine-process: start me with utilityProcess.fork from the WG Deck main process.');
  process.exit(1);
}
const options = parseEngineArgs(process.argv);
const secrets = new RemoteSecretStore((message) => port.postMessage(message), options.canPersistSecrets);
const engine = new Engine({
  dataDir: options.dataDir,
  host: 'electron',
  secrets,
  recordHistory: true,
  log: process.env['WGDECK_DEBUG'] === '1' ? (line) => console.error(line) : undefined,
});
serveEngine(port, engine, secrets);
try {
  await engine.start();
} catch (error) {
  // The window still opens and shows what it can; the stores' errors say what to fix.
  console.error(`engine: could not start the fleet: ${errorMessage(error)}`);
}
port.postMessage({ type: 'ready' });

// The window closed (utilityProcess.kill() sends SIGTERM): what the VictoriaMetrics push holds is sent
// or saved to its outage buffer, and the history closed, before the process goes.
process.once('SIGTERM', () => {
  engine
    .stopAndFlush()
    .catch((error: unknown) => console.error(`engine: stopping: ${errorMessage(error)}`))
    .finally(() => process.exit(0));
});
