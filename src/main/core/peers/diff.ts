/**
 * Line diffs of config files for people: the preview of a plan, and the "the file changed behind
 * our back" report. Unified format with context; secrets redacted.
 *
 * Myers' O((N+M)·D) algorithm after trimming the common head and tail, so a few changed lines in a
 * 10,000-peer file cost little. Past `MAX_EDITS` differing lines (a file rewritten by someone else)
 * the middle is shown as one replacement rather than searched for the minimal diff.
 */

import { escapeUnsafe } from '../../../shared/safe-text.ts';

export type DiffOp = { kind: 'equal' | 'delete' | 'insert'; text: string };

/** Memory grows with the square of this (the saved frontiers): 1,500 is about 9 MB at worst. */
const MAX_EDITS = 1500;

function splitForDiff(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else lines[lines.length - 1] += '\n\\ No newline at end of file';
  return lines;
}

/** The edit script turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffOp[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const ops: DiffOp[] = [];
  for (let i = 0; i < head; i++) ops.push({ kind: 'equal', text: a[i]! });
  ops.push(...myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail)));
  for (let i = a.length - tail; i < a.length; i++) ops.push({ kind: 'equal', text: a[i]! });
  return ops;
}

function myers(a: readonly string[], b: readonly string[]): DiffOp[] {
  const n = a.length;
  const m = b.length;
  const replaceAll = (): DiffOp[] => [
    ...a.map((text): DiffOp => ({ kind: 'delete', text })),
    ...b.map((text): DiffOp => ({ kind: 'insert', text })),
  ];
  if (n === 0 || m === 0) return replaceAll();
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2)); // only diagonals -d-1..d+1 are read back
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)) x = v[offset + k + 1]!;
      else x = v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    v = next;
  }
  if (found < 0) return replaceAll();
  // Walk back through the saved frontiers.
  const ops: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const saved = trace[d]!;
    const at = (k: number): number => saved[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: 'equal', text: a[x]! });
    }
    if (down) {
      y--;
      ops.push({ kind: 'insert', text: b[y]! });
    } else {
      x--;
      ops.push({ kind: 'delete', text: a[x]! });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    ops.push({ kind: 'equal', text: a[x]! });
  }
  return ops.reverse();
}

export interface UnifiedDiffOptions {
  oldLabel?: string;
  newLabel?: string;
  /** Lines of context around each change. */
  context?: number;
  /** Applied to every line shown (e.g. `redactSecrets`). */
  redact?: (line: string) => string;
}

/**
 * A unified diff (`---`/`+++`/`@@` hunks), or '' when the texts are equal. It is only shown (CLI,
 * UI), so unsafe characters in the file's lines (safe-text.ts) are shown escaped: a comment with a
 * direction override reads as `\u202E`, not as reordered text.
 */
export function unifiedDiff(oldText: string, newText: string, options: UnifiedDiffOptions = {}): string {
  if (oldText === newText) return '';
  const context = options.context ?? 3;
  const redact = options.redact ?? ((line: string) => line);
  const ops = diffLines(splitForDiff(oldText), splitForDiff(newText));
  const out = [`--- ${options.oldLabel ?? 'before'}`, `+++ ${options.newLabel ?? 'after'}`];
  const show = (prefix: string, text: string): string =>
    text
      .split('\n')
      .map((part, index) =>
        index === 0 ? `${prefix}${escapeUnsafe(redact(part.replace(/\r$/, '')))}` : part,
      )
      .join('\n');
  let index = 0;
  while (index < ops.length) {
    while (index < ops.length && ops[index]!.kind === 'equal') index++;
    if (index >= ops.length) break;
    // A hunk: from `context` lines before this change to `context` after the last change within reach.
    const start = Math.max(0, index - context);
    let end = index;
    while (end < ops.length) {
      if (ops[end]!.kind !== 'equal') {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run]!.kind === 'equal') run++;
      if (run >= ops.length || run - end > 2 * context) {
        end = Math.min(end + context, ops.length);
        break;
      }
      end = run;
    }
    let oldLine = 1;
    let newLine = 1;
    for (let i = 0; i < start; i++) {
      if (ops[i]!.kind !== 'insert') oldLine++;
      if (ops[i]!.kind !== 'delete') newLine++;
    }
    let oldCount = 0;
    let newCount = 0;
    const body: string[] = [];
    for (let i = start; i < end; i++) {
      const op = ops[i]!;
      if (op.kind !== 'insert') oldCount++;
      if (op.kind !== 'delete') newCount++;
      body.push(show(op.kind === 'equal' ? ' ' : op.kind === 'delete' ? '-' : '+', op.text));
    }
    const range = (line: number, count: number): string => `${count === 0 ? line - 1 : line},${count}`;
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`, ...body);
    index = end;
  }
  return `${out.join('\n')}\n`;
}

const KEY_TOKEN = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=(?![A-Za-z0-9+/=])/g;

/**
 * The line with every key-shaped token that is not a known public key replaced by `(hidden)`:
 * private and preshared keys whatever the key's spelling (`Preshared Key=` is one for wg), in
 * disabled blocks too.
 */
export function redactSecrets(line: string, publicKeys: ReadonlySet<string>): string {
  return line.replace(KEY_TOKEN, (token) => (publicKeys.has(token) ? token : '(hidden)'));
}
