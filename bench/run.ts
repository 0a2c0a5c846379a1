// `npm run bench`: figures, medians and ratios against baselines measured in the same run.
import { cpus } from 'node:os';
import { benchExporters } from './exporters.ts';
import { benchLiveUpdate } from './live-update.ts';
import { benchHistory } from './history.ts';
import { benchKnownHosts } from './known-hosts.ts';
import { benchParseState } from './parse-state.ts';
import { benchPeerApply } from './peer-apply.ts';
import { benchPeerFiles } from './peer-files.ts';
import { benchPollCost } from './poll-cost.ts';
import { benchRenderer } from './renderer.ts';
import { benchScale } from './scale.ts';
import { benchSelectors } from './selectors.ts';
import { benchVictoria } from './victoria.ts';
import type { BarResult } from './stats.ts';

console.log(`WG Deck benchmarks — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
const only = process.argv.slice(2);
const suites: [string, () => Promise<BarResult[]>][] = [
  ['parse', benchParseState],
  ['poll', benchPollCost],
  ['live', benchLiveUpdate],
  ['renderer', benchRenderer],
  ['history', benchHistory],
  ['peers', benchPeerApply],
  ['files', benchPeerFiles],
  ['selectors', benchSelectors],
  ['knownhosts', benchKnownHosts],
  ['exporters', benchExporters],
  ['push', benchVictoria],
  ['scale', benchScale],
];
const results: BarResult[] = [];
for (const [name, suite] of suites) {
  if (only.length === 0 || only.includes(name)) results.push(...(await suite()));
}
console.log('\n## Bars');
for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name}: ${r.detail}`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
