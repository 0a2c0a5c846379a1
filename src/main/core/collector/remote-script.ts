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

/**
 * The loop that prints the sections, in their order, every frame. Its text is byte for byte the one
 * written by hand before sections were declared (a test holds it), leading blank line included.
 */
export function collectorScript(sections: readonly AnySection[]): string {
  checkSections(sections);
  const frame = sections.flatMap(({ name, remote }) => [
    ...indented(remote.prepare, INDENT),
    `${INDENT}echo "@wgdeck ${name}${remote.args === undefined ? '' : ` ${remote.args}`}"`,
    ...indented(remote.body, INDENT),
  ]);
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
    ...frame,
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
