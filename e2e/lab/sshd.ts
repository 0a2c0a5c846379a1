// OpenSSH sshd inside a server's namespaces, and the non-root operator user.
import { chmod, chown, mkdir, readFile, rm } from 'node:fs/promises';
import { isAlive, run, runOk, sleep, spawnDetached, tail, waitFor } from './exec.ts';
import type { ProcRef } from './exec.ts';
import { LAB_ROOT } from './netns.ts';

export const OPERATOR_USER = 'wgdeck-op';
/** Home of the operator user (shared by all labs; recreated by every startLab). */
const OPERATOR_HOME = `${LAB_ROOT}/.home-${OPERATOR_USER}`;
export const SSHD_BINARY = '/usr/sbin/sshd';

export interface SshdFiles {
  /** Directory of this server's sshd files. */
  dir: string;
  config: string;
  hostKey: string;
  pidFile: string;
  log: string;
  /** Directory of authorized_keys files, one per user name. */
  authorizedKeysDir: string;
}

export function sshdFiles(dir: string): SshdFiles {
  return {
    dir,
    config: `${dir}/sshd_config`,
    hostKey: `${dir}/ssh_host_ed25519_key`,
    pidFile: `${dir}/sshd.pid`,
    log: `${dir}/sshd.log`,
    authorizedKeysDir: `${dir}/authorized_keys`,
  };
}

/**
 * `setEnv`: variables every session gets (sshd_config SetEnv, OpenSSH 8.7+), e.g. what makes `wg-quick` work in
 * the lab. Values must not contain whitespace or quotes.
 */
