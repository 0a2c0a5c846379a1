import { describe, expect, it } from 'vitest';
import type { FrameDecoderOptions, RawFrame } from './frame-decoder.ts';
import { FrameDecoder, MAX_MARKER_LINE_BYTES } from './frame-decoder.ts';
import { makeDumpText, makeFrameText, makeRandom } from './fixtures.ts';

interface Decoded {
  frames: RawFrame[];
  drops: string[];
  fatals: [string, string][];
}

/** Feeds `chunks` to a fresh decoder and closes the stream. */
function decode(chunks: (string | Buffer)[], options: FrameDecoderOptions = {}): Decoded {
  const drops: string[] = [];
  const fatals: [string, string][] = [];
  const decoder = new FrameDecoder({
    ...options,
    onDrop: (reason) => drops.push(reason),
    onFatal: (code, message) => fatals.push([code, message]),
  });
  const frames: RawFrame[] = [];
  for (const chunk of chunks) frames.push(...decoder.push(chunk));
  frames.push(...decoder.end());
  return { frames, drops, fatals };
}

/** A comparable view of frames: section args, bytes and lines. */
function summary(frames: RawFrame[]): unknown {
  return frames.map((frame) => ({
    seq: frame.seq,
    sections: Object.fromEntries(
      Object.entries(frame.sections).map(([name, section]) => [
        name,
        { args: section.args, text: section.bytes.toString('utf8'), lines: section.lines },
      ]),
    ),
  }));
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    pieces.push(bytes.subarray(start, cut));
    start = cut;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}

const FRAME_1 = makeFrameText({ seq: 1, dump: { interfaces: 2, peersPerInterface: 3, seed: 1 } });
const FRAME_2 = makeFrameText({ seq: 2, dump: { interfaces: 1, peersPerInterface: 2, seed: 2 } });

describe('FrameDecoder: frames', () => {
  it('decodes a frame into sections with their args and lines', () => {
    const { frames, drops, fatals } = decode([FRAME_1]);
    expect(drops).toEqual([]);
    expect(fatals).toEqual([]);
    expect(frames).toHaveLength(1);
    const frame = frames[0]!;
    expect(frame.seq).toBe(1);
    expect(Object.keys(frame.sections)).toEqual([
      'time',
      'wg',
      'netdev',
      'stat',
      'meminfo',
      'loadavg',
      'df',
      'ping',
    ]);
    expect(frame.sections.time?.args).toEqual(['1750000000', '123456.78']);
    expect(frame.sections.time?.lines).toEqual([]);
    expect(frame.sections.wg?.args).toEqual(['0']);
    expect(frame.sections.wg?.bytes.toString()).toBe(
      makeDumpText({ interfaces: 2, peersPerInterface: 3, seed: 1 }),
    );
    expect(frame.sections.wg?.lines).toHaveLength(2 + 6);
    expect(frame.sections.df?.lines).toEqual(['264212084 24080708']);
  });

  it('decodes several frames from one chunk', () => {
    const { frames, drops } = decode([FRAME_1 + FRAME_2]);
    expect(drops).toEqual([]);
    expect(frames.map((frame) => frame.seq)).toEqual([1, 2]);
  });

  it('gives the same result fed one byte at a time', () => {
    // A non-ASCII interface name puts multi-byte characters at many chunk boundaries.
    const text = (FRAME_1 + FRAME_2).replaceAll('wg0\t', 'wg-ü\t');
    const whole = decode([text]);
    const bytes = Buffer.from(text);
    const oneByOne = decode(Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1)));
    expect(oneByOne.drops).toEqual([]);
    expect(summary(oneByOne.frames)).toEqual(summary(whole.frames));
    expect(oneByOne.frames[0]?.sections.wg?.lines[0]).toMatch(/^wg-ü\t/);
  });

  it('gives the same result for random splits', () => {
    const text = `banner\n${FRAME_1}${FRAME_2}`.replaceAll('wg0\t', 'wg-ü\t');
    const bytes = Buffer.from(text);
    const whole = decode([bytes]);
    const random = makeRandom(42);
    for (let run = 0; run < 200; run++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 20) }, () =>
        Math.floor(random() * bytes.length),
      );
      const split = decode(splitAt(bytes, cuts));
      expect(summary(split.frames), `cuts ${cuts.join(',')}`).toEqual(summary(whole.frames));
      expect(split.drops).toHaveLength(whole.drops.length);
    }
  });

  it('splits every marker across chunks', () => {
    const bytes = Buffer.from(FRAME_1);
    const whole = decode([bytes]);
    for (let offset = 1; offset < '@wgdeck end 1\n'.length; offset++) {
      const cuts: number[] = [];
      for (let at = bytes.indexOf('@wgdeck'); at >= 0; at = bytes.indexOf('@wgdeck', at + 1))
        cuts.push(at + offset);
      expect(summary(decode(splitAt(bytes, cuts)).frames)).toEqual(summary(whole.frames));
    }
  });

  it('accepts strings and buffers mixed', () => {
    const half = Math.floor(FRAME_1.length / 2);
    const { frames } = decode([FRAME_1.slice(0, half), Buffer.from(FRAME_1.slice(half))]);
    expect(summary(frames)).toEqual(summary(decode([FRAME_1]).frames));
  });

  it('reads CRLF line endings', () => {
    const { frames, drops } = decode([FRAME_1.replaceAll('\n', '\r\n')]);
    expect(drops).toEqual([]);
    expect(frames[0]?.seq).toBe(1);
    expect(frames[0]?.sections.wg?.args).toEqual(['0']);
    expect(frames[0]?.sections.df?.lines).toEqual(['264212084 24080708']);
  });

  it('keeps the last line when the stream ends without a newline', () => {
    const { frames, drops } = decode([FRAME_1.replace(/\n$/, '')]);
    expect(drops).toEqual([]);
    expect(frames.map((frame) => frame.seq)).toEqual([1]);
  });
});

