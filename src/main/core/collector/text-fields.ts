/**
 * Number, token and text helpers shared by the parsers of server output. Hand-written char loops
 * instead of regexes: they run once per field of every peer line, so they sit on the hot path of a
 * 10,000-peer dump. Text that came from a server goes through `cleanName` / `cleanMessage` (the
 * rule is in shared/safe-text.ts) before it is kept, and through `quote` before it is put into an
 * error message.
 */

import {
  cleanText,
  escapeUnsafe,
  hasUnsafeText,
  MAX_NAME_LENGTH,
  MAX_SERVER_TEXT_LENGTH,
} from '../../../shared/safe-text.ts';

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;

/**
 * A non-negative decimal integer that a double holds exactly (<= 2^53 - 1), or -1 for anything else
 * (empty, sign, non-digit, too large). -1 instead of an exception or undefined keeps callers cheap;
 * `describeBadUint` explains the failure once it is known there is one.
 */
export function parseUint(text: string): number {
  const length = text.length;
  if (length === 0) return -1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < CHAR_0 || code > CHAR_9) return -1;
    value = value * 10 + (code - CHAR_0);
  }
  // Past 2^53 the accumulation may round, but it can never round back below 2^53.
  return value > Number.MAX_SAFE_INTEGER ? -1 : value;
}

/** Why `parseUint` refused `text`, for error messages. */
export function describeBadUint(text: string): string {
  if (text.length > 0 && isAllDigits(text)) return `${quote(text)} exceeds 2^53-1`;
  return `${quote(text)} is not an unsigned integer`;
}

function isAllDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < CHAR_0 || code > CHAR_9) return false;
  }
  return true;
}

/**
 * A non-negative decimal such as `335.44` (/proc/uptime, /proc/loadavg), or -1. Only digits with at
 * most one dot are accepted, so `Number()` never sees hex, exponents, signs or whitespace.
 */
export function parseUdecimal(text: string): number {
  const length = text.length;
  if (length === 0) return -1;
  let dots = 0;
  let digits = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === CHAR_DOT) dots++;
    else if (code >= CHAR_0 && code <= CHAR_9) digits++;
    else return -1;
  }
  if (dots > 1 || digits === 0) return -1;
  const value = Number(text);
  return Number.isFinite(value) ? value : -1;
}

/** Fields separated by runs of spaces or tabs, ignoring leading and trailing ones (like awk). */
export function splitWhitespace(line: string): string[] {
  const fields: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    const blank = code === 32 || code === 9;
    if (blank) {
      if (start >= 0) {
        fields.push(line.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) fields.push(line.slice(start));
  return fields;
}

/** `line` without one trailing carriage return (CRLF input). */
export function stripCarriageReturn(line: string): string {
  return line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

const MAX_QUOTED = 64;

/**
 * A value quoted for an error message, cut short so one bad line cannot flood the log. Unsafe
 * characters (safe-text.ts) are escaped, C0 by JSON.stringify and the rest here, so the message is
 * safe to print and still shows what the server sent.
 */
export function quote(text: string): string {
  const shown = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
  const quoted = JSON.stringify(shown);
  return escapeUnsafe(quoted);
}

/** Whether a name from the server (an interface) can be kept and shown exactly as it is. */
export function isShowableName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && !hasUnsafeText(name);
}

/** A name read from server output or a server's file (peer, interface): the one rule of safe-text.ts. */
export function cleanName(text: string): string {
  return cleanText(text, MAX_NAME_LENGTH);
}

/** Free text from a server (wg's error lines, a fatal line), kept and shown: the same rule, 1 KiB. */
export function cleanMessage(text: string): string {
  return cleanText(text, MAX_SERVER_TEXT_LENGTH, { multiline: true });
}
