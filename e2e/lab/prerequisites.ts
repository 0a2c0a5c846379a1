// What the lab needs from the machine, and installing it from Debian's packages when we are root.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { labEnv, run, tail } from './exec.ts';

/** Commands the lab runs, and the Debian package that provides each. */
const REQUIRED_COMMANDS: readonly { command: string; pkg: string }[] = [
  { command: 'ip', pkg: 'iproute2' },
  { command: 'wg', pkg: 'wireguard-tools' },
  { command: 'wireguard-go', pkg: 'wireguard-go' },
  { command: 'sshd', pkg: 'openssh-server' },
  { command: 'ssh', pkg: 'openssh-client' },
  { command: 'ssh-keygen', pkg: 'openssh-client' },
  { command: 'ssh-keyscan', pkg: 'openssh-client' },
  { command: 'ping', pkg: 'iputils-ping' },
  { command: 'sudo', pkg: 'sudo' },
  { command: 'unshare', pkg: 'util-linux' },
  { command: 'nsenter', pkg: 'util-linux' },
  { command: 'mount', pkg: 'mount' },
  { command: 'useradd', pkg: 'passwd' },
  { command: 'usermod', pkg: 'passwd' },
  // wg-quick sets up a full tunnel (AllowedIPs = 0.0.0.0/0, ::/0) with iptables-restore.
  { command: 'iptables-restore', pkg: 'iptables' },
  { command: 'ip6tables-restore', pkg: 'iptables' },
];

/** What `apt-get install` gets when anything is missing (the whole set: cheap when already installed). */
const PACKAGES = [
  'wireguard-go',
  'wireguard-tools',
  'openssh-server',
  'openssh-client',
  'iproute2',
  'iputils-ping',
  'sudo',
  'util-linux',
  'iptables',
];

export async function findCommand(command: string): Promise<string | undefined> {
  for (const dir of (labEnv().PATH ?? '').split(':')) {
    if (!dir) continue;
    const candidate = `${dir}/${command}`;
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function missingCommands(): Promise<{ command: string; pkg: string }[]> {
  const found = await Promise.all(
    REQUIRED_COMMANDS.map(async (r) => ((await findCommand(r.command)) ? undefined : r)),
  );
  return found.filter((r): r is { command: string; pkg: string } => r !== undefined);
}

let checked: Promise<void> | undefined;

/**
 * Makes sure this machine can run the lab: Linux, root, /dev/net/tun, network namespaces, and the commands
 * (installed with apt-get when missing and we are root). Throws an Error that names what is missing.
 * The result is remembered for the life of the process (a failure is not: the next call tries again).
 */
export function ensureLabPrerequisites(): Promise<void> {
  checked ??= checkPrerequisites().catch((error: unknown) => {
    checked = undefined;
    throw error;
  });
  return checked;
}

async function checkPrerequisites(): Promise<void> {
  if (process.platform !== 'linux')
    throw new Error(`the WG Deck lab needs Linux (this is ${process.platform})`);
  const isRoot = process.getuid?.() === 0;
  let missing = await missingCommands();
  if (missing.length > 0 && isRoot) {
    const options = { env: { DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 600_000 };
    const update = await run('apt-get', ['update'], options);
    const install =
      update.code === 0
        ? await run('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], options)
        : update;
    missing = await missingCommands();
    if (missing.length > 0) {
      throw new Error(
        `the WG Deck lab is missing ${describeMissing(missing)}; apt-get could not install them: ${tail(install.stderr || install.stdout, 5)}`,
      );
    }
  }
  const problems: string[] = [];
  if (!isRoot) problems.push('it must run as root (it creates network namespaces, veths and bind mounts)');
  if (missing.length > 0) problems.push(`missing ${describeMissing(missing)}`);
  try {
    const tun = await stat('/dev/net/tun');
    if (!tun.isCharacterDevice())
      problems.push('/dev/net/tun is not a character device (wireguard-go needs TUN)');
  } catch {
    problems.push('/dev/net/tun does not exist (wireguard-go needs TUN)');
  }
  if (problems.length === 0) {
    const probe = await run('unshare', ['--net', '--mount', '--propagation', 'slave', 'true']);
    if (probe.code !== 0) problems.push(`cannot create network + mount namespaces: ${tail(probe.stderr, 3)}`);
  }
  if (problems.length > 0) throw new Error(`the WG Deck lab cannot run here: ${problems.join('; ')}`);
}

function describeMissing(missing: readonly { command: string; pkg: string }[]): string {
  return missing.map((m) => `${m.command} (Debian package ${m.pkg})`).join(', ');
}