describe('FrameDecoder: output outside frames', () => {
  it('skips garbage before the first frame and reports it once', () => {
    const { frames, drops } = decode([
      'Welcome to Ubuntu\nstdin: is not a tty\n',
      'Last login: today\n',
      FRAME_1,
    ]);
    expect(frames.map((frame) => frame.seq)).toEqual([1]);
    expect(drops).toEqual(['skipping output outside frames, starting with "Welcome to Ubuntu"']);
  });

  it('reports each run of garbage once', () => {
    const { frames, drops } = decode([`junk 1\njunk 2\n${FRAME_1}junk 3\n${FRAME_2}`]);
    expect(frames.map((frame) => frame.seq)).toEqual([1, 2]);
    expect(drops).toHaveLength(2);
    expect(drops[1]).toContain('junk 3');
  });

  it('treats stray markers outside frames as garbage', () => {
    const { frames, drops } = decode([`@wgdeck end 7\n@wgdeck netdev\n@wgdeck frame x\n${FRAME_1}`]);
    expect(frames.map((frame) => frame.seq)).toEqual([1]);
    expect(drops).toEqual(['skipping output outside frames, starting with "@wgdeck end 7"']);
  });

  it('skips megabytes of garbage without newlines, then decodes the next frame', () => {
    const garbage = Buffer.alloc(64 * 1024, 'x');
    const { frames, drops } = decode([...Array.from({ length: 80 }, () => garbage), `\n${FRAME_1}`]);
    expect(frames.map((frame) => frame.seq)).toEqual([1]);
    expect(drops).toHaveLength(1);
  });

  it('reports a fatal line', () => {
    const { frames, drops, fatals } = decode([
      "@wgdeck fatal no-wg the 'wg' command (wireguard-tools) is not installed on this server\n",
    ]);
    expect(frames).toEqual([]);
    expect(drops).toEqual([]);
    expect(fatals).toEqual([['no-wg', "the 'wg' command (wireguard-tools) is not installed on this server"]]);
  });
});

