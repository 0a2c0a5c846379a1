// What the peer-file work costs on a 10,000-peer interface, on the inputs the unit tests check for
// correctness (fixtures.testkit.ts): parse + serialize, editing one peer, the unified diff a preview
// shows, drift, planning one add, and address allocation. The bars are the limits those tests used
// to assert, tighter where a case ran more than 5× under its limit even on a loaded machine (load
// average 10 on 2 cores); the ratios compare against a baseline measured in the same run.
import type { ConfigFile, NewPeer } from '../src/main/core/peers/config-file.ts';
import {
  addPeer,
  configPeers,
  disablePeer,
  parseConfig,
  serializeConfig,
  updatePeer,
} from '../src/main/core/peers/config-file.ts';
import { buildAddressBook, type AddressBook } from '../src/main/core/peers/allocate.ts';
import { unifiedDiff } from '../src/main/core/peers/diff.ts';
import { compareDrift } from '../src/main/core/peers/drift.ts';
import {
  bigClaimants,
  bigConf,
  bigLivePeers,
  liveInterface,
  livePeer,
  SERVER_PRIVATE,
  testKey,
} from '../src/main/core/peers/fixtures.testkit.ts';
import { formatPrefix, parsePrefix } from '../src/main/core/peers/ip.ts';
import { publicKeyOf } from '../src/main/core/peers/keys.ts';
import { planPeerChanges } from '../src/main/core/peers/plan.ts';
import { bar, fmt, median, percentile, timeRuns, timeRunsAfter, type BarResult } from './stats.ts';

const PEERS = 10_000;
const RUNS = 9;
const WARMUP = 2;
/** The rewrite diff is the slow case: fewer runs keep the suite short. */
const REWRITE_RUNS = 5;

interface Measured {
  label: string;
  median: number;
}

function report(label: string, times: number[]): Measured {
  const m = median(times);
  console.log(`  ${label.padEnd(44)} median ${fmt(m).padStart(10)}  p95 ${fmt(percentile(times, 95))}`);
  return { label, median: m };
}

async function measure(label: string, fn: () => unknown, runs = RUNS): Promise<Measured> {
  return report(label, await timeRuns(runs, WARMUP, fn));
}

function ratio(part: Measured, whole: Measured): number {
  return part.median / whole.median;
}

function showRatio(part: Measured, whole: Measured): void {
  console.log(`  ratio ${part.label} / ${whole.label}: ${ratio(part, whole).toFixed(3)}×`);
}

/** Fails the suite instead of timing work that went wrong. */
function check(what: string, ok: boolean): void {
  if (!ok) throw new Error(`peer-files bench: ${what}`);
}

/** Adds one peer, disables another, changes a third: the edit the config-file test makes. */
function editOnePeer(file: ConfigFile): ConfigFile {
  const frank: NewPeer = {
    publicKey: testKey('new-peer'),
    name: 'frank',
    presharedKey: null,
    allowedIps: ['198.18.200.1/32'],
    persistentKeepalive: null,
  };
  return updatePeer(disablePeer(addPeer(file, frank), testKey('big-5000')), testKey('big-7'), {
    persistentKeepalive: 9,
  });
}

async function benchParseAndEdit(source: string): Promise<{ whole: Measured; bars: BarResult[] }> {
  console.log(
    `\n## Config file of ${PEERS.toLocaleString()} peers (${(source.length / 1024).toFixed(0)} KiB)`,
  );
  check('round trip is not exact', serializeConfig(parseConfig(source)) === source);
  const whole = await measure('parse + serialize (baseline)', () => serializeConfig(parseConfig(source)));
  const file = parseConfig(source);
  const edit = await measure('edit one peer (add, disable, update)', () => editOnePeer(file));
  const editWritten = await measure('edit one peer + serialize', () => serializeConfig(editOnePeer(file)));
  showRatio(edit, whole);
  return {
    whole,
    bars: [
      bar('files: 10,000-peer parse + serialize < 1500 ms median', whole.median < 1500, fmt(whole.median)),
      bar(
        'files: editing one peer < 10 % of parse + serialize (what changes, not the file), with serialize < 400 ms',
        ratio(edit, whole) < 0.1 && editWritten.median < 400,
        `edit ${fmt(edit.median)} = ${(ratio(edit, whole) * 100).toFixed(1)} % of ${fmt(whole.median)}; ` +
          `with serialize ${fmt(editWritten.median)} (bar < 400 ms; the test allowed 1500)`,
      ),
    ],
  };
}

