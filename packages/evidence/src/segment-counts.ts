/**
 * Per-segment counts of an arm's labelled evaluations (a segment being a region, a season, a
 * device class: whatever the prediction names), for guards that judge a rollout within each
 * segment too.
 *
 * Bounded: a bucket keeps at most {@link MAX_SEGMENTS} named segments, and the evaluations of
 * any further segment count under {@link OTHER_SEGMENT}, so a high-cardinality segment feature
 * (a user id by mistake) cannot blow up the evidence records. Which segments are named depends
 * on the order they first appear in, per bucket; readers that merge buckets keep every name they
 * meet (sums by name do not depend on the order records are read in).
 */
import { PredictionStatus, type ArmEvidence, type Evaluation } from '@kanary/contracts';
import {
  addEvaluationMeans,
  addMeans,
  meansFromRecord,
  meansRecord,
  type Moments,
} from './mean-moments.js';

/** Named segments one bucket (or one variant's metrics) keeps at most. */
export const MAX_SEGMENTS = 64;

/** Where the evaluations of segments beyond {@link MAX_SEGMENTS} are counted. */
export const OTHER_SEGMENT = '(other)';

/** One segment's counts; mutable, folded in place. */
export interface SegmentCounts {
  labelled: number;
  correct: number;
  /** ERROR or TIMEOUT among labelled. */
  errors: number;
  /** Mean-based metrics of the segment, absError included. */
  readonly means: Map<string, Moments>;
}

type SegmentEvidence = ArmEvidence['segments'][number];

/** What a segment's counts are folded from. */
export type SegmentInputs = Pick<
  Evaluation,
  'segment' | 'correct' | 'status' | 'absError' | 'logLoss' | 'brier' | 'outcomes'
>;

const emptySegment = (): SegmentCounts => ({
  labelled: 0,
  correct: 0,
  errors: 0,
  means: new Map(),
});

/**
 * The entry of `segment` in `table`, created with `create` while the table names fewer than
 * {@link MAX_SEGMENTS} segments; past that, the entry of {@link OTHER_SEGMENT}.
 */
export function boundedSegment<T>(table: Map<string, T>, segment: string, create: () => T): T {
  const found = table.get(segment);
  if (found !== undefined) return found;
  const named = table.size - (table.has(OTHER_SEGMENT) ? 1 : 0);
  const name = named < MAX_SEGMENTS ? segment : OTHER_SEGMENT;
  let entry = table.get(name);
  if (entry === undefined) {
    entry = create();
    table.set(name, entry);
  }
  return entry;
}

/** Counts a labelled evaluation in its segment; one without a segment is not counted. */
export function addSegmentEvaluation(segments: Map<string, SegmentCounts>, e: SegmentInputs): void {
  if (e.segment === null || e.segment === '') return;
  const counts = boundedSegment(segments, e.segment, emptySegment);
  counts.labelled += 1;
  if (e.correct) counts.correct += 1;
  if (e.status !== PredictionStatus.OK) counts.errors += 1;
  addEvaluationMeans(counts.means, e, true);
}

/** Adds every segment of `from` into `into`, by name (a reader's merge: not bounded). */
export function addSegments(
  into: Map<string, SegmentCounts>,
  from: ReadonlyMap<string, SegmentCounts>,
): void {
  for (const [name, counts] of from) {
    let target = into.get(name);
    if (target === undefined) {
      target = emptySegment();
      into.set(name, target);
    }
    target.labelled += counts.labelled;
    target.correct += counts.correct;
    target.errors += counts.errors;
    addMeans(target.means, counts.means);
  }
}

/** The wire form, sorted by segment name (the same state, the same record). */
export function segmentsRecord(segments: ReadonlyMap<string, SegmentCounts>): SegmentEvidence[] {
  return [...segments.keys()].sort().map((segment) => {
    const { labelled, correct, errors, means } = segments.get(segment) as SegmentCounts;
    return { segment, labelled, correct, errors, means: meansRecord(means) };
  });
}

/** The segments of a wire form (a record of an older writer has none). */
export function segmentsFromRecord(
  records: readonly SegmentEvidence[] = [],
): Map<string, SegmentCounts> {
  const segments = new Map<string, SegmentCounts>();
  for (const { segment, labelled, correct, errors, means } of records) {
    segments.set(segment, { labelled, correct, errors, means: meansFromRecord(means) });
  }
  return segments;
}
