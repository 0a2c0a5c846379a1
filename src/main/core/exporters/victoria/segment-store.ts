import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * The push's outage buffer (issue 13: nothing lost for 24 h at 5 s × 1,000 peers): bodies that
 * VictoriaMetrics did not take, on disk in arrival order until they are sent.
 *
 * Files: `NNNNNNNNNNNN.seg` segments of records appended one after another, and `cursor` (the first
 * record not yet sent: `<segment> <record>`), rewritten whole (rename) after each batch is taken, so a
 * restart neither loses nor resends what was sent. A record is a 16-byte header — magic, body length,
 * sample count, CRC-32 of the body — and its body (the pusher's: brotli of the text format). A crash in the middle of an
 * append leaves a torn record at a segment's end: found by its length or CRC when the store opens, and
 * cut off (its samples were never acknowledged either: the poll they came from is lost, nothing else).
 *
 * The store is bounded (`capBytes`, default 2 GiB, about 36 h at 5 s × 1,000 peers): past it, the oldest
 * segments are dropped, and `dropped` says how many samples went.
 */
export interface BufferedRecord {
  body: Uint8Array;
  samples: number;
}

interface RecordIndex {
  offset: number;
  length: number;
  samples: number;
}

interface Segment {
  seq: number;
  path: string;
  records: RecordIndex[];
  bytes: number;
}

const MAGIC = 0x57475642; // "WGVB"
const HEADER = 16;
const DEFAULT_CAP = 2 * 1024 ** 3;
const MAX_SEGMENT = 16 * 1024 ** 2;
const SEGMENT_NAME = /^(\d{12})\.seg$/;

export interface SegmentStoreOptions {
  capBytes?: number;
  log?: (message: string) => void;
}

export class SegmentStore {
  readonly #dir: string;
  readonly #cap: number;
  readonly #segmentBytes: number;
  readonly #log: (message: string) => void;
  readonly #segments: Segment[] = [];
  /** Index of the first unsent record in the first segment. */
  #first = 0;
  #fd: number | null = null;
  /** The next segment's number: above every one on disk, sent or not. */
  #nextSeq = 1;
  #samples = 0;
  #bytes = 0;
  #dropped = 0;

  /** Opens (creating, private) the buffer in `dir`, recovering what an earlier process left there. */
  constructor(dir: string, options: SegmentStoreOptions = {}) {
    this.#dir = dir;
    this.#cap = options.capBytes ?? DEFAULT_CAP;
    // Dropping happens a segment at a time: at least eight segments fit in the cap.
    this.#segmentBytes = Math.max(64 * 1024, Math.min(MAX_SEGMENT, Math.floor(this.#cap / 8)));
    this.#log = options.log ?? (() => undefined);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.#recover();
  }

  get dir(): string {
    return this.#dir;
  }

  /** Samples and bytes waiting to be sent. */
  get backlog(): { samples: number; bytes: number } {
    return { samples: this.#samples, bytes: this.#bytes };
  }

  get empty(): boolean {
    return this.#samples === 0 && this.#bytes === 0;
  }

  /** Samples dropped because the buffer was full, since this store opened. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Appends records after everything already held (in this order). */
  append(records: readonly BufferedRecord[]): void {
    for (const record of records) {
      let segment = this.#segments.at(-1);
      if (!segment || this.#fd === null || segment.bytes + HEADER + record.body.length > this.#segmentBytes) {
        segment = this.#startSegment();
      }
      const header = Buffer.alloc(HEADER);
      header.writeUInt32BE(MAGIC, 0);
      header.writeUInt32BE(record.body.length, 4);
      header.writeUInt32BE(record.samples, 8);
      header.writeUInt32BE(crc32(record.body), 12);
      writeAll(this.#fd!, header);
      writeAll(this.#fd!, record.body);
      segment.records.push({ offset: segment.bytes, length: record.body.length, samples: record.samples });
      segment.bytes += HEADER + record.body.length;
      this.#samples += record.samples;
      this.#bytes += HEADER + record.body.length;
    }
    this.#enforceCap();
  }

  /** The oldest unsent records, up to about `maxBytes` of bodies (at least one), without taking them. */
  peek(maxBytes: number): BufferedRecord[] {
    const out: BufferedRecord[] = [];
    let total = 0;
    let start = this.#first;
    for (const segment of this.#segments) {
      const wanted: RecordIndex[] = [];
      for (let i = start; i < segment.records.length; i++) {
        const record = segment.records[i]!;
        if (out.length + wanted.length > 0 && total + record.length > maxBytes) break;
        wanted.push(record);
        total += record.length;
      }
      if (wanted.length > 0) out.push(...readRecords(segment.path, wanted));
      if (total >= maxBytes || wanted.length < segment.records.length - start) break;
      start = 0;
    }
    return out;
  }

  /** The oldest `count` records were sent: forgotten, for good (the cursor moves on disk). */
  consume(count: number): void {
    let left = count;
    while (left > 0 && this.#segments.length > 0) {
      const segment = this.#segments[0]!;
      const take = Math.min(left, segment.records.length - this.#first);
      for (let i = this.#first; i < this.#first + take; i++) {
        const record = segment.records[i]!;
        this.#samples -= record.samples;
        this.#bytes -= HEADER + record.length;
      }
      this.#first += take;
      left -= take;
      if (this.#first >= segment.records.length) {
        if (this.#segments.length === 1) this.#closeFd();
        this.#segments.shift();
        this.#first = 0;
        removeFile(segment.path);
      }
    }
    this.#writeCursor();
  }

  /** Writes what is held to the disk for good (SIGTERM). */
  close(): void {
    if (this.#fd !== null) fsyncSync(this.#fd);
    this.#closeFd();
  }

  #startSegment(): Segment {
    this.#closeFd();
    const seq = this.#nextSeq++;
    const segment: Segment = { seq, path: join(this.#dir, segmentName(seq)), records: [], bytes: 0 };
    this.#fd = openSync(segment.path, 'a', 0o600);
    this.#segments.push(segment);
    return segment;
  }

  #closeFd(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #enforceCap(): void {
    while (this.#bytes > this.#cap && this.#segments.length > 1) {
      const segment = this.#segments.shift()!;
      let samples = 0;
      let bytes = 0;
      for (let i = this.#first; i < segment.records.length; i++) {
        samples += segment.records[i]!.samples;
        bytes += HEADER + segment.records[i]!.length;
      }
      this.#first = 0;
      this.#samples -= samples;
      this.#bytes -= bytes;
      this.#dropped += samples;
      removeFile(segment.path);
      this.#log(
        `victoria-metrics: the outage buffer is full (${this.#cap} bytes): dropped its oldest ${samples} samples`,
      );
      this.#writeCursor();
    }
  }

  #cursorPath(): string {
    return join(this.#dir, 'cursor');
  }

  #cursorOnDisk(): { seq: number; record: number } | null {
    try {
      const match = /^(\d+) (\d+)\n?$/.exec(readFileSync(this.#cursorPath(), 'utf8'));
      return match ? { seq: Number(match[1]), record: Number(match[2]) } : null;
    } catch {
      return null;
    }
  }

  #writeCursor(): void {
    // With nothing held: everything before the next segment was sent.
    const first = this.#segments[0];
    const text = first ? `${first.seq} ${this.#first}\n` : `${this.#nextSeq} 0\n`;
    const temp = `${this.#cursorPath()}.tmp`;
    writeFileSync(temp, text, { mode: 0o600 });
    renameSync(temp, this.#cursorPath());
  }

  #recover(): void {
    const cursor = this.#cursorOnDisk();
    const names = readdirSync(this.#dir)
      .map((name) => SEGMENT_NAME.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ seq: Number(m[1]), path: join(this.#dir, m[0]) }))
      .sort((a, b) => a.seq - b.seq);
    this.#nextSeq = Math.max(cursor?.seq ?? 0, names.at(-1)?.seq ?? 0) + 1;
    for (const { seq, path } of names) {
      if (cursor && seq < cursor.seq) {
        removeFile(path); // sent before the last process stopped
        continue;
      }
      const records = scanSegment(path, this.#log);
      const segment: Segment = { seq, path, records, bytes: 0 };
      segment.bytes = records.reduce((sum, r) => sum + HEADER + r.length, 0);
      const skip = cursor && seq === cursor.seq ? Math.min(cursor.record, records.length) : 0;
      if (records.length - skip === 0) {
        removeFile(path);
        continue;
      }
      if (this.#segments.length === 0) this.#first = skip;
      for (let i = skip; i < records.length; i++) {
        this.#samples += records[i]!.samples;
        this.#bytes += HEADER + records[i]!.length;
      }
      this.#segments.push(segment);
    }
    if (this.#segments.length > 0 && this.#samples > 0)
      this.#log(`victoria-metrics: ${this.#samples} samples from before are waiting to be sent`);
    // New records go to a new segment: an old one is never appended to (it may end in a cut record).
    this.#writeCursor();
  }
}

function segmentName(seq: number): string {
  return `${String(seq).padStart(12, '0')}.seg`;
}

/** The records of a segment file; a torn or corrupt tail is cut off (and said). */
function scanSegment(path: string, log: (message: string) => void): RecordIndex[] {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const records: RecordIndex[] = [];
    const header = Buffer.alloc(HEADER);
    let offset = 0;
    while (offset + HEADER <= size) {
      readExactly(fd, header, offset);
      const length = header.readUInt32BE(4);
      if (header.readUInt32BE(0) !== MAGIC || offset + HEADER + length > size) break;
      const body = Buffer.alloc(length);
      readExactly(fd, body, offset + HEADER);
      if (crc32(body) !== header.readUInt32BE(12)) break;
      records.push({ offset, length, samples: header.readUInt32BE(8) });
      offset += HEADER + length;
    }
    if (offset < size) {
      log(`victoria-metrics: ${path} ends in a cut record (${size - offset} bytes): dropped`);
      ftruncateSync(fd, offset);
    }
    return records;
  } finally {
    closeSync(fd);
  }
}

function readRecords(path: string, wanted: readonly RecordIndex[]): BufferedRecord[] {
  const fd = openSync(path, 'r');
  try {
    return wanted.map((record) => {
      const body = Buffer.alloc(record.length);
      readExactly(fd, body, record.offset + HEADER);
      return { body, samples: record.samples };
    });
  } finally {
    closeSync(fd);
  }
}

function readExactly(fd: number, buffer: Buffer, position: number): void {
  let done = 0;
  while (done < buffer.length) {
    const n = readSync(fd, buffer, done, buffer.length - done, position + done);
    if (n === 0) throw new Error('unexpected end of a buffer segment');
    done += n;
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done);
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
