import { describe, expect, it } from 'vitest';
import type { RawFrame } from './frame-decoder.ts';
import { FrameDecoder, RawSection } from './frame-decoder.ts';
import type { FrameOptions } from './fixtures.ts';
import { makeFrameText } from './fixtures.ts';
import { hasUnsafeText } from '../../../shared/safe-text.ts';
import { parseFrame } from './parse-frame.ts';

/** The one frame in `text`, through the real decoder. */
function frameOf(text: string): RawFrame {
  const drops: string[] = [];
  const decoder = new FrameDecoder({ onDrop: (reason) => drops.push(reason) });
  const frames = [...decoder.push(text), ...decoder.end()];
  expect(drops).toEqual([]);
  expect(frames).toHaveLength(1);
  return frames[0]!;
}

function parse(options: FrameOptions) {
  return parseFrame(frameOf(makeFrameText(options)));
}

/** The canned frame with one marker line changed (null drops the section, or the marker line). */
function withMarker(marker: string, replacement: string | null): RawFrame {
  const frame = frameOf(makeFrameText({ seq: 5, dump: { interfaces: 1, peersPerInterface: 2, seed: 1 } }));
  const [name, ...args] = (replacement ?? marker).split(' ');
  const sections = { ...frame.sections };
  const old = sections[marker.split(' ')[0] as keyof typeof sections];
  delete sections[marker.split(' ')[0] as keyof typeof sections];
  if (replacement !== null && old !== undefined) {
    sections[name as keyof typeof sections] = new RawSection(args, old.bytes);
  }
  return { seq: frame.seq, sections };
}

describe('parseFrame', () => {
  it('builds a snapshot from every section', () => {
    const result = parse({
      seq: 7,
      serverTime: 1_750_000_123,
      uptime: 4242.5,
      dump: { interfaces: 2, peersPerInterface: 3, seed: 9 },
    });
    if (!result.ok) throw new Error(result.error);
    expect(result.warnings).toEqual([]);
    const { snapshot } = result;
    expect(snapshot).toMatchObject({ seq: 7, serverTime: 1_750_000_123, monotonic: 4242.5, wgError: null });
    expect(snapshot.interfaces.map((dump) => [dump.name, dump.peers.length])).toEqual([
      ['wg0', 3],
      ['wg1', 3],
    ]);
    expect(Object.keys(snapshot.netdev)).toEqual(['lo', 'eth0', 'wg0']);
    expect(snapshot.system.uptimeSeconds).toBe(4242.5);
    expect(snapshot.system.cpuCount).toBe(2);
    expect(snapshot.system.memTotalBytes).toBe(24682416 * 1024);
  });

  it('reads an empty dump as zero interfaces', () => {
    const result = parse({});
    expect(result).toMatchObject({ ok: true, snapshot: { interfaces: [], wgError: null } });
  });

  it('reports a failed wg (rc != 0) with its error lines and no interfaces', () => {
    const result = parse({
      wgStatus: 1,
      dumpText: '! sudo: a password is required\n! sudo: another line\n',
    });
    expect(result).toMatchObject({
      ok: true,
      warnings: [],
      snapshot: { interfaces: [], wgError: 'sudo: a password is required\nsudo: another line' },
    });
    if (result.ok) expect(Object.keys(result.snapshot.netdev)).toContain('eth0');
  });

  it('reports a failed wg without output by its exit code', () => {
    const result = parse({ wgStatus: 127 });
    expect(result).toMatchObject({
      ok: true,
      snapshot: { wgError: 'wg exited with status 127 and no message' },
    });
  });

  it('cleans a hostile wg error: no escape sequence, no bidi override, at most 1 KiB', () => {
    const hostile = '! \u001b]0;pwned\u0007\u001b[2J\u001b[31msudo: \u202edenied\u009b6n\r\n';
    const result = parse({ wgStatus: 1, dumpText: `${hostile}! ${'A'.repeat(20 * 1024 * 1024)}\n` });
    expect(result.ok).toBe(true);
    const error = result.ok ? result.snapshot.wgError! : '';
    expect(error.startsWith(']0;pwned[2J[31msudo: denied6n\n')).toBe(true);
    expect(hasUnsafeText(error.replaceAll('\n', ''))).toBe(false);
    expect(error.length).toBeLessThanOrEqual(1024);
  });

  it('drops the whole frame on one malformed dump line', () => {
    const result = parse({ seq: 3, dumpText: 'wg0\t(hidden)\tnot-a-key\t51820\toff\n' });
    expect(result).toEqual({
      ok: false,
      error: 'frame 3: wg dump line 1: public-key: not a WireGuard key (base64 of 32 bytes, 44 characters)',
    });
  });

  it.each([
    ['no time section', 'time 1 1', null, 'frame 5: time: section missing'],
    [
      'one time argument',
      'time 1 1',
      'time 1750000000',
      'frame 5: time: expected "<unix-seconds> <uptime-seconds>", got "1750000000"',
    ],
    [
      'an empty uptime',
      'time 1 1',
      'time 1750000000 ',
      'frame 5: time: uptime "" is not a non-negative decimal',
    ],
    [
      'a negative time',
      'time 1 1',
      'time -1 5.0',
      'frame 5: time: unix seconds "-1" is not an unsigned integer',
    ],
    [
      'a fractional time',
      'time 1 1',
      'time 17.5 5.0',
      'frame 5: time: unix seconds "17.5" is not an unsigned integer',
    ],
    [
      'a non-numeric uptime',
      'time 1 1',
      'time 1750000000 up',
      'frame 5: time: uptime "up" is not a non-negative decimal',
    ],
    ['no wg section', 'wg 0', null, 'frame 5: wg: section missing'],
    ['no wg exit code', 'wg 0', 'wg', 'frame 5: wg: expected "<exit-code>", got ""'],
    ['a non-numeric wg exit code', 'wg 0', 'wg x', 'frame 5: wg: expected "<exit-code>", got "x"'],
  ])('drops the frame with %s', (_name, marker, replacement, error) => {
    expect(parseFrame(withMarker(marker, replacement))).toEqual({ ok: false, error });
  });

  it.each([
    ['netdev', { netdevText: null }, 'frame 1: netdev: section missing'],
    ['stat', { statText: null }, 'frame 1: stat: section missing'],
    ['meminfo', { meminfoText: null }, 'frame 1: meminfo: section missing'],
    ['loadavg', { loadavgText: null }, 'frame 1: loadavg: section missing'],
    ['df', { dfText: null }, 'frame 1: df: section missing'],
    ['df output', { dfText: '' }, 'frame 1: df: no output'],
    [
      'a netdev line',
      { netdevText: 'eth0: 1 2 3\n' },
      'frame 1: netdev line 1: "eth0": expected 16 counters, got 3; line skipped',
    ],
  ] as [string, FrameOptions, string][])(
    'keeps the frame without %s, with a warning',
    (_name, options, warning) => {
      const result = parse(options);
      expect(result).toMatchObject({ ok: true, warnings: [warning] });
    },
  );
});
