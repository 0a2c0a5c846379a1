/**
 * The remote half of the collector: a POSIX `sh` loop, started over one long-lived SSH exec channel.
 * Nothing is installed on the server; the loop dies with the session (its next write gets SIGPIPE).
 *
 * Frame format (one frame per interval, line-based, every marker line starts with "@wgdeck "):
 *
 *   @wgdeck frame <seq>
 *   @wgdeck <section> [args]        then the section's output, for each section in sections/index.ts:
 *                                   time, wg, netdev, stat, meminfo, loadavg, df (each file says what)
 *   @wgdeck end <seq>
 *
 * Before the first frame the script may print one line `@wgdeck fatal <code> <message>` and exit
 * (codes: no-wg).
 */

import type { PingSettings } from '../../../shared/settings.ts';
import { SECTIONS } from './sections/index.ts';

/** One-shot reads and the benchmark: no ping rounds (a round outlives a single frame). */
const PING_OFF: PingSettings = { intervalSeconds: 0, parallel: 1 };
import type { AnySection } from './sections/section.ts';
import { checkSections } from './sections/section.ts';

/** Inside the loop, so the script reads as it runs. */
const INDENT = '  ';

function indented(text: string | undefined, indent: string): string[] {
  if (text === undefined || text === '') return [];
  return text.split('\n').map((line) => (line === '' ? line : `${indent}${line}`));
}

/** Paths and patterns go into awk string and regex literals: keep them to characters that mean nothing there. */
const SAFE_PATH = /^\/[A-Za-z0-9/._-]+$/;
const SAFE_LINES = /^[A-Za-z0-9^$()[\]|:_ .*+?-]+$/;

/** One `awk` that prints a run of file sections, marker and lines each; a file it cannot open is an empty section. */
function fileReader(run: readonly AnySection[]): string {
  const reads = run.map(({ name, remote }) => {
    const { path, lines } = remote.file!;
    if (!SAFE_PATH.test(path) || (lines !== undefined && !SAFE_LINES.test(lines)))
      throw new Error(`section ${name}: file ${path} or its pattern has characters awk would read`);
    const print = lines === undefined ? 'print l' : `if (l ~ /${lines}/) print l`;
    return `print "@wgdeck ${name}"; f="${path}"; while ((getline l < f) > 0) ${print}; close(f)`;
  });
  return `awk 'BEGIN{${reads.join('; ')}}' </dev/null`;
}

/** The frame's shell: each section's prepare, marker and body; a run of file sections as one awk. */
function frameLines(sections: readonly AnySection[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < sections.length;) {
    const { name, remote } = sections[i]!;
    if (remote.file) {
      let end = i;
      while (end < sections.length && sections[end]!.remote.file) end++;
      out.push(`${INDENT}${fileReader(sections.slice(i, end))}`);
      i = end;
      continue;
    }
    out.push(...indented(remote.prepare, INDENT));
    if (!remote.ownMarker)
      out.push(`${INDENT}echo "@wgdeck ${name}${remote.args === undefined ? '' : ` ${remote.args}`}"`);
    out.push(...indented(remote.body, INDENT));
    i++;
  }
  return out;
}

/** The loop that prints the sections, in their order, every frame (a test holds its text, byte for byte). */
export function collectorScript(sections: readonly AnySection[]): string {
  checkSections(sections);
  return [
    '',
    'export LC_ALL=C',
    'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin"',
    'iv=$1',
    'max=$3',
    ...sections.flatMap(({ remote }) => indented(remote.setup, '')),
    'n=0',
    'while :; do',
    `${INDENT}n=$((n+1))`,
    `${INDENT}echo "@wgdeck frame $n"`,
    ...frameLines(sections),
    `${INDENT}echo "@wgdeck end $n"`,
    `${INDENT}if [ "$max" -gt 0 ] && [ "$n" -ge "$max" ]; then exit 0; fi`,
    `${INDENT}if [ "$iv" -gt 0 ]; then sleep "$iv"; fi`,
    'done',
    '',
  ].join('\n');
}

const SCRIPT = collectorScript(SECTIONS);

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line for the exec channel. The script travels as an argument (it holds no secret), so
 * the server needs nothing but `sh`. Arguments: interval, sudo|root, frame limit, ping interval (0:
 * off), pings at once, delta frames (0: every frame whole; N: a whole `wg` dump every N frames, and
 * in between only the lines that changed — sections/wg.ts, wg-delta.ts). `maxFrames` 0 streams until the session ends; `collectOnce` uses
 * one frame (interval 0); the benchmark streams frames back to back (interval 0, N frames).
 * `sections` is for tests of the registry itself; the engine always runs the registry's.
 */
export function collectorCommand(
  intervalSeconds: number,
  useSudo: boolean,
  maxFrames = 0,
  sections?: readonly AnySection[],
  ping: PingSettings = PING_OFF,
  keyframeEvery = 0,
): string {
  if (!Number.isInteger(keyframeEvery) || keyframeEvery < 0 || keyframeEvery > 10_000)
    throw new RangeError(`keyframe interval must be an integer 0..10000 frames, got ${keyframeEvery}`);
  if (!Number.isInteger(intervalSeconds) || intervalSeconds < 0 || intervalSeconds > 300) {
    throw new RangeError(`collector interval must be an integer 0..300 s, got ${intervalSeconds}`);
  }
  if (!Number.isInteger(maxFrames) || maxFrames < 0)
    throw new RangeError(`maxFrames must be >= 0, got ${maxFrames}`);
  if (intervalSeconds === 0 && maxFrames === 0)
    throw new RangeError('an unbounded collector needs an interval');
  const script = sections === undefined ? SCRIPT : collectorScript(sections);
  const { intervalSeconds: pingSeconds, parallel } = ping;
  if (!Number.isInteger(pingSeconds) || pingSeconds < 0 || pingSeconds > 3600)
    throw new RangeError(`ping interval must be an integer 0..3600 s, got ${pingSeconds}`);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 64)
    throw new RangeError(`ping parallelism must be an integer 1..64, got ${parallel}`);
  return (
    `exec sh -c ${shellQuote(script)} wgdeck ${intervalSeconds} ${useSudo ? 'sudo' : 'root'} ${maxFrames}` +
    ` ${pingSeconds} ${parallel} ${keyframeEvery}`
  );
}
