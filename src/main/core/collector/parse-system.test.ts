import { describe, expect, it } from 'vitest';
import type { SystemSample } from '../../../shared/domain.ts';
import { DF_TEXT, LOADAVG_TEXT, MEMINFO_TEXT, STAT_TEXT } from './fixtures.ts';
import { RawSection } from './frame-decoder.ts';
import { dfSection } from './sections/df.ts';
import { loadavgSection } from './sections/loadavg.ts';
import { meminfoSection } from './sections/meminfo.ts';
import { readSections } from './sections/read-sections.ts';
import { statSection } from './sections/stat.ts';

/** The system sections' lines (undefined: the frame had no such section) and the `time` uptime. */
interface SystemSections {
  stat: readonly string[] | undefined;
  meminfo: readonly string[] | undefined;
  loadavg: readonly string[] | undefined;
  df: readonly string[] | undefined;
  uptimeSeconds: number | null;
}

/**
 * The system sample a frame with these sections gives: each through its declared section (its
 * parser, or its stand-in when missing), as parseFrame reads them.
 */
function parseSystem(sections: SystemSections): { system: SystemSample; warnings: string[] } {
  const raw: Record<string, RawSection> = {};
  for (const name of ['stat', 'meminfo', 'loadavg', 'df'] as const) {
    const lines = sections[name];
    if (lines !== undefined)
      raw[name] = new RawSection([], Buffer.from(lines.map((line) => `${line}\n`).join('')));
  }
  const result = readSections({ seq: 1, sections: raw }, [
    statSection,
    meminfoSection,
    loadavgSection,
    dfSection,
  ]);
  if (!result.ok) throw new Error(result.error);
  const { stat, meminfo, loadavg, df } = result.values;
  return {
    system: { ...stat, ...meminfo, ...loadavg, ...df, uptimeSeconds: sections.uptimeSeconds },
    warnings: result.warnings,
  };
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line.length > 0);

function sections(overrides: Partial<SystemSections> = {}): SystemSections {
  return {
    stat: lines(STAT_TEXT),
    meminfo: lines(MEMINFO_TEXT),
    loadavg: lines(LOADAVG_TEXT),
    df: lines(DF_TEXT),
    uptimeSeconds: 335.44,
    ...overrides,
  };
}

const FIELDS_OF = {
  stat: ['cpuTotalJiffies', 'cpuIdleJiffies', 'cpuCount'],
  meminfo: ['memTotalBytes', 'memAvailableBytes'],
  loadavg: ['load1', 'load5', 'load15'],
  df: ['diskTotalBytes', 'diskUsedBytes'],
} as const;

