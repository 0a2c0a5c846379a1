import { parseUdecimal, parseUint, quote } from '../text-fields.ts';
import { defineSection, parsed, sh, unusable } from './section.ts';
import type { Fills } from './snapshot-fields.ts';

/**
 * `@wgdeck time <unix-seconds> <uptime-seconds>`: the server's wall clock (handshake ages) and its
 * monotonic clock, /proc/uptime (rates, reboots). Every rate and age depends on it: without it the
 * frame is dropped. The frame pacer reads it before the rest of the frame (parse-frame.ts).
 */
export const timeSection = defineSection({
  name: 'time',
  // `read` is the shell's own: one process (date) for the clocks instead of two.
  remote: { prepare: 'read -r tup _ </proc/uptime', args: sh`$(date +%s) $tup` },
  parse: (section) => {
    const [unix, uptime] = section.args;
    if (section.args.length !== 2 || unix === undefined || uptime === undefined) {
      return unusable(
        `time: expected "<unix-seconds> <uptime-seconds>", got ${quote(section.args.join(' '))}`,
      );
    }
    const serverTime = parseUint(unix);
    if (serverTime < 0) return unusable(`time: unix seconds ${quote(unix)} is not an unsigned integer`);
    const monotonic = parseUdecimal(uptime);
    if (monotonic < 0) return unusable(`time: uptime ${quote(uptime)} is not a non-negative decimal`);
    return parsed<Fills<'serverTime' | 'monotonic' | 'uptimeSeconds'>>({
      serverTime,
      monotonic,
      uptimeSeconds: monotonic,
    });
  },
  otherwise: 'drop-frame',
});
