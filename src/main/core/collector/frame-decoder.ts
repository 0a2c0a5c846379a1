/**
 * Streaming decoder of the collector's output (format: see remote-script.ts) into raw frames: the
 * sequence number and, per section, the marker's arguments and the lines that followed it. It keeps
 * the sections it is told of (the registry, sections/index.ts) and skips any other well-named one
 * unread: a newer collector may print sections this engine does not know yet.
 *
 * Works on bytes. A chunk may end anywhere (mid-line, mid-UTF-8 character): section content is
 * copied into one growing buffer per section (decoded only by whoever reads its lines), and only
 * marker lines are decoded on their own. Content is not split into lines while streaming: a native
 * search for "\n@wgdeck " jumps from marker to marker, so a 10,000-peer dump costs a few searches
 * per chunk, not one per line.
 *
 * Bounded memory: a frame beyond `maxFrameBytes` is dropped as soon as it gets there, output outside
 * frames is discarded as it arrives, an incomplete marker line is kept only up to
 * MAX_MARKER_LINE_BYTES, and nothing refers to a pushed chunk after `push` returns, so how the
 * stream is cut (64 KiB chunks or 1-byte packets) does not change what is held (`held`).
 */

import type { InterfaceDump } from '../../../shared/domain.ts';
import { isUnsafeCodePoint } from '../../../shared/safe-text.ts';
import { GrowingBuffer } from '../growing-buffer.ts';
import { SECTION_NAMES } from './sections/index.ts';
import { isSectionName } from './sections/section.ts';
import { cleanMessage, cleanName, quote } from './text-fields.ts';

/** One section of a frame: its marker's arguments and the output up to the next marker. */
export class RawSection {
  /** The words after the section name on its marker line (`@wgdeck wg 0` -> ["0"]). */
  readonly args: string[];
  /** The output as received: whole lines, each newline-terminated. */
  readonly bytes: Buffer;
  /**
   * A `wg` section's interfaces when the delta assembler has parsed them already (wg-delta.ts): the
   * peers that did not change are the objects of the frame before, and `bytes` is empty.
   */
  readonly assembled: InterfaceDump[] | undefined;
  #lines: string[] | undefined;

  constructor(args: string[], bytes: Buffer, assembled?: InterfaceDump[]) {
    this.args = args;
    this.bytes = bytes;
    this.assembled = assembled;
  }

  /** The output as UTF-8 lines without terminators (LF or CRLF); decoded on first use. */
  get lines(): string[] {
    this.#lines ??= splitLines(this.bytes.toString('utf8'));
    return this.#lines;
  }
}

export interface RawFrame {
  seq: number;
  /** Each kept section at most once; which ones a frame needs is the frame parser's business. */
  sections: Record<string, RawSection>;
}

export interface FrameDecoderOptions {
  /** The sections to keep; others are skipped. Default: the registry's (sections/index.ts). */
  sections?: readonly string[];
  /** A frame larger than this (marker lines included) is dropped. Default 32 MiB. */
  maxFrameBytes?: number;
  /** A frame was dropped or output was skipped; `reason` is meant for logs. */
  onDrop?: (reason: string) => void;
  /** The script gave up before its first frame (`@wgdeck fatal <code> <message>`). */
  onFatal?: (code: string, message: string) => void;
}

export const DEFAULT_MAX_FRAME_BYTES = 32 * 1024 * 1024;
/** Real marker lines are under 100 bytes; anything longer than this is not one. */
export const MAX_MARKER_LINE_BYTES = 4096;

const MARKER_PREFIX = Buffer.from('@wgdeck ');
const MARKER_AFTER_NEWLINE = Buffer.from('\n@wgdeck ');
const NEWLINE = 10;
const GARBAGE_PREVIEW_BYTES = 80;

interface OpenSection {
  args: string[];
  /** Copied out of the chunks: how the stream is cut must not change what is held. */
  content: GrowingBuffer;
}

/** The section being read is one the decoder does not keep: its content is counted, not held. */
const SKIPPED = 'skipped';

