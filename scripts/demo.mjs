// `npm run demo`: a live fleet to look at. Brings up the lab (3 real WireGuard servers with OpenSSH in
// network namespaces, 40 peers each, 2 traffic-making clients per server), registers it in a demo data
// dir, starts the app on that dir as `npm start` would (Electron, else browser mode), and takes the lab
// down when the app ends (Ctrl+C).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.wgdeck-data', 'demo');
// Its own lab name, so the demo never replaces (or is taken down with) a developer's default lab.
const lab = 'wgdemo';

if (process.platform !== 'linux') {
  console.error(
    'wg-deck demo: the lab needs Linux (network namespaces); here, use npm start and add your servers.',
  );
  process.exit(1);
}
if (process.getuid?.() !== 0) {
  console.error(
    'wg-deck demo: the lab needs root (network namespaces, wireguard-go, sshd); run: sudo npm run demo',
  );
  process.exit(1);
}

const npm = (args) =>
  spawnSync('npm', ['run', '--silent', 'lab', '--', ...args], { stdio: 'inherit', cwd: root });
const down = () => npm(['down', '--name', lab]).status === 0;

mkdirSync(dataDir, { recursive: true });
const up = npm([
  'up',
  '--name',
  lab,
  '--servers',
  '3',
  '--peers',
  '40',
  '--clients',
  '2',
  '--register',
  dataDir,
]);
if (up.status !== 0) {
  console.error('wg-deck demo: the lab did not come up (see above); cleaning up.');
  down();
  process.exit(1);
}

console.log(`\nwg-deck demo: starting WG Deck on ${dataDir}; Ctrl+C stops it and takes the lab down.\n`);
const app = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, WGDECK_DATA_DIR: dataDir },
});
// Ctrl+C reaches the app through the terminal too; a signal sent to this process alone is passed on.
// Either way this process stays to take the lab down once the app has ended.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (app.exitCode === null && app.signalCode === null) app.kill(signal);
  });
}
app.on('error', (error) => console.error(`wg-deck demo: could not start the app: ${error.message}`));
app.on('close', (code) => {
  console.log('\nwg-deck demo: taking the lab down…');
  const ok = down();
  process.exit(ok ? (code ?? 0) : 1);
});
