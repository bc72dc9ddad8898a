/**
 * The evidence of one arm over one event-time bucket from one source partition: plain counts,
 * moments of mean-based metrics (mean-moments.ts), per-segment counts (segment-counts.ts) and a
 * latency sketch, all of which add across partitions and buckets. Mutable on purpose (one is updated per routed request and per evaluation); converted
 * to and from the wire record `ArmEvidence` only when written or read.
 */
import { PredictionStatus, type ArmEvidence, type Evaluation } from '@kanary/contracts';
import type { ArmId } from './evidence-key.js';
import type { LabelledPairInput } from './pair-inputs.js';
import { LatencySketch } from './latency-sketch.js';
import {
  addEvaluationMeans,
  addMeans,
  meansFromRecord,
  meansRecord,
  type MeanMoments,
  type Moments,
} from './mean-moments.js';
import {
  addSegmentEvaluation,
  addSegments,
  segmentsFromRecord,
  segmentsRecord,
  type SegmentCounts,
} from './segment-counts.js';

const { OK } = PredictionStatus;

export interface ArmCounts {
  routed: number;
  labelled: number;
  correct: number;
  errors: number;
  numeric: number;
  absErrorSum: number;
  absErrorSquares: number;
  lateLabels: number;
  units: number;
  outputPairs: number;
  outputDisagreements: number;
  labelledPairs: number;
  shadowOnlyCorrect: number;
  stableOnlyCorrect: number;
}

/** Field names of {@link ArmCounts}, in record order. */
const COUNT_FIELDS = [
  'routed',
  'labelled',
  'correct',
  'errors',
  'numeric',
  'absErrorSum',
  'absErrorSquares',
  'lateLabels',
  'units',
  'outputPairs',
  'outputDisagreements',
  'labelledPairs',
  'shadowOnlyCorrect',
  'stableOnlyCorrect',
] as const satisfies ReadonlyArray<keyof ArmCounts>;

export const emptyArmCounts = (): ArmCounts => ({
  routed: 0,
  labelled: 0,
  correct: 0,
  errors: 0,
  numeric: 0,
  absErrorSum: 0,
  absErrorSquares: 0,
  lateLabels: 0,
  units: 0,
  outputPairs: 0,
  outputDisagreements: 0,
  labelledPairs: 0,
  shadowOnlyCorrect: 0,
  stableOnlyCorrect: 0,
});

/** The counts of an evidence record. */
function countsOf(record: ArmEvidence): ArmCounts {
  const counts = emptyArmCounts();
  for (const field of COUNT_FIELDS) counts[field] = record[field];
  return counts;
}

/** Adds `from` into `into`, field by field. */
export function addArmCounts(into: ArmCounts, from: Readonly<ArmCounts>): void {
  for (const field of COUNT_FIELDS) into[field] += from[field];
}

/** What adds across buckets and source partitions, besides the latency sketch. */
export interface ArmSums {
  readonly counts: ArmCounts;
  /**
   * Moments of the mean-based metrics of the labelled evaluations, by metric, except absError
   * (in `counts`; read every metric alike with `momentsOf`).
   */
  readonly means: Map<string, Moments>;
  /** Per-segment counts of the labelled evaluations that carry a segment. */
  readonly segments: Map<string, SegmentCounts>;
}

export const emptyArmSums = (): ArmSums => ({
  counts: emptyArmCounts(),
  means: new Map(),
  segments: new Map(),
});

/** Adds `from` into `into`: counts field by field, moments by metric, segments by name. */
export function addArmSums(
  into: ArmSums,
  from: {
    readonly counts: Readonly<ArmCounts>;
    readonly means: ReadonlyMap<string, MeanMoments>;
    readonly segments: ReadonlyMap<string, SegmentCounts>;
  },
): void {
  addArmCounts(into.counts, from.counts);
  addMeans(into.means, from.means);
  addSegments(into.segments, from.segments);
}

export class ArmBucket implements ArmSums {
  readonly counts: ArmCounts;
  /** Latencies of the labelled evaluations (those within the maturity window). */
  readonly latency: LatencySketch;
  readonly means: Map<string, Moments>;
  readonly segments: Map<string, SegmentCounts>;

