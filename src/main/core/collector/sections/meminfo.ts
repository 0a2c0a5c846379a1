import { parseMeminfo } from '../parse-system.ts';
import { defineSection, parsed } from './section.ts';

/** `@wgdeck meminfo`, then the MemTotal and MemAvailable lines of /proc/meminfo (best-effort). */
export const meminfoSection = defineSection({
  name: 'meminfo',
  remote: { file: { path: '/proc/meminfo', lines: '^(MemTotal|MemAvailable):' } },
  parse: (section) => {
    const { value, warnings } = parseMeminfo(section.lines);
    return parsed(value, warnings);
  },
  otherwise: { value: { memTotalBytes: null, memAvailableBytes: null } },
});