interface OpenFrame {
  seq: number;
  bytes: number;
  sections: Map<string, OpenSection>;
  current: OpenSection | typeof SKIPPED | null;
}

/**
 * idle: between frames (anything but a marker is garbage, reported once per run);
 * frame: inside a frame; skipping: after a drop, silently waiting for the next `@wgdeck frame`.
 */
type Mode = 'idle' | 'frame' | 'skipping';

export class FrameDecoder {
  readonly #kept: ReadonlySet<string>;
  readonly #maxFrameBytes: number;
  readonly #onDrop: (reason: string) => void;
  readonly #onFatal: (code: string, message: string) => void;
  #mode: Mode = 'idle';
  #frame: OpenFrame | null = null;
  /** Whether the next byte starts a line (only line starts can hold a marker). */
  #atLineStart = true;
  /** The start of a line that may be a marker, waiting for the rest of it. */
  #tail: Buffer | null = null;
  #garbageReported = false;
  /**
   * Each section's size in the last frame: a server sends much the same every interval, so sizing
   * the next one's buffer from it copies a 10,000-peer dump once instead of regrowing it. A frame
   * that was large once costs one large allocation in the next frame only.
   */
  readonly #expectedSizes = new Map<string, number>();

  constructor(options: FrameDecoderOptions = {}) {
    this.#kept = new Set(options.sections ?? SECTION_NAMES);
    this.#maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.#onDrop = options.onDrop ?? (() => {});
    this.#onFatal = options.onFatal ?? (() => {});
  }