describe('the system sections', () => {
  it('reads every metric', () => {
    expect(parseSystem(sections())).toEqual({
      system: {
        // user nice system idle iowait irq softirq steal; guest fields are inside user/nice already
        cpuTotalJiffies: 10099 + 0 + 6973 + 49023 + 389 + 0 + 115 + 25,
        cpuIdleJiffies: 49023 + 389,
        cpuCount: 2,
        memTotalBytes: 24682416 * 1024,
        memAvailableBytes: 24270212 * 1024,
        diskTotalBytes: 264212084 * 1024,
        diskUsedBytes: 24080708 * 1024,
        load1: 0.39,
        load5: 0.54,
        load15: 0.25,
        uptimeSeconds: 335.44,
      },
      warnings: [],
    });
  });

  it('leaves guest time out of the total (it is already counted in user and nice)', () => {
    const { system } = parseSystem(sections({ stat: ['cpu  100 10 50 800 5 1 2 3 40 4', 'cpu0 1 1 1 1'] }));
    expect(system.cpuTotalJiffies).toBe(100 + 10 + 50 + 800 + 5 + 1 + 2 + 3);
    expect(system.cpuIdleJiffies).toBe(805);
  });

  it('reads a 4-field cpu line (no iowait)', () => {
    const { system, warnings } = parseSystem(sections({ stat: ['cpu 1 2 3 4', 'cpu0 1 2 3 4'] }));
    expect(warnings).toEqual([]);
    expect(system).toMatchObject({ cpuTotalJiffies: 10, cpuIdleJiffies: 4, cpuCount: 1 });
  });

  it('reads CRLF lines', () => {
    const crlf = (text: string): string[] => lines(text).map((line) => `${line}\r`);
    const result = parseSystem(
      sections({
        stat: crlf(STAT_TEXT),
        meminfo: crlf(MEMINFO_TEXT),
        loadavg: crlf(LOADAVG_TEXT),
        df: crlf(DF_TEXT),
      }),
    );
    expect(result.warnings).toEqual([]);
    expect(result.system).toEqual(parseSystem(sections()).system);
  });

  // One row per missing or malformed part: the fields it nulls and the warning it gives.
  it.each([
    [
      'no stat section',
      { stat: undefined },
      ['cpuTotalJiffies', 'cpuIdleJiffies', 'cpuCount'],
      'stat: section missing',
    ],
    [
      'no aggregate cpu line',
      { stat: ['cpu0 1 2 3 4'] },
      ['cpuTotalJiffies', 'cpuIdleJiffies'],
      'stat: no aggregate cpu line',
    ],
    [
      'a short cpu line',
      { stat: ['cpu 1 2 3', 'cpu0 1 2 3 4'] },
      ['cpuTotalJiffies', 'cpuIdleJiffies'],
      'stat: malformed aggregate cpu line',
    ],
    [
      'a non-numeric cpu field',
      { stat: ['cpu 1 2 x 4', 'cpu0 1 2 3 4'] },
      ['cpuTotalJiffies', 'cpuIdleJiffies'],
      'stat: malformed',
    ],
    ['no per-cpu lines', { stat: ['cpu 1 2 3 4'] }, ['cpuCount'], 'stat: no per-cpu lines'],
    [
      'no meminfo section',
      { meminfo: undefined },
      ['memTotalBytes', 'memAvailableBytes'],
      'meminfo: section missing',
    ],
    [
      'no MemAvailable (Linux < 3.14)',
      { meminfo: ['MemTotal: 1000 kB'] },
      ['memAvailableBytes'],
      'meminfo: no MemAvailable',
    ],
    [
      'a meminfo line without unit',
      { meminfo: ['MemTotal: 1000', 'MemAvailable: 5 kB'] },
      ['memTotalBytes'],
      'meminfo: malformed line',
    ],
    [
      'a negative meminfo value',
      { meminfo: ['MemTotal: -1 kB', 'MemAvailable: 5 kB'] },
      ['memTotalBytes'],
      'meminfo: malformed line',
    ],
    ['no loadavg section', { loadavg: undefined }, ['load1', 'load5', 'load15'], 'loadavg: section missing'],
    ['an empty loadavg', { loadavg: [] }, ['load1', 'load5', 'load15'], 'loadavg: empty'],
    ['two load averages', { loadavg: ['0.1 0.2'] }, ['load1', 'load5', 'load15'], 'loadavg: malformed line'],
    [
      'a non-numeric load',
      { loadavg: ['0.1 x 0.3 1/2 3'] },
      ['load1', 'load5', 'load15'],
      'loadavg: malformed line',
    ],
    ['no df section', { df: undefined }, ['diskTotalBytes', 'diskUsedBytes'], 'df: section missing'],
    ['no df output (df failed)', { df: [] }, ['diskTotalBytes', 'diskUsedBytes'], 'df: no output'],
    ['one df number', { df: ['1000'] }, ['diskTotalBytes', 'diskUsedBytes'], 'df: malformed line'],
    [
      'a df header line',
      { df: ['Filesystem 1024-blocks'] },
      ['diskTotalBytes', 'diskUsedBytes'],
      'df: malformed line',
    ],
  ] as [string, Partial<SystemSections>, string[], string][])(
    'nulls only the affected fields for %s, with a warning',
    (_name, overrides, nulled, warning) => {
      const good = parseSystem(sections()).system;
      const { system, warnings } = parseSystem(sections(overrides));
      expect(warnings).toEqual([expect.stringContaining(warning)]);
      for (const field of nulled) expect(system[field as keyof typeof system], field).toBeNull();
      // Every other section still counts.
      const [changed] = Object.keys(overrides) as (keyof typeof FIELDS_OF)[];
      for (const [section, fields] of Object.entries(FIELDS_OF)) {
        if (section === changed) continue;
        for (const field of fields) expect(system[field], field).toBe(good[field]);
      }
    },
  );
});
