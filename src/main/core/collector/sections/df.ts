import { parseDf } from '../parse-system.ts';
import { defineSection, parsed } from './section.ts';

/**
 * `@wgdeck df`, then "<total-KiB> <used-KiB>" of the root filesystem (best-effort: a failing `df`
 * prints nothing, and the frame is kept without disk figures).
 */
export const dfSection = defineSection({
  name: 'df',
  remote: { body: `df -P -k / 2>/dev/null | awk 'NR==2{print $2, $3}'` },
  parse: (section) => {
    const { value, warnings } = parseDf(section.lines);
    return parsed(value, warnings);
  },
  otherwise: { value: { diskTotalBytes: null, diskUsedBytes: null } },
});