export function sshdConfig(
  files: SshdFiles,
  listenAddress: string,
  comment: string,
  setEnv: Record<string, string> = {},
): string {
  const env = Object.entries(setEnv).map(([name, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /[\s"'\\]/.test(value))
      throw new Error(`sshd SetEnv: unsupported ${name}=${value}`);
    return `SetEnv ${name}=${value}`;
  });
  return [
    `# ${comment}`,
    'Port 22',
    `ListenAddress ${listenAddress}`,
    'AddressFamily inet',
    `HostKey ${files.hostKey}`,
    `PidFile ${files.pidFile}`,
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    `AuthorizedKeysFile ${files.authorizedKeysDir}/%u`,
    'StrictModes yes',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    'X11Forwarding no',
    'MaxStartups 50:30:100',
    'Subsystem sftp internal-sftp',
    ...env,
    'LogLevel VERBOSE',
    '',
  ].join('\n');
}

/**
 * Starts sshd (foreground mode, so its PID is the listener's) inside the holder's net+mount namespaces and
 * waits until it has written its PidFile, which it does after binding its listening socket.
 */
export async function startSshdProcess(holder: ProcRef, files: SshdFiles): Promise<ProcRef> {
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  await rm(files.pidFile, { force: true });
  const test = await run(SSHD_BINARY, ['-t', '-f', files.config]);
  if (test.code !== 0) throw new Error(`sshd -t rejected ${files.config}: ${tail(test.stderr)}`);
  const ref = await spawnDetached(
    'nsenter',
    ['-t', String(holder.pid), '-n', '-m', SSHD_BINARY, '-D', '-f', files.config, '-E', files.log],
    null,
  );
  await waitFor(
    `sshd to listen (${files.config})`,
    async () => {
      const pid = await readFile(files.pidFile, 'utf8').catch(() => '');
      if (pid.trim() === String(ref.pid)) return true;
      if (!(await isAlive(ref))) {
        const log = await readFile(files.log, 'utf8').catch(() => '');
        throw new Error(`sshd exited right after it started: ${tail(log, 5)}`);
      }
      return false;
    },
    10_000,
  );
  return ref;
}

/** The ed25519 host key `host` serves right now ('ssh-ed25519 AAAA...'), or undefined when none answers. */
export async function servedHostKey(host: string): Promise<string | undefined> {
  const result = await run('ssh-keyscan', ['-T', '2', '-t', 'ed25519', host], { timeoutMs: 5_000 });
  const line = result.stdout.split('\n').find((l) => l.startsWith(`${host} `));
  return line?.slice(host.length + 1).trim();
}

/**
 * The lab's sudo rule lives in a directory bind-mounted over /etc/sudoers.d inside the server; that only works
 * if the host's /etc/sudoers reads that directory (Debian's does: `@includedir /etc/sudoers.d`) and does not
 * demand a TTY (`Defaults requiretty` would break `ssh host sudo -n ...`).
 */
export async function checkHostSudoers(): Promise<void> {
  const sudoers = await readFile('/etc/sudoers', 'utf8');
  const lines = sudoers.split('\n').map((line) => line.trim());
  if (!lines.some((line) => /^[@#]includedir\s+\/etc\/sudoers\.d\/?$/.test(line))) {
    throw new Error(
      '/etc/sudoers has no "@includedir /etc/sudoers.d": the lab cannot give wgdeck-op its sudo rule',
    );
  }
  if (lines.some((line) => /^Defaults\b.*[\s,]requiretty\b/.test(line))) {
    throw new Error(
      '/etc/sudoers sets "Defaults requiretty": sudo over a non-interactive ssh session would fail',
    );
  }
}

let operatorReady: Promise<void> | undefined;

/** Creates the operator user on this machine if missing (idempotent), not locked, with a shell and a home. */
export function ensureOperatorUser(): Promise<void> {
  operatorReady ??= setUpOperator().catch((error: unknown) => {
    operatorReady = undefined;
    throw error;
  });
  return operatorReady;
}

async function passwdEntry(): Promise<string[] | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  return passwd
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === OPERATOR_USER);
}

/** usermod/useradd fail while another process holds /etc/passwd's lock: try a few times. */
async function retryLocked(command: string, args: string[]): Promise<void> {
  for (let i = 0; ; i++) {
    const result = await run(command, args);
    if (result.code === 0) return;
    if (i >= 10 || !/lock/i.test(result.stderr))
      throw new Error(`${command} ${args.join(' ')}: ${result.stderr.trim()}`);
    await sleep(200);
  }
}

async function setUpOperator(): Promise<void> {
  await mkdir(LAB_ROOT, { recursive: true, mode: 0o755 });
  await chmod(LAB_ROOT, 0o755);
  let entry = await passwdEntry();
  if (!entry) {
    const result = await run('useradd', [
      '--system',
      '--no-create-home',
      '--home-dir',
      OPERATOR_HOME,
      '--shell',
      '/bin/sh',
      '--comment',
      'WG Deck lab operator',
      OPERATOR_USER,
    ]);
    // 9: already exists (another lab created it meanwhile)
    if (result.code !== 0 && result.code !== 9)
      throw new Error(`useradd ${OPERATOR_USER}: ${result.stderr.trim()}`);
    entry = await passwdEntry();
    if (!entry) throw new Error(`useradd ${OPERATOR_USER} did not create the user`);
  }
  const shell = entry[6] ?? '';
  if (shell === '' || /nologin|false$/.test(shell))
    await retryLocked('usermod', ['-s', '/bin/sh', OPERATOR_USER]);
  // useradd leaves '!' in /etc/shadow: with UsePAM no, OpenSSH then refuses even key logins.
  const shadow = await readFile('/etc/shadow', 'utf8');
  const hash = shadow
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === OPERATOR_USER)?.[1];
  if (hash === undefined || hash === '' || hash.startsWith('!'))
    await retryLocked('usermod', ['-p', '*', OPERATOR_USER]);
  const home = entry[5] ?? '';
  if (home.startsWith(`${LAB_ROOT}/`)) {
    await mkdir(home, { recursive: true, mode: 0o755 });
    await chown(home, Number(entry[2]), Number(entry[3]));
  }
  await runOk('id', ['-u', OPERATOR_USER]);
}
