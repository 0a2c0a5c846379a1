/**
 * Parsers of the system sections of a frame (`stat`, `meminfo`, `loadavg`, `df`), each into its
 * fields of the SystemSample (the sections are declared in sections/).
 *
 * Best-effort: each metric is independent, so a malformed section nulls only its own fields and
 * adds a warning.
 */

import type { SystemSample } from '../../../shared/domain.ts';
import { parseUdecimal, parseUint, quote, splitWhitespace, stripCarriageReturn } from './text-fields.ts';

/** Some fields of the system sample, with what was wrong with the lines they came from. */
export interface SystemPart<Field extends keyof SystemSample> {
  value: Pick<SystemSample, Field>;
  warnings: string[];
}

const KIB = 1024;

/** Fields of the `cpu` line (see proc(5)): user nice system idle iowait irq softirq steal guest guest_nice. */
const IDLE = 3;
const IOWAIT = 4;
/**
 * guest and guest_nice (fields 9 and 10) are already counted in user and nice, so the total stops at
 * steal; summing them too would overstate usage on hypervisors.
 */
const NON_GUEST_FIELDS = 8;
/** Linux before 2.6 printed only user, nice, system and idle. */
const MIN_CPU_FIELDS = 4;

function nonEmptyLines(lines: readonly string[]): string[] {
  const result: string[] = [];
  for (const raw of lines) {
    const line = stripCarriageReturn(raw);
    if (line.trim().length > 0) result.push(line);
  }
  return result;
}

/** The `cpu` lines of /proc/stat: the aggregate line's jiffies and the number of per-CPU lines. */
export function parseStat(
  lines: readonly string[],
): SystemPart<'cpuTotalJiffies' | 'cpuIdleJiffies' | 'cpuCount'> {
  const warnings: string[] = [];
  let total: number | null = null;
  let idle: number | null = null;
  let count = 0;
  let sawAggregate = false;
  for (const line of nonEmptyLines(lines)) {
    const fields = splitWhitespace(line);
    const label = fields[0] ?? '';
    if (label === 'cpu') {
      sawAggregate = true;
      const jiffies = fields.slice(1).map(parseUint);
      if (jiffies.length < MIN_CPU_FIELDS || jiffies.some((value) => value < 0)) {
        warnings.push(`stat: malformed aggregate cpu line ${quote(line)}`);
        continue;
      }
      total = jiffies.slice(0, NON_GUEST_FIELDS).reduce((sum, value) => sum + value, 0);
      idle = jiffies[IDLE]! + (jiffies[IOWAIT] ?? 0);
    } else if (isPerCpuLabel(label)) {
      count++;
    }
  }
  if (!sawAggregate) warnings.push('stat: no aggregate cpu line');
  if (count === 0) warnings.push('stat: no per-cpu lines');
  return {
    value: { cpuTotalJiffies: total, cpuIdleJiffies: idle, cpuCount: count > 0 ? count : null },
    warnings,
  };
}

/** `cpu0`, `cpu1`, ... */
function isPerCpuLabel(label: string): boolean {
  return label.length > 3 && label.startsWith('cpu') && parseUint(label.slice(3)) >= 0;
}

/** The MemTotal and MemAvailable lines of /proc/meminfo. */
export function parseMeminfo(lines: readonly string[]): SystemPart<'memTotalBytes' | 'memAvailableBytes'> {
  const warnings: string[] = [];
  const values = new Map<string, number>();
  // Labels of malformed lines, already warned about (one warning per problem, not two).
  const malformed = new Set<string>();
  for (const line of nonEmptyLines(lines)) {
    const [label = '', amount = '', unit] = splitWhitespace(line);
    const kib = parseUint(amount);
    if (kib < 0 || unit !== 'kB') {
      warnings.push(`meminfo: malformed line ${quote(line)}`);
      malformed.add(label);
      continue;
    }
    values.set(label, kib * KIB);
  }
  const pick = (label: string): number | null => {
    const value = values.get(`${label}:`);
    if (value === undefined && !malformed.has(`${label}:`)) warnings.push(`meminfo: no ${label}`);
    return value ?? null;
  };
  return { value: { memTotalBytes: pick('MemTotal'), memAvailableBytes: pick('MemAvailable') }, warnings };
}

/** /proc/loadavg: its first three numbers. */
export function parseLoadavg(lines: readonly string[]): SystemPart<'load1' | 'load5' | 'load15'> {
  const unknown = (warning: string): SystemPart<'load1' | 'load5' | 'load15'> => ({
    value: { load1: null, load5: null, load15: null },
    warnings: [warning],
  });
  const line = nonEmptyLines(lines)[0];
  if (line === undefined) return unknown('loadavg: empty');
  const loads = splitWhitespace(line).slice(0, 3).map(parseUdecimal);
  if (loads.length < 3 || loads.some((value) => value < 0))
    return unknown(`loadavg: malformed line ${quote(line)}`);
  return { value: { load1: loads[0]!, load5: loads[1]!, load15: loads[2]! }, warnings: [] };
}

/** `<total-KiB> <used-KiB>` of the root filesystem (the script's awk over `df -P -k /`). */
export function parseDf(lines: readonly string[]): SystemPart<'diskTotalBytes' | 'diskUsedBytes'> {
  const unknown = (warning: string): SystemPart<'diskTotalBytes' | 'diskUsedBytes'> => ({
    value: { diskTotalBytes: null, diskUsedBytes: null },
    warnings: [warning],
  });
  const line = nonEmptyLines(lines)[0];
  if (line === undefined) return unknown('df: no output');
  const fields = splitWhitespace(line);
  const total = parseUint(fields[0] ?? '');
  const used = parseUint(fields[1] ?? '');
  if (fields.length !== 2 || total < 0 || used < 0) return unknown(`df: malformed line ${quote(line)}`);
  return { value: { diskTotalBytes: total * KIB, diskUsedBytes: used * KIB }, warnings: [] };
}
