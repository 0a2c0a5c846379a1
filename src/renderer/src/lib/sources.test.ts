import { describe, expect, it } from 'vitest';
import { remoteSpans, sourceAt, sourceNote } from './sources.ts';

const sources = [
  { from: 0, to: 100, source: 'local' as const },
  { from: 100, to: 200, source: 'victoria-metrics' as const },
  { from: 250, to: 300, source: 'local' as const },
];

describe('chart sources', () => {
  it('finds the source of a bucket, none between spans', () => {
    expect(sourceAt(sources, 0)).toBe('local');
    expect(sourceAt(sources, 100)).toBe('victoria-metrics');
    expect(sourceAt(sources, 199)).toBe('victoria-metrics');
    expect(sourceAt(sources, 220)).toBeNull();
    expect(sourceAt(sources, 299)).toBe('local');
    expect(sourceAt(undefined, 5)).toBeNull();
    expect(remoteSpans(sources)).toEqual([sources[1]]);
  });

  it('notes what VM filled, or why it could not be read; nothing when VM reads are off', () => {
    expect(sourceNote({ sources })).toBeNull();
    expect(sourceNote({ sources, victoriaMetrics: { error: null } })).toEqual({
      kind: 'filled',
      text: 'Tinted: from VictoriaMetrics, where this laptop recorded nothing (1 span).',
    });
    expect(sourceNote({ sources: [sources[0]!], victoriaMetrics: { error: null } })).toBeNull();
    expect(sourceNote({ sources, victoriaMetrics: { error: 'no answer in 5 s' } })).toEqual({
      kind: 'error',
      text: 'VictoriaMetrics could not be read (no answer in 5 s): showing this laptop’s data only.',
    });
  });
});
