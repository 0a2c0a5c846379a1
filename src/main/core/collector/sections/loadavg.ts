import { parseLoadavg } from '../parse-system.ts';
import { defineSection, parsed } from './section.ts';

/** `@wgdeck loadavg`, then /proc/loadavg: the 1, 5 and 15 minute load averages (best-effort). */
export const loadavgSection = defineSection({
  name: 'loadavg',
  remote: { file: { path: '/proc/loadavg' } },
  parse: (section) => {
    const { value, warnings } = parseLoadavg(section.lines);
    return parsed(value, warnings);
  },
  otherwise: { value: { load1: null, load5: null, load15: null } },
});
