// known_hosts under attack, on the inputs known-hosts.test.ts checks for correctness
// (hostile-known-hosts.testkit.ts): parsing multi-megabyte garbage lines, and host lookups against a
// backtracking bomb and 50,000 wildcard patterns. The bars are the limits the tests used to assert.
import { lookup, parseKnownHosts } from '../src/main/core/ssh/known-hosts.ts';
import {
  longLinesKnownHosts,
  pathologicalPatternsKnownHosts,
} from '../src/main/core/ssh/hostile-known-hosts.testkit.ts';
import { generateKey, keyText, tempDir } from '../test/fixtures/ssh/keygen.ts';
import { bar, fmt, median, timeRuns, type BarResult } from './stats.ts';

const RUNS = 9;
const WARMUP = 2;
/** The hosts the test looks up: none of them may make the matcher backtrack. */
const HOSTS = [
  'a'.repeat(250),
  `${'a'.repeat(240)}z`,
  'h49999.x.y.example',
  'h50000.x.y.example',
  `${'x'.repeat(5000)}.example`,
];

export async function benchKnownHosts(): Promise<BarResult[]> {
  console.log('\n## known_hosts under attack');
  const tmp = tempDir('wgdeck-bench-kh-');
  try {
    const ed = keyText(generateKey(tmp.dir, 'ed25519'));
    const ec = keyText(generateKey(tmp.dir, 'ecdsa256'));

    const long = longLinesKnownHosts(ed);
    if (parseKnownHosts(long).entries.length !== 1) throw new Error('known-hosts bench: ok.example lost');
    const parsing = median(await timeRuns(RUNS, WARMUP, () => parseKnownHosts(long)));
    console.log(`  parse 3 MB of garbage lines + 1 entry          median ${fmt(parsing)}`);

    const { entries } = parseKnownHosts(pathologicalPatternsKnownHosts(ed, ec));
    const lookups = median(
      await timeRuns(RUNS, WARMUP, () => {
        for (const host of HOSTS) lookup(entries, host, 22);
      }),
    );
    console.log(`  ${HOSTS.length} lookups against the pathological patterns  median ${fmt(lookups)}`);
    return [
      // Both ran well under the tests' 2 s here, even on a loaded machine: the bars are tighter.
      bar('knownhosts: 3 MB of garbage lines parsed < 500 ms median', parsing < 500, fmt(parsing)),
      bar(
        'knownhosts: 5 lookups against pathological patterns < 1000 ms median',
        lookups < 1000,
        fmt(lookups),
      ),
    ];
  } finally {
    tmp.cleanup();
  }
}