describe('FrameDecoder: dropped frames', () => {
  it('cleans a hostile fatal line before anyone quotes it', () => {
    const { fatals } = decode(['@wgdeck fatal no\u001b[2J-wg \u001b]0;owned\u0007 bad \u202eday\u009b\r\n']);
    expect(fatals).toEqual([['no[2J-wg', ']0;owned bad day']]);
  });

  it('quotes hostile marker lines escaped in its drop reasons', () => {
    const { drops } = decode([`${FRAME_1.replace('@wgdeck netdev', '@wgdeck \u001b[2J\u202e')}`]);
    expect(drops).toEqual(['frame 1: unknown section "@wgdeck \\u001b[2J\\u202E"']);
  });

  it('drops a frame larger than maxFrameBytes and decodes the next one', () => {
    const big = makeFrameText({ seq: 1, dump: { interfaces: 1, peersPerInterface: 200, seed: 3 } });
    const { frames, drops } = decode([big, FRAME_2], { maxFrameBytes: 10_000 });
    expect(frames.map((frame) => frame.seq)).toEqual([2]);
    expect(drops).toEqual(['frame 1: larger than 10000 bytes']);
  });

  it('drops an oversized frame as soon as it gets there, even without newlines', () => {
    const drops: string[] = [];
    const decoder = new FrameDecoder({ maxFrameBytes: 100_000, onDrop: (reason) => drops.push(reason) });
    decoder.push('@wgdeck frame 1\n@wgdeck time 1 1\n@wgdeck wg 0\n');
    const chunk = Buffer.alloc(32 * 1024, 'y');
    for (let i = 0; i < 3; i++) decoder.push(chunk);
    expect(drops).toEqual([]);
    decoder.push(chunk);
    expect(drops).toEqual(['frame 1: larger than 100000 bytes']);
    for (let i = 0; i < 100; i++) decoder.push(chunk);
    expect(decoder.push(`\n${FRAME_2}`).map((frame) => frame.seq)).toEqual([2]);
    expect(drops).toHaveLength(1);
  });

  it('drops a frame whose end marker has another seq', () => {
    const { frames, drops } = decode([FRAME_1.replace('@wgdeck end 1', '@wgdeck end 9'), FRAME_2]);
    expect(frames.map((frame) => frame.seq)).toEqual([2]);
    expect(drops).toEqual(['frame 1: end marker "@wgdeck end 9" does not match']);
  });

  it('drops a frame with a marker no collector could print, without calling the rest garbage', () => {
    const { frames, drops } = decode([FRAME_1.replace('@wgdeck stat', '@wgdeck Stat!'), FRAME_2]);
    expect(frames.map((frame) => frame.seq)).toEqual([2]);
    expect(drops).toEqual(['frame 1: unknown section "@wgdeck Stat!"']);
  });

  it('drops a frame with a section twice', () => {
    const { frames, drops } = decode([FRAME_1.replace('@wgdeck df', '@wgdeck netdev'), FRAME_2]);
    expect(frames.map((frame) => frame.seq)).toEqual([2]);
    expect(drops).toEqual(['frame 1: section netdev appears twice']);
  });

  it('drops a frame started before the previous one ended', () => {
    const cut = FRAME_1.indexOf('@wgdeck netdev');
    const { frames, drops } = decode([FRAME_1.slice(0, cut), FRAME_2]);
    expect(frames.map((frame) => frame.seq)).toEqual([2]);
    expect(drops).toEqual(['frame 1: frame 2 started before its end marker']);
  });

  it('drops a frame with output before its first section', () => {
    const { frames, drops } = decode([
      FRAME_1.replace('@wgdeck frame 1\n', '@wgdeck frame 1\nhello\n'),
      FRAME_2,
    ]);
    expect(frames.map((frame) => frame.seq)).toEqual([2]);
    expect(drops).toEqual(['frame 1: output before its first section']);
  });

  it('drops a frame with a malformed frame marker inside', () => {
    const cut = FRAME_1.indexOf('@wgdeck netdev');
    const { frames, drops } = decode([`${FRAME_1.slice(0, cut)}@wgdeck frame two\n`, FRAME_2]);
    expect(frames.map((frame) => frame.seq)).toEqual([2]);
    expect(drops).toEqual(['frame 1: malformed marker "@wgdeck frame two"']);
  });

  it('drops a frame with a marker line too long to be one', () => {
    const long = `@wgdeck ${'z'.repeat(MAX_MARKER_LINE_BYTES)}\n`;
    const cut = FRAME_1.indexOf('@wgdeck netdev');
    const { frames, drops } = decode([FRAME_1.slice(0, cut) + long + FRAME_1.slice(cut), FRAME_2]);
    expect(frames.map((frame) => frame.seq)).toEqual([2]);
    expect(drops).toEqual([`frame 1: marker line longer than ${MAX_MARKER_LINE_BYTES} bytes`]);
  });

  it('drops a frame interrupted by a fatal line, and reports the fatal', () => {
    const cut = FRAME_1.indexOf('@wgdeck netdev');
    const { frames, drops, fatals } = decode([`${FRAME_1.slice(0, cut)}@wgdeck fatal boom it broke\n`]);
    expect(frames).toEqual([]);
    expect(drops).toEqual(['frame 1: interrupted by a fatal line']);
    expect(fatals).toEqual([['boom', 'it broke']]);
  });

  it('drops a frame cut short by the end of the stream', () => {
    const { frames, drops } = decode([FRAME_1.slice(0, FRAME_1.indexOf('@wgdeck end'))]);
    expect(frames).toEqual([]);
    expect(drops).toEqual(['frame 1: stream ended before its end marker']);
  });
});

