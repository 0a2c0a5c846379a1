// `npm start`: build if needed, then open the Electron window. Where Electron's binary is missing and
// cannot be fetched (as on machines without internet), say so in one line and fall back to browser mode
// (`wgdeck serve --open`, which prints its URL) — never a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = join(root, 'node_modules', 'electron');

function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  const binary = () =>
    existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
  const present = binary();
  if (present && existsSync(present)) return present;
  if (!existsSync(join(electronDir, 'install.js'))) return null;
  // Electron 45 downloads its binary on first use; give it a bounded chance.
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  const fetched = result.status === 0 ? binary() : null;
  return fetched && existsSync(fetched) ? fetched : null;
}

function run(command, args, options = {}) {
  const child = spawn(command, args, { stdio: 'inherit', cwd: root, ...options });
  child.on('error', (error) => {
    console.error(`wg-deck: could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
}

const built = ['main/index.js', 'main/engine-process.js', 'preload/index.cjs', 'renderer/index.html'].every(
  (file) => existsSync(join(root, 'out', file)),
);
if (!built || process.argv.includes('--rebuild')) {
  const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) {
    console.error('wg-deck: the build failed (see above).');
    process.exit(1);
  }
}

const binary = electronBinary();
if (binary) {
  run(binary, [root]);
} else {
  console.error(
    "wg-deck: Electron's binary is not installed and could not be downloaded here; opening WG Deck in your browser instead (./bin/wgdeck serve --open).",
  );
  run(join(root, 'bin', 'wgdeck'), ['serve', '--open']);
}
