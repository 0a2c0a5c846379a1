/**
 * A raw frame (see frame-decoder.ts) into a Snapshot.
 *
 * Critical parts drop the frame: the `time` line (every rate and age depends on it) and the `wg`
 * section (a partial peer list would look like peers vanishing). The rest is best-effort and only
 * adds warnings: a snapshot without disk usage is still worth showing.
 */

import type { InterfaceDump, Snapshot } from '../../../shared/domain.ts';
import type { RawFrame, RawSection } from './frame-decoder.ts';
import { parseNetdev } from './parse-netdev.ts';
import { parseSystem } from './parse-system.ts';
import { parseWgDump } from './parse-wg-dump.ts';
import { cleanMessage, parseUdecimal, parseUint, quote } from './text-fields.ts';

export type FrameResult = { ok: true; snapshot: Snapshot; warnings: string[] } | { ok: false; error: string };

/** Prefix of the lines the script writes instead of the dump when `wg` fails. */
const ERROR_LINE_PREFIX = '! ';
/** Enough bytes for 1 KiB of cleaned text even when the lines are short and prefixed. */
const MAX_ERROR_BYTES = 4 * 1024;

export function parseFrame(frame: RawFrame): FrameResult {
  const fail = (problem: string): FrameResult => ({ ok: false, error: `frame ${frame.seq}: ${problem}` });

  const time = parseTime(frame.sections.time);
  if (typeof time === 'string') return fail(time);
  const wg = parseWgSection(frame.sections.wg);
  if (typeof wg === 'string') return fail(wg);

  const warnings: string[] = [];
  let netdev: Snapshot['netdev'] = {};
  if (frame.sections.netdev === undefined) {
    warnings.push('netdev: section missing');
  } else {
    const parsed = parseNetdev(frame.sections.netdev.lines);
    netdev = parsed.counters;
    warnings.push(...parsed.warnings);
  }
  const system = parseSystem({
    stat: frame.sections.stat?.lines,
    meminfo: frame.sections.meminfo?.lines,
    loadavg: frame.sections.loadavg?.lines,
    df: frame.sections.df?.lines,
    uptimeSeconds: time.monotonic,
  });
  warnings.push(...system.warnings);

  return {
    ok: true,
    snapshot: {
      seq: frame.seq,
      serverTime: time.serverTime,
      monotonic: time.monotonic,
      interfaces: wg.interfaces,
      netdev,
      system: system.system,
      wgError: wg.error,
    },
    warnings: warnings.map((warning) => `frame ${frame.seq}: ${warning}`),
  };
}

/**
 * The server's monotonic clock (`/proc/uptime`) of a frame, read before the rest of it is parsed
 * (the frame pacer decides on it); null when the `time` section is unusable (parseFrame says why).
 */
export function frameMonotonic(frame: RawFrame): number | null {
  const time = parseTime(frame.sections.time);
  return typeof time === 'string' ? null : time.monotonic;
}

/** `@wgdeck time <unix-seconds> <uptime-seconds>`; a string is the reason it is unusable. */
function parseTime(section: RawSection | undefined): { serverTime: number; monotonic: number } | string {
  if (section === undefined) return 'time: section missing';
  const [unix, uptime] = section.args;
  if (section.args.length !== 2 || unix === undefined || uptime === undefined) {
    return `time: expected "<unix-seconds> <uptime-seconds>", got ${quote(section.args.join(' '))}`;
  }
  const serverTime = parseUint(unix);
  if (serverTime < 0) return `time: unix seconds ${quote(unix)} is not an unsigned integer`;
  const monotonic = parseUdecimal(uptime);
  if (monotonic < 0) return `time: uptime ${quote(uptime)} is not a non-negative decimal`;
  return { serverTime, monotonic };
}

/**
 * `@wgdeck wg <exit-code>`: on 0 the dump, otherwise the error lines. A string is the reason the
 * section is unusable; `error` is wg's own failure, reported in the snapshot.
 */
function parseWgSection(
  section: RawSection | undefined,
): { interfaces: InterfaceDump[]; error: string | null } | string {
  if (section === undefined) return 'wg: section missing';
  const [statusText] = section.args;
  const status = section.args.length === 1 && statusText !== undefined ? parseUint(statusText) : -1;
  if (status < 0) return `wg: expected "<exit-code>", got ${quote(section.args.join(' '))}`;
  if (status !== 0) return { interfaces: [], error: wgErrorText(section.bytes, status) };
  const dump = parseWgDump(section.bytes);
  if (!dump.ok) return dump.error;
  return { interfaces: dump.interfaces, error: null };
}

/**
 * wg's (or sudo's) complaint, as shown to the admin: cleaned and at most 1 KiB (text-fields.ts). It
 * is only shown and matched by wg-error.ts, never parsed, so only its start is decoded: a broken or
 * hostile server once sent a 20 MiB error line.
 */
function wgErrorText(bytes: Buffer, status: number): string {
  let head = bytes.toString('utf8', 0, MAX_ERROR_BYTES);
  // A character cut in half at the end decodes as U+FFFD: not part of what the server said.
  if (bytes.length > MAX_ERROR_BYTES) head = head.replace(/\uFFFD+$/, '');
  const text = cleanMessage(
    head
      .split('\n')
      .map((line) => (line.startsWith(ERROR_LINE_PREFIX) ? line.slice(ERROR_LINE_PREFIX.length) : line))
      .join('\n'),
  );
  return text.length > 0 ? text : `wg exited with status ${status} and no message`;
}