describe('FrameDecoder: sections it does not know (a newer collector)', () => {
  const NEWER = FRAME_1.replace(
    '@wgdeck df',
    '@wgdeck pings 2\n198.18.0.1 ok 1.5\n198.18.0.2 lost\n@wgdeck df',
  );

  it('skips them unread and keeps the frame, with every known section as it was', () => {
    const { frames, drops } = decode([NEWER, FRAME_2]);
    expect(drops).toEqual([]);
    expect(frames.map((frame) => frame.seq)).toEqual([1, 2]);
    expect(Object.keys(frames[0]!.sections)).toEqual([
      'time',
      'wg',
      'netdev',
      'stat',
      'meminfo',
      'loadavg',
      'df',
      'ping',
    ]);
    expect(summary(frames.slice(0, 1))).toEqual(summary(decode([FRAME_1]).frames));
  });

  it('keeps a section it is told of', () => {
    const names = ['time', 'wg', 'netdev', 'stat', 'meminfo', 'loadavg', 'df', 'pings'];
    const { frames, drops } = decode([NEWER], { sections: names });
    expect(drops).toEqual([]);
    expect(frames[0]!.sections['pings']?.args).toEqual(['2']);
    expect(frames[0]!.sections['pings']?.lines).toEqual(['198.18.0.1 ok 1.5', '198.18.0.2 lost']);
  });

  it('counts what it skips against the frame limit, and holds none of it', () => {
    const drops: string[] = [];
    const decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024, onDrop: (reason) => drops.push(reason) });
    decoder.push('@wgdeck frame 1\n@wgdeck time 1700000000 100\n@wgdeck future\n');
    const line = Buffer.from(`${'y'.repeat(99)}\n`);
    for (let i = 0; i < 700; i++) {
      decoder.push(line);
      expect(decoder.held.bytes).toBeLessThan(1024);
    }
    expect(drops).toEqual(['frame 1: larger than 65536 bytes']);
    expect(decoder.push(`${FRAME_2}`).map((frame) => frame.seq)).toEqual([2]);
  });
});

describe('FrameDecoder: memory under hostile chunking', () => {
  // A server sent 3 MB as 1-byte SSH packets: a view per chunk kept ~3 million Buffer objects alive
  // while only 3 MB counted against the limit. What is held must not depend on how the stream is cut.
  const SECTION_COUNT = 2; // time + wg

  it('holds a few buffers, not one per chunk, for a frame sent one byte at a time', () => {
    const decoder = new FrameDecoder();
    decoder.push('@wgdeck frame 1\n@wgdeck time 1700000000 100\n@wgdeck wg 1\n');
    const line = Buffer.from('! sudo: no\n');
    const content = 1024 * 1024;
    for (let sent = 0; sent < content; sent += line.length) {
      for (let i = 0; i < line.length; i++) decoder.push(line.subarray(i, i + 1));
    }
    const held = decoder.held;
    expect(held.buffers).toBeLessThanOrEqual(SECTION_COUNT + 1);
    expect(held.bytes).toBeLessThanOrEqual(2 * content + 64 * 1024);
    const frames = decoder.push('@wgdeck end 1\n');
    expect(frames).toHaveLength(1);
    expect(frames[0]!.sections.wg!.bytes.length).toBeGreaterThanOrEqual(content);
    expect(decoder.held).toEqual({ buffers: 0, bytes: 0 });
  });

  it('still drops a frame over the limit when it arrives one byte at a time, and lets go of it', () => {
    const drops: string[] = [];
    const decoder = new FrameDecoder({ maxFrameBytes: 64 * 1024, onDrop: (reason) => drops.push(reason) });
    decoder.push('@wgdeck frame 1\n@wgdeck time 1700000000 100\n@wgdeck wg 1\n');
    const byte = Buffer.from('x');
    let peak = 0;
    for (let i = 0; i < 100 * 1024; i++) {
      decoder.push(byte);
      peak = Math.max(peak, decoder.held.bytes);
    }
    expect(drops).toEqual(['frame 1: larger than 65536 bytes']);
    expect(peak).toBeLessThanOrEqual(64 * 1024);
    expect(decoder.held).toEqual({ buffers: 0, bytes: 0 });
    expect(decoder.push(`\n${FRAME_2}`).map((frame) => frame.seq)).toEqual([2]);
  });
});
