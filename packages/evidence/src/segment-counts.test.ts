import { describe, expect, it } from 'vitest';
import {
  MAX_SEGMENTS,
  OTHER_SEGMENT,
  addSegmentEvaluation,
  addSegments,
  boundedSegment,
  segmentsFromRecord,
  segmentsRecord,
  type SegmentCounts,
  type SegmentInputs,
} from './segment-counts.js';

const inputs = (overrides: Partial<SegmentInputs> = {}): SegmentInputs => ({
  segment: 'eu',
  correct: true,
  status: 'OK',
  absError: null,
  logLoss: null,
  brier: null,
  outcomes: null,
  ...overrides,
});

describe('segment counts', () => {
  it('counts labelled, correct and failed evaluations per segment, with their means', () => {
    const segments = new Map<string, SegmentCounts>();
    addSegmentEvaluation(segments, inputs({ absError: 2, outcomes: { revenue: 5 } }));
    addSegmentEvaluation(segments, inputs({ correct: false, status: 'TIMEOUT', logLoss: 0.5 }));
    addSegmentEvaluation(segments, inputs({ segment: 'us', correct: false }));
    addSegmentEvaluation(segments, inputs({ segment: null }));
    expect([...segments.keys()]).toEqual(['eu', 'us']);
    expect(segments.get('eu')).toMatchObject({ labelled: 2, correct: 1, errors: 1 });
    expect(Object.fromEntries(segments.get('eu')?.means ?? [])).toEqual({
      absError: { n: 1, sum: 2, squares: 4 },
      squaredError: { n: 1, sum: 4, squares: 16 },
      logLoss: { n: 1, sum: 0.5, squares: 0.25 },
      'outcome:revenue': { n: 1, sum: 5, squares: 25 },
    });
    expect(segments.get('us')).toMatchObject({ labelled: 1, correct: 0, errors: 0 });
  });

  it(`names ${MAX_SEGMENTS} segments at most and counts the rest under ${OTHER_SEGMENT}`, () => {
    const segments = new Map<string, SegmentCounts>();
    for (let i = 0; i < MAX_SEGMENTS + 10; i += 1) {
      addSegmentEvaluation(segments, inputs({ segment: `s${i}` }));
    }
    // A segment named before the bound was reached keeps its own counts.
    addSegmentEvaluation(segments, inputs({ segment: 's0', correct: false }));
    expect(segments.size).toBe(MAX_SEGMENTS + 1);
    expect(segments.has(`s${MAX_SEGMENTS - 1}`)).toBe(true);
    expect(segments.has(`s${MAX_SEGMENTS}`)).toBe(false);
    expect(segments.get(OTHER_SEGMENT)).toMatchObject({ labelled: 10, correct: 10 });
    expect(segments.get('s0')).toMatchObject({ labelled: 2, correct: 1 });
  });

  it('bounds any table the same way', () => {
    const table = new Map<string, { n: number }>();
    for (let i = 0; i < MAX_SEGMENTS + 3; i += 1)
      boundedSegment(table, `s${i}`, () => ({ n: 0 })).n += 1;
    expect(table.size).toBe(MAX_SEGMENTS + 1);
    expect(table.get(OTHER_SEGMENT)).toEqual({ n: 3 });
  });

  it('merges by name without a bound, and leaves the source as it was', () => {
    const a = new Map<string, SegmentCounts>();
    const b = new Map<string, SegmentCounts>();
    addSegmentEvaluation(a, inputs({ brier: 0.5 }));
    addSegmentEvaluation(b, inputs({ brier: 0.25, correct: false }));
    addSegmentEvaluation(b, inputs({ segment: 'us' }));
    addSegments(a, b);
    expect(a.get('eu')).toMatchObject({ labelled: 2, correct: 1 });
    expect(a.get('eu')?.means.get('brier')).toEqual({ n: 2, sum: 0.75, squares: 0.3125 });
    expect(a.get('us')).toMatchObject({ labelled: 1 });
    expect(b.get('eu')?.means.get('brier')).toEqual({ n: 1, sum: 0.25, squares: 0.0625 });
  });

  it('writes its record sorted by segment and metric, and reads it back', () => {
    const segments = new Map<string, SegmentCounts>();
    addSegmentEvaluation(segments, inputs({ segment: 'us', logLoss: 1, brier: 0.5 }));
    addSegmentEvaluation(segments, inputs({ segment: 'eu' }));
    const record = segmentsRecord(segments);
    expect(record).toEqual([
      { segment: 'eu', labelled: 1, correct: 1, errors: 0, means: [] },
      {
        segment: 'us',
        labelled: 1,
        correct: 1,
        errors: 0,
        means: [
          { metric: 'brier', n: 1, sum: 0.5, squares: 0.25 },
          { metric: 'logLoss', n: 1, sum: 1, squares: 1 },
        ],
      },
    ]);
    expect(segmentsRecord(segmentsFromRecord(record))).toEqual(record);
    expect(segmentsFromRecord(undefined)).toEqual(new Map());
  });
});
