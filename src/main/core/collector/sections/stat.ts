import { parseStat } from '../parse-system.ts';
import { defineSection, parsed } from './section.ts';

/** `@wgdeck stat`, then the `cpu` lines of /proc/stat: CPU jiffies and count (best-effort). */
export const statSection = defineSection({
  name: 'stat',
  remote: { file: { path: '/proc/stat', lines: '^cpu' } },
  parse: (section) => {
    const { value, warnings } = parseStat(section.lines);
    return parsed(value, warnings);
  },
  otherwise: { value: { cpuTotalJiffies: null, cpuIdleJiffies: null, cpuCount: null } },
});
