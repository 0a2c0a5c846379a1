import { parseNetdev } from '../parse-netdev.ts';
import { defineSection, parsed } from './section.ts';
import type { Fills } from './snapshot-fields.ts';

/**
 * `@wgdeck netdev`, then /proc/net/dev verbatim: the counters of every interface (WireGuard and
 * others). Only interface rates depend on it, so a line that does not parse is skipped with a
 * warning, and a frame without it has no counters.
 */
export const netdevSection = defineSection({
  name: 'netdev',
  remote: { file: { path: '/proc/net/dev' } },
  parse: (section) => {
    const { counters, warnings } = parseNetdev(section.lines);
    return parsed<Fills<'netdev'>>({ netdev: counters }, warnings);
  },
  otherwise: { value: { netdev: {} } },
});