  constructor(
    readonly arm: ArmId,
    readonly bucketStart: number,
    readonly bucketMs: number,
    readonly maturityMs: number,
    relativeAccuracy: number,
    counts: ArmCounts = emptyArmCounts(),
    latency?: LatencySketch,
    means: Map<string, Moments> = new Map(),
    segments: Map<string, SegmentCounts> = new Map(),
  ) {
    this.counts = counts;
    this.latency = latency ?? new LatencySketch(relativeAccuracy);
    this.means = means;
    this.segments = segments;
  }

  /** Counts a routed request of this arm, and whether it is a new assignment unit. */
  addRouted(newUnit: boolean): void {
    this.counts.routed += 1;
    if (newUnit) this.counts.units += 1;
  }

  /** Counts a stable answer compared with this shadow arm's copy (label-free). */
  addOutputPair(agree: boolean): void {
    this.counts.outputPairs += 1;
    if (!agree) this.counts.outputDisagreements += 1;
  }

  /**
   * Counts a stable answer and this shadow arm's copy both labelled, when both labels came within
   * the maturity window (the rule every labelled count follows).
   */
  addLabelledPair(pair: LabelledPairInput): void {
    if (this.isLate(pair.labeledAt - pair.shadowPredictedAt)) return;
    if (this.isLate(pair.labeledAt - pair.stablePredictedAt)) return;
    const counts = this.counts;
    counts.labelledPairs += 1;
    if (pair.shadowCorrect && !pair.stableCorrect) counts.shadowOnlyCorrect += 1;
    if (pair.stableCorrect && !pair.shadowCorrect) counts.stableOnlyCorrect += 1;
  }

  private isLate(delayMs: number): boolean {
    return this.maturityMs > 0 && delayMs > this.maturityMs;
  }

  /**
   * Counts an evaluation of this arm: labelled when its label came within the maturity window
   * of the prediction (the same rule for every arm), late otherwise. A labelled one adds to the
   * counts, the latency sketch, the mean-based metrics and its segment's counts.
   */
  addEvaluation(evaluation: Evaluation): void {
    const counts = this.counts;
    if (this.isLate(evaluation.labeledAt - evaluation.predictedAt)) {
      counts.lateLabels += 1;
      return;
    }
    counts.labelled += 1;
    if (evaluation.correct) counts.correct += 1;
    if (evaluation.status !== OK) counts.errors += 1;
    const absError = evaluation.absError;
    if (absError !== null) {
      counts.numeric += 1;
      counts.absErrorSum += absError;
      counts.absErrorSquares += absError * absError;
    }
    addEvaluationMeans(this.means, evaluation, false);
    addSegmentEvaluation(this.segments, evaluation);
    this.latency.add(Math.max(0, evaluation.latencyMs));
  }

  toRecord(
    source: { readonly partition: number; readonly partitions: number; readonly watermark: number },
    updatedAt: number,
  ): ArmEvidence {
    const [zeros, bins] = this.latency.encode();
    const { arm, counts } = this;
    return {
      sourcePartition: source.partition,
      sourcePartitions: source.partitions,
      watermark: source.watermark,
      rolloutId: arm.rolloutId,
      model: arm.model,
      variant: arm.variant,
      role: arm.role,
      served: arm.served,
      bucketStart: this.bucketStart,
      bucketMs: this.bucketMs,
      maturityMs: this.maturityMs,
      ...counts,
      means: meansRecord(this.means),
      segments: segmentsRecord(this.segments),
      latencyAccuracy: this.latency.relativeAccuracy,
      latencyZeros: zeros,
      latencyBins: bins,
      updatedAt,
    };
  }

  /** The bucket of a record; one of an older writer (no means or segments) has none. */
  static fromRecord(record: ArmEvidence): ArmBucket {
    const { rolloutId, model, variant, role, served } = record;
    return new ArmBucket(
      { rolloutId, model, variant, role, served },
      record.bucketStart,
      record.bucketMs,
      record.maturityMs,
      record.latencyAccuracy,
      countsOf(record),
      LatencySketch.decode([record.latencyZeros, record.latencyBins, []], record.latencyAccuracy),
      meansFromRecord(record.means),
      segmentsFromRecord(record.segments),
    );
  }
}
