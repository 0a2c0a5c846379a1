import { execFileSync, spawnSync } from 'node:child_process';

/** Debian packages providing the real tools the unit tests use instead of mocks. */
const NEEDED: Record<string, string> = {
  'ssh-keygen': 'openssh-client',
  'ssh-agent': 'openssh-client',
  'ssh-add': 'openssh-client',
  chattr: 'e2fsprogs',
  // wg's own parser and key derivation are the oracles of the config-file, plan and key tests.
  wg: 'wireguard-tools',
  'wg-quick': 'wireguard-tools',
  // The ping section runs real pings on loopback.
  ping: 'iputils-ping',
  // The Prometheus endpoint is checked with `promtool check metrics`; the push against a real one.
  promtool: 'prometheus',
  'victoria-metrics': 'victoria-metrics',
};

function missing(): string[] {
  return Object.keys(NEEDED).filter(
    (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0,
  );
}

/**
 * Vitest global setup for the unit project: installs what is missing with apt when we are root, and
 * otherwise fails with the exact command to run — never a silent skip.
 */
export default function setup(): void {
  let absent = missing();
  if (absent.length === 0) return;
  const packages = [...new Set(absent.map((command) => NEEDED[command]!))];
  if (process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env,
    });
    absent = missing();
  }
  if (absent.length > 0) {
    throw new Error(
      `unit tests need ${absent.join(', ')}: install with: sudo apt-get install -y ${packages.join(' ')}`,
    );
  }
}
