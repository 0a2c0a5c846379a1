import { describe, expect, it } from 'vitest';
import { bucketsToFill, gapsAfterFill, locallyComplete, pick, sourceSpans } from './source-merge.ts';

// Five buckets of 10 ms from t = 100; local has 0, 1 and 4; VM has 1, 2 and 3.
const frame = { t: [100, 110, 120, 130, 140], step: 10 };
const localRx = [1, 2, null, null, 5];
const localTx = [1, null, null, null, null];
const vmRx = [null, 20, 30, null, 50];
const vmTx = [null, null, null, 40, null];

describe('the merge rule', () => {
  it('fills only buckets where no local series has a value and VM has one', () => {
    const fill = bucketsToFill(5, [localRx, localTx], [vmRx, vmTx]);
    expect(fill).toEqual([false, false, true, true, false]);
    // Whole buckets: bucket 3's RX comes from VM too (null there), never half local, half VM.
    expect(pick(localRx, vmRx, fill)).toEqual([1, 2, 30, null, 5]);
    expect(pick(localTx, vmTx, fill)).toEqual([1, null, null, 40, null]);
    expect(locallyComplete(5, [localRx])).toBe(false);
    expect(locallyComplete(2, [localRx])).toBe(true);
  });

  it('says which span came from where, clipped to the range; empty buckets end a span', () => {
    const fill = bucketsToFill(5, [localRx, localTx], [vmRx, vmTx]);
    expect(sourceSpans(frame, [localRx, localTx], fill, 105, 150)).toEqual([
      { from: 105, to: 120, source: 'local' },
      { from: 120, to: 140, source: 'victoria-metrics' },
      { from: 140, to: 150, source: 'local' },
    ]);
    expect(sourceSpans(frame, [[1, null, 3, 4, null]], null, 100, 150)).toEqual([
      { from: 100, to: 110, source: 'local' },
      { from: 120, to: 140, source: 'local' },
    ]);
  });

  it('drops the filled buckets from the gaps and keeps the rest', () => {
    const spans = [{ from: 120, to: 140, source: 'victoria-metrics' as const }];
    expect(
      gapsAfterFill(
        [
          [115, 145],
          [101, 103],
        ],
        spans,
        100,
        150,
      ),
    ).toEqual([
      [101, 103],
      [115, 120],
      [140, 145],
    ]);
    expect(gapsAfterFill([[121, 139]], spans, 100, 150)).toEqual([]);
  });
});
