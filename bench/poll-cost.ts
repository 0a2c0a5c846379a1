import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../e2e/lab/lab.ts';
import { ensureLabPrerequisites } from '../e2e/lab/prerequisites.ts';
import { createFrameStream } from '../src/main/core/collector/frame-stream.ts';
import { collectorCommand } from '../src/main/core/collector/remote-script.ts';
import { planAuth } from '../src/main/core/ssh/auth.ts';
import { dial, type DialOptions } from '../src/main/core/ssh/dial.ts';
import { execCommand } from '../src/main/core/ssh/exec.ts';
import { createHostKeyGate } from '../src/main/core/ssh/host-key-gate.ts';
import { TrustStore } from '../src/main/core/ssh/trust-store.ts';
import { bar, fmt, median, type BarResult } from './stats.ts';

const POLLS = 25;
const WARMUP = 3;

async function dialOptions(lab: Lab): Promise<DialOptions> {
  const server = lab.servers[0]!;
  const store = new TrustStore(mkdtempSync(join(tmpdir(), 'wgdeck-bench-')));
  return {
    target: {
      endpoint: { host: server.host, port: server.port, user: 'root' },
      auth: await planAuth({ user: 'root', identityFile: server.rootIdentityFile, agentSocket: '' }),
    },
    gate: createHostKeyGate({
      store,
      userKnownHostsPath: null,
      acceptFingerprint: server.hostKeyFingerprint,
    }),
  };
}

async function connectionPerPoll(options: DialOptions): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < POLLS + WARMUP; i++) {
    const start = performance.now();
    const ssh = await dial(options);
    await execCommand(ssh.client, collectorCommand(0, false, 1));
    ssh.close();
    if (i >= WARMUP) times.push(performance.now() - start);
  }
  return times;
}

async function execPerPoll(options: DialOptions): Promise<number[]> {
  const ssh = await dial(options);
  const times: number[] = [];
  try {
    for (let i = 0; i < POLLS + WARMUP; i++) {
      const start = performance.now();
      await execCommand(ssh.client, collectorCommand(0, false, 1));
      if (i >= WARMUP) times.push(performance.now() - start);
    }
  } finally {
    ssh.close();
  }
  return times;
}

/** One long-lived channel, frames back to back: the time between consecutive complete frames. */
async function streaming(options: DialOptions): Promise<number[]> {
  const ssh = await dial(options);
  try {
    return await new Promise<number[]>((resolve, reject) => {
      const stamps: number[] = [];
      const stream = createFrameStream({
        onSnapshot: () => stamps.push(performance.now()),
        onDrop: (reason) => reject(new Error(reason)),
        onFatal: (code) => reject(new Error(code)),
      });
      ssh.client.exec(collectorCommand(0, false, POLLS + WARMUP + 1), (error, channel) => {
        if (error) return reject(error);
        channel.on('data', (chunk: Buffer) => stream.push(chunk));
        channel.on('close', () => {
          const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
          resolve(gaps.slice(WARMUP));
        });
      });
    });
  } finally {
    ssh.close();
  }
}

export async function benchPollCost(): Promise<BarResult[]> {
  try {
    await ensureLabPrerequisites();
  } catch (error) {
    console.log(`\n## Poll cost per method: NOT RUN — the lab cannot run here: ${(error as Error).message}`);
    return [bar('streaming ≥ 10× cheaper than a connection per poll', false, 'lab unavailable')];
  }
  const lab = await startLab({ name: 'wgdbench', servers: 1, interfaces: 1, peers: 100, clients: 1 });
  try {
    const options = await dialOptions(lab);
    const perConnection = median(await connectionPerPoll(options));
    const perExec = median(await execPerPoll(options));
    const perFrame = median(await streaming(options));
    console.log(
      `\n## Poll cost per method (lab server, 100 peers, OpenSSH + wireguard-go; median of ${POLLS})`,
    );
    console.log(`  new connection per poll : ${fmt(perConnection)}`);
    console.log(`  new exec channel per poll: ${fmt(perExec)}`);
    console.log(`  one streaming channel    : ${fmt(perFrame)}  (frames back to back)`);
    console.log(`  ratio connection/stream  : ${(perConnection / perFrame).toFixed(1)}×`);
    console.log(`  ratio exec/stream        : ${(perExec / perFrame).toFixed(1)}×`);
    return [
      bar(
        'streaming ≥ 10× cheaper than a connection per poll',
        perConnection / perFrame >= 10,
        `${(perConnection / perFrame).toFixed(1)}×`,
      ),
    ];
  } finally {
    await lab.stop();
  }
}