  /** Feeds the next piece of the stream; returns the frames it completed, oldest first. */
  push(chunk: Buffer | string): RawFrame[] {
    const completed: RawFrame[] = [];
    let buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (this.#tail !== null) {
      // Complete the pending line with just the head of this chunk, so the rest is never copied.
      const newline = buffer.indexOf(NEWLINE);
      const headEnd = newline < 0 ? buffer.length : newline + 1;
      const head = Buffer.concat([this.#tail, buffer.subarray(0, headEnd)]);
      this.#tail = null;
      this.#scan(head, completed);
      buffer = buffer.subarray(headEnd);
    }
    this.#scan(buffer, completed);
    return completed;
  }

  /**
   * What the decoder holds between pushes: the Buffers it keeps and the bytes they allocate (the
   * frame being read and a pending marker line): about twice what the frame holds so far, or the
   * last frame's size when that is more; never more than a few times `maxFrameBytes`.
   */
  get held(): { buffers: number; bytes: number } {
    let buffers = 0;
    let bytes = 0;
    for (const section of this.#frame?.sections.values() ?? []) {
      buffers += 1;
      bytes += section.content.capacity;
    }
    if (this.#tail !== null) {
      buffers += 1;
      bytes += this.#tail.length;
    }
    return { buffers, bytes };
  }

  /** The stream closed: a last line without newline still counts, an unfinished frame is dropped. */
  end(): RawFrame[] {
    const completed: RawFrame[] = [];
    if (this.#tail !== null) {
      const last = Buffer.concat([this.#tail, Buffer.from('\n')]);
      this.#tail = null;
      this.#scan(last, completed);
    }
    if (this.#mode === 'frame' && this.#frame !== null) {
      this.#drop(`frame ${this.#frame.seq}: stream ended before its end marker`);
    }
    this.#mode = 'idle';
    this.#frame = null;
    this.#atLineStart = true;
    this.#garbageReported = false;
    return completed;
  }

  #scan(buffer: Buffer, completed: RawFrame[]): void {
    const end = buffer.length;
    let position = 0;
    while (position < end) {
      if (this.#atLineStart) {
        const prefix = matchMarkerPrefix(buffer, position);
        if (prefix === 'partial') {
          this.#tail = Buffer.from(buffer.subarray(position)); // a copy: a few bytes, not the chunk
          return;
        }
        if (prefix === 'marker') {
          const newline = buffer.indexOf(NEWLINE, position);
          if (newline >= 0 && newline - position <= MAX_MARKER_LINE_BYTES) {
            this.#marker(buffer.toString('utf8', position, newline), newline + 1 - position, completed);
            position = newline + 1;
            continue;
          }
          if (newline < 0 && end - position <= MAX_MARKER_LINE_BYTES) {
            this.#tail = Buffer.from(buffer.subarray(position));
            return;
          }
          // Too long for a marker: give up on the frame and read the rest of the line as content.
          this.#overlongMarker(buffer, position);
        }
      }
      const nextMarker = buffer.indexOf(MARKER_AFTER_NEWLINE, position);
      if (nextMarker >= 0) {
        this.#content(buffer, position, nextMarker + 1);
        position = nextMarker + 1;
        this.#atLineStart = true;
        continue;
      }
      // No marker ahead; the bytes after the last newline may still start one (kept via #tail).
      const lastNewline = buffer.lastIndexOf(NEWLINE);
      if (lastNewline >= position) {
        this.#content(buffer, position, lastNewline + 1);
        position = lastNewline + 1;
        this.#atLineStart = true;
        continue;
      }
      this.#content(buffer, position, end);
      this.#atLineStart = false;
      position = end;
    }
  }

  /** Bytes that are not marker lines: section content, or garbage outside frames. */
  #content(buffer: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (this.#mode === 'idle') {
      this.#reportGarbage(buffer, start, end);
      return;
    }
    const frame = this.#frame;
    if (this.#mode !== 'frame' || frame === null) return;
    if (!this.#count(frame, end - start)) return;
    if (frame.current === null) {
      this.#dropFrame(`frame ${frame.seq}: output before its first section`);
      return;
    }
    if (frame.current !== SKIPPED) frame.current.content.append(buffer, start, end);
  }

  #marker(rawLine: string, bytes: number, completed: RawFrame[]): void {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const words = line.slice(MARKER_PREFIX.length).split(' ');
    const kind = words[0] ?? '';
    const args = words.slice(1);

    if (kind === 'frame') {
      const seq = parseSeq(args);
      if (seq < 0) {
        this.#malformedLine(line);
        return;
      }
      if (this.#mode === 'frame' && this.#frame !== null) {
        this.#drop(`frame ${this.#frame.seq}: frame ${seq} started before its end marker`);
      }
      this.#mode = 'frame';
      this.#frame = { seq, bytes: 0, sections: new Map(), current: null };
      this.#garbageReported = false;
      this.#count(this.#frame, bytes);
      return;
    }

    if (kind === 'fatal') {
      if (this.#mode === 'frame' && this.#frame !== null) {
        this.#drop(`frame ${this.#frame.seq}: interrupted by a fatal line`);
      }
      this.#mode = 'idle';
      this.#frame = null;
      // Both end up in error messages: the code is a word like `no-wg`, the message free text.
      this.#onFatal(cleanName(args[0] ?? ''), cleanMessage(args.slice(1).join(' ')));
      return;
    }

    const frame = this.#frame;
    if (this.#mode === 'skipping') {
      // The end of the frame being skipped: back to normal between-frames reading.
      if (kind === 'end') this.#mode = 'idle';
      return;
    }
    if (this.#mode !== 'frame' || frame === null) {
      this.#reportGarbageText(line);
      return;
    }
    if (!this.#count(frame, bytes)) return;

    if (kind === 'end') {
      const seq = parseSeq(args);
      if (seq !== frame.seq) {
        this.#drop(`frame ${frame.seq}: end marker ${quote(line)} does not match`);
        this.#mode = 'idle';
        this.#frame = null;
        return;
      }
      this.#mode = 'idle';
      this.#frame = null;
      for (const [name, section] of frame.sections) this.#expectedSizes.set(name, section.content.length);
      completed.push(finishFrame(frame));
      return;
    }

    if (!this.#kept.has(kind)) {
      // A name no collector could declare is a corrupt stream, not a newer collector.
      if (!isSectionName(kind)) this.#dropFrame(`frame ${frame.seq}: unknown section ${quote(line)}`);
      else frame.current = SKIPPED;
      return;
    }
    if (frame.sections.has(kind)) {
      this.#dropFrame(`frame ${frame.seq}: section ${kind} appears twice`);
      return;
    }
    const expected = this.#expectedSizes.get(kind) ?? 0;
    const section: OpenSection = { args, content: new GrowingBuffer(this.#maxFrameBytes, expected) };
    frame.sections.set(kind, section);
    frame.current = section;
  }

  /** Adds bytes to the frame's size; false (and the frame dropped) once it is over the limit. */
  #count(frame: OpenFrame, bytes: number): boolean {
    frame.bytes += bytes;
    if (frame.bytes <= this.#maxFrameBytes) return true;
    this.#dropFrame(`frame ${frame.seq}: larger than ${this.#maxFrameBytes} bytes`);
    return false;
  }

  /** A line that looks like a marker but is not a valid one. */
  #malformedLine(line: string): void {
    if (this.#mode === 'frame' && this.#frame !== null) {
      this.#dropFrame(`frame ${this.#frame.seq}: malformed marker ${quote(line)}`);
    } else if (this.#mode === 'idle') {
      this.#reportGarbageText(line);
    }
  }

  #overlongMarker(buffer: Buffer, start: number): void {
    if (this.#mode === 'frame' && this.#frame !== null) {
      this.#dropFrame(`frame ${this.#frame.seq}: marker line longer than ${MAX_MARKER_LINE_BYTES} bytes`);
    } else if (this.#mode === 'idle') {
      this.#reportGarbage(buffer, start, buffer.length);
    }
  }

  #dropFrame(reason: string): void {
    this.#drop(reason);
    this.#mode = 'skipping';
    this.#frame = null;
  }

  #drop(reason: string): void {
    this.#onDrop(reason);
  }

  #reportGarbage(buffer: Buffer, start: number, end: number): void {
    if (this.#garbageReported) return;
    // The first line (or what this chunk holds of it) is enough to recognise a banner or an error.
    let previewEnd = start;
    const limit = Math.min(end, start + GARBAGE_PREVIEW_BYTES);
    while (previewEnd < limit && buffer[previewEnd] !== NEWLINE) previewEnd++;
    this.#reportGarbageText(buffer.toString('utf8', start, previewEnd));
  }

  #reportGarbageText(text: string): void {
    if (this.#garbageReported) return;
    this.#garbageReported = true;
    this.#drop(`skipping output outside frames, starting with ${JSON.stringify(preview(text))}`);
  }
}

/** 'marker' when a marker line starts at `start`, 'partial' when the buffer ends inside its prefix. */
function matchMarkerPrefix(buffer: Buffer, start: number): 'marker' | 'partial' | 'none' {
  const available = Math.min(MARKER_PREFIX.length, buffer.length - start);
  for (let i = 0; i < available; i++) {
    if (buffer[start + i] !== MARKER_PREFIX[i]) return 'none';
  }
  return available === MARKER_PREFIX.length ? 'marker' : 'partial';
}

/** The single non-negative integer argument of `frame`/`end`, or -1. */
function parseSeq(args: string[]): number {
  if (args.length !== 1) return -1;
  const text = args[0]!;
  if (text.length === 0 || text.length > 15) return -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return -1;
  }
  return Number(text);
}

function finishFrame(frame: OpenFrame): RawFrame {
  const sections: Record<string, RawSection> = {};
  for (const [name, section] of frame.sections) {
    sections[name] = new RawSection(section.args, section.content.bytes());
  }
  return { seq: frame.seq, sections };
}

/** Section text (always newline-terminated: a marker line follows it) into lines. */
function splitLines(text: string): string[] {
  if (text.length === 0) return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (!text.includes('\r')) return lines;
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** Printable for a log line: unsafe characters (safe-text.ts) shown as `.`, cut to a preview. */
function preview(text: string): string {
  let printable = '';
  const length = Math.min(text.length, GARBAGE_PREVIEW_BYTES + 1);
  for (let i = 0; i < length; i++) printable += isUnsafeCodePoint(text.charCodeAt(i)) ? '.' : text[i];
  return printable.length > GARBAGE_PREVIEW_BYTES
    ? `${printable.slice(0, GARBAGE_PREVIEW_BYTES)}…`
    : printable;
}
