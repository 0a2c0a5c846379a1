// What a peer change costs the people on the VPN (issue 5): packets a client pinging at 20/s loses
// while another peer is added, live (tier 1 `wg set`, tier 2 `wg syncconf`) against the restart that
// seed 003 replaced (tier 3, `wg-quick down && up`), all in one run on the real lab; and the time from
// "apply" to "verified over a new connection" for tiers 1 and 2.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../e2e/lab/lab.ts';
import { ensureLabPrerequisites } from '../e2e/lab/prerequisites.ts';
import { registerLab } from '../e2e/lab/register.ts';
import { Engine } from '../src/main/core/engine.ts';
import type { ApplyResult } from '../src/shared/peer-ops.ts';
import type { PeerChangeRequest } from '../src/shared/peers.ts';
import { bar, median, type BarResult } from './stats.ts';

const RUNS = 5;
const RESTART_RUNS = 3;
/** Quiet time before and after each change, inside the ping window. */
const SETTLE_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Sample {
  lost: number;
  sent: number;
  verifiedMs: number;
}

async function measured(lab: Lab, apply: () => Promise<ApplyResult>): Promise<Sample> {
  const pinger = await lab.startPinger(0, { intervalMs: 50 });
  await sleep(SETTLE_MS);
  const result = await apply();
  await sleep(SETTLE_MS * 2); // a restarted interface needs its handshake again: count what that costs
  const ping = await pinger.stop();
  return { lost: ping.lost, sent: ping.sent, verifiedMs: result.verifiedAfterMs };
}

function draft(name: string): PeerChangeRequest {
  return {
    action: 'add',
    draft: { name, allowedIps: 'auto', persistentKeepalive: null, presharedKey: false },
  };
}

export async function benchPeerApply(): Promise<BarResult[]> {
  await ensureLabPrerequisites();
  console.log('\n## Peer changes: packets lost by a client pinging at 20/s, and apply → verified');
  const lab = await startLab({ name: 'bench-peers', servers: 1, clients: 1, peers: 20, traffic: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'wgdeck-bench-peers-'));
  const engine = new Engine({ dataDir, userKnownHostsPath: null });
  try {
    await registerLab(lab, dataDir);
    const change = (changes: PeerChangeRequest[], restart = false): Promise<ApplyResult> =>
      engine.handlers['peers:change']({
        server: 'lab-s0',
        iface: 'wg0',
        operation: { kind: 'changes', changes },
        ...(restart ? { restart: true } : {}),
      });
    const tier1: Sample[] = [];
    const tier2: Sample[] = [];
    const tier3: Sample[] = [];
    let n = 0;
    for (let i = 0; i < RUNS; i++) {
      tier1.push(await measured(lab, () => change([draft(`t1-${n++}`)])));
      tier2.push(await measured(lab, () => change([draft(`t2-${n++}`), draft(`t2-${n++}`)])));
    }
    for (let i = 0; i < RESTART_RUNS; i++)
      tier3.push(await measured(lab, () => change([draft(`t3-${n++}`)], true)));

    const show = (name: string, samples: Sample[]): void => {
      console.log(
        `  ${name.padEnd(28)} lost ${samples.map((s) => s.lost).join(', ')} of ~${median(samples.map((s) => s.sent))} sent` +
          `   apply → verified median ${median(samples.map((s) => s.verifiedMs)).toFixed(0)} ms`,
      );
    };
    show('tier 1 (wg set)', tier1);
    show('tier 2 (wg syncconf)', tier2);
    show('tier 3 (restart, baseline)', tier3);
    const liveLost = median([...tier1, ...tier2].map((s) => s.lost));
    const restartLost = median(tier3.map((s) => s.lost));
    const ratio = liveLost === 0 ? `${restartLost} : 0` : `${(restartLost / liveLost).toFixed(1)}×`;
    console.log(`  restart loses ${restartLost} packets per change (median), live ${liveLost}: ${ratio}`);
    return [
      bar(
        'live peer change loses no packets (tier 1 and 2), a restart does',
        liveLost === 0 && restartLost > 0,
        `median lost per change: live ${liveLost}, restart ${restartLost} (${ratio})`,
      ),
      bar(
        'apply → verified over a new connection',
        median(tier1.map((s) => s.verifiedMs)) < 3000 && median(tier2.map((s) => s.verifiedMs)) < 3000,
        `tier 1 ${median(tier1.map((s) => s.verifiedMs)).toFixed(0)} ms, tier 2 ${median(tier2.map((s) => s.verifiedMs)).toFixed(0)} ms (bar < 3 s)`,
      ),
    ];
  } finally {
    engine.stop();
    await lab.stop();
  }
}
