/**
 * Parser of the system sections of a frame (`stat`, `meminfo`, `loadavg`, `df`) into a SystemSample.
 *
 * Best-effort: each metric is independent, so a missing or malformed section nulls only its own
 * fields and adds a warning.
 */

import type { SystemSample } from '../../../shared/domain.ts';
import { parseUdecimal, parseUint, quote, splitWhitespace, stripCarriageReturn } from './text-fields.ts';

export interface SystemSections {
  /** The `cpu` lines of /proc/stat; undefined when the frame had no such section. */
  stat: readonly string[] | undefined;
  /** The MemTotal and MemAvailable lines of /proc/meminfo. */
  meminfo: readonly string[] | undefined;
  /** /proc/loadavg. */
  loadavg: readonly string[] | undefined;
  /** `<total-KiB> <used-KiB>` of the root filesystem. */
  df: readonly string[] | undefined;
  /** From the frame's `time` line (the first field of /proc/uptime). */
  uptimeSeconds: number | null;
}

export interface SystemResult {
  system: SystemSample;
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

export function parseSystem(sections: SystemSections): SystemResult {
  const warnings: string[] = [];
  const cpu = parseStat(sections.stat, warnings);
  const memory = parseMeminfo(sections.meminfo, warnings);
  const load = parseLoadavg(sections.loadavg, warnings);
  const disk = parseDf(sections.df, warnings);
  return {
    system: {
      cpuTotalJiffies: cpu.total,
      cpuIdleJiffies: cpu.idle,
      cpuCount: cpu.count,
      memTotalBytes: memory.total,
      memAvailableBytes: memory.available,
      diskTotalBytes: disk.total,
      diskUsedBytes: disk.used,
      load1: load[0],
      load5: load[1],
      load15: load[2],
      uptimeSeconds: sections.uptimeSeconds,
    },
    warnings,
  };
}

function nonEmptyLines(lines: readonly string[]): string[] {
  const result: string[] = [];
  for (const raw of lines) {
    const line = stripCarriageReturn(raw);
    if (line.trim().length > 0) result.push(line);
  }
  return result;
}

function parseStat(
  lines: readonly string[] | undefined,
  warnings: string[],
): { total: number | null; idle: number | null; count: number | null } {
  if (lines === undefined) {
    warnings.push('stat: section missing');
    return { total: null, idle: null, count: null };
  }
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
  return { total, idle, count: count > 0 ? count : null };
}

/** `cpu0`, `cpu1`, ... */
function isPerCpuLabel(label: string): boolean {
  return label.length > 3 && label.startsWith('cpu') && parseUint(label.slice(3)) >= 0;
}

function parseMeminfo(
  lines: readonly string[] | undefined,
  warnings: string[],
): { total: number | null; available: number | null } {
  if (lines === undefined) {
    warnings.push('meminfo: section missing');
    return { total: null, available: null };
  }
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
  return { total: pick('MemTotal'), available: pick('MemAvailable') };
}

function parseLoadavg(
  lines: readonly string[] | undefined,
  warnings: string[],
): [number | null, number | null, number | null] {
  const unknown: [null, null, null] = [null, null, null];
  if (lines === undefined) {
    warnings.push('loadavg: section missing');
    return unknown;
  }
  const line = nonEmptyLines(lines)[0];
  if (line === undefined) {
    warnings.push('loadavg: empty');
    return unknown;
  }
  const loads = splitWhitespace(line).slice(0, 3).map(parseUdecimal);
  if (loads.length < 3 || loads.some((value) => value < 0)) {
    warnings.push(`loadavg: malformed line ${quote(line)}`);
    return unknown;
  }
  return [loads[0]!, loads[1]!, loads[2]!];
}

function parseDf(
  lines: readonly string[] | undefined,
  warnings: string[],
): { total: number | null; used: number | null } {
  const unknown = { total: null, used: null };
  if (lines === undefined) {
    warnings.push('df: section missing');
    return unknown;
  }
  const line = nonEmptyLines(lines)[0];
  if (line === undefined) {
    warnings.push('df: no output');
    return unknown;
  }
  const fields = splitWhitespace(line);
  const total = parseUint(fields[0] ?? '');
  const used = parseUint(fields[1] ?? '');
  if (fields.length !== 2 || total < 0 || used < 0) {
    warnings.push(`df: malformed line ${quote(line)}`);
    return unknown;
  }
  return { total: total * KIB, used: used * KIB };
}
