/**
 * Parser of /proc/net/dev: two header lines, then `name: <8 receive counters> <8 transmit counters>`.
 *
 * Best-effort: these counters only feed interface rates, so a line that does not parse is skipped
 * with a warning instead of costing the whole frame.
 */

import type { InterfaceCounters } from '../../../shared/domain.ts';
import { isShowableName, parseUint, quote, splitWhitespace, stripCarriageReturn } from './text-fields.ts';

export interface NetdevResult {
  counters: Record<string, InterfaceCounters>;
  warnings: string[];
}

const COUNTER_COLUMNS = 16;

// Column positions after the colon (see net/core/net-procfs.c, dev_seq_printf_stats).
const RX_BYTES = 0;
const RX_PACKETS = 1;
const RX_ERRS = 2;
const RX_DROP = 3;
const RX_MULTICAST = 7;
const TX_BYTES = 8;
const TX_PACKETS = 9;
const TX_ERRS = 10;
const TX_DROP = 11;

export function parseNetdev(lines: readonly string[]): NetdevResult {
  // No prototype: a server's interface named `__proto__` is a key like any other.
  const counters: Record<string, InterfaceCounters> = Object.create(null) as Record<
    string,
    InterfaceCounters
  >;
  const warnings: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = stripCarriageReturn(lines[index]!);
    // The two header lines are the only ones with a `|`.
    if (line.trim().length === 0 || line.includes('|')) continue;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') {
      warnings.push(`netdev line ${index + 1}: ${parsed}; line skipped`);
      continue;
    }
    counters[parsed.name] = parsed.counters;
  }
  return { counters, warnings };
}

function parseLine(line: string): { name: string; counters: InterfaceCounters } | string {
  // Interface names cannot contain a colon, and old kernels print large counters right after it
  // (`eth0:123456789`), so split at the first colon rather than on whitespace.
  const colon = line.indexOf(':');
  if (colon < 0) return 'no "name:" prefix';
  const name = line.slice(0, colon).trim();
  if (name.length === 0) return 'empty interface name';
  if (!isShowableName(name)) return `${quote(name)} is not an interface name`;
  const columns = splitWhitespace(line.slice(colon + 1));
  if (columns.length !== COUNTER_COLUMNS) {
    return `${quote(name)}: expected ${COUNTER_COLUMNS} counters, got ${columns.length}`;
  }
  const values = new Array<number>(COUNTER_COLUMNS);
  for (let i = 0; i < COUNTER_COLUMNS; i++) {
    const text = columns[i]!;
    const value = parseUint(text);
    if (value < 0)
      return `${quote(name)}: counter ${i + 1} ${quote(text)} is not an unsigned integer below 2^53`;
    values[i] = value;
  }
  const at = (column: number): number => values[column]!;
  return {
    name,
    counters: {
      rxBytes: at(RX_BYTES),
      txBytes: at(TX_BYTES),
      rxPackets: at(RX_PACKETS),
      txPackets: at(TX_PACKETS),
      rxErrors: at(RX_ERRS),
      txErrors: at(TX_ERRS),
      rxDropped: at(RX_DROP),
      txDropped: at(TX_DROP),
      multicast: at(RX_MULTICAST),
    },
  };
}