async function benchDiff(source: string): Promise<BarResult[]> {
  console.log('\n## Unified diff of the 10,000-peer file (what a preview shows)');
  const fewChanges =
    source.replace('# Name = peer-10\n', '').replace('# Name = peer-9000\n', '# Name = nine thousand\n') +
    '\n[Peer]\n';
  const rewritten = bigConf(9_000).replace(/peer-/g, 'p-');
  check('a few changes make a long diff', unifiedDiff(source, fewChanges).split('\n').length < 40);
  const few = await measure('a few changes', () => unifiedDiff(source, fewChanges));
  const rewrite = await measure('a rewrite (baseline)', () => unifiedDiff(source, rewritten), REWRITE_RUNS);
  showRatio(few, rewrite);
  return [
    bar(
      'files: diff of a few changes < 300 ms median (the test allowed 1000)',
      few.median < 300,
      fmt(few.median),
    ),
    bar(
      'files: diff of a rewrite < 1500 ms median (the test allowed 5000)',
      rewrite.median < 1500,
      fmt(rewrite.median),
    ),
  ];
}

async function benchDriftAndPlan(source: string, parsing: Measured): Promise<BarResult[]> {
  console.log('\n## Drift and planning against the live interface');
  const serverPublic = publicKeyOf(SERVER_PRIVATE);
  const file = parseConfig(source);
  const peers = bigLivePeers(PEERS);
  peers[500]!.persistentKeepalive = 7;
  const drifted = liveInterface(peers, { publicKey: serverPublic });
  check('drift does not find the one difference', compareDrift(file, drifted).different.length === 1);
  const drift = await measure('drift compare', () => compareDrift(file, drifted));

  // The live side as the plan test builds it: the file's own peers, all up.
  const live = liveInterface(
    configPeers(file).map((peer) =>
      livePeer(peer.publicKey!, {
        allowedIps: peer.allowedIps,
        persistentKeepalive: peer.persistentKeepalive,
      }),
    ),
    { publicKey: serverPublic },
  );
  const planOneAdd = () =>
    planPeerChanges({
      iface: 'wg0',
      fileText: source,
      live,
      changes: [
        {
          action: 'add',
          publicKey: testKey('frank'),
          name: 'frank',
          presharedKey: null,
          allowedIps: 'auto',
          persistentKeepalive: null,
        },
      ],
    });
  check('one add is not planned as one wg set', planOneAdd().preview.tier === 1);
  const plan = await measure('plan of one add (reads the file itself)', planOneAdd);
  showRatio(plan, parsing);
  return [
    bar('files: drift compare of 10,000 peers < 1500 ms median', drift.median < 1500, fmt(drift.median)),
    bar('files: plan of one add among 10,000 peers < 3000 ms median', plan.median < 3000, fmt(plan.median)),
  ];
}

async function benchAllocation(): Promise<BarResult[]> {
  console.log('\n## Address allocation among 10,000 peers (each claimed live and in the file)');
  const claimants = bigClaimants(PEERS);
  const build = () => buildAddressBook(['198.18.0.1/16', '2001:2:0:1000::1/64'], claimants);
  const requested = ['198.18.10.10/32', '198.18.200.0/24', '198.18.0.0/16'].map((text) => parsePrefix(text)!);
  /** What the allocate test does once the book is built: allocate and claim 50 peers, check one request. */
  const allocateFifty = (book: AddressBook) => {
    for (let i = 0; i < 50; i++) {
      const next = book.allocate().map(formatPrefix);
      book.claim({ publicKey: testKey(`n${i}`), name: null, allowedIps: next });
    }
    return book.check(testKey('new'), requested);
  };
  check('the overlapping request is not refused', allocateFifty(build()).length === 1);
  const building = await measure('build the address book (baseline)', build);
  const fifty = report(
    '50 allocations + one check, on a built book',
    await timeRunsAfter(RUNS, WARMUP, build, allocateFifty),
  );
  showRatio(fifty, building);
  const whole = building.median + fifty.median;
  return [
    bar(
      'files: build + 50 allocations + check among 10,000 peers < 2000 ms median',
      whole < 2000,
      `${fmt(whole)} (build ${fmt(building.median)}, 50 allocations + check ${fmt(fifty.median)})`,
    ),
  ];
}

export async function benchPeerFiles(): Promise<BarResult[]> {
  const source = bigConf(PEERS);
  const { whole, bars } = await benchParseAndEdit(source);
  return [
    ...bars,
    ...(await benchDiff(source)),
    ...(await benchDriftAndPlan(source, whole)),
    ...(await benchAllocation()),
  ];
}
