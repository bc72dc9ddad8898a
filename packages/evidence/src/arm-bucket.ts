/**
 * The evidence of one arm over one event-time bucket from one source partition: plain counts,
 * sums for mean-based metrics and a latency sketch, all of which add across partitions and
 * buckets. Mutable on purpose (one is updated per routed request and per evaluation); converted
 * to and from the wire record `ArmEvidence` only when written or read.
 */
import { PredictionStatus, type ArmEvidence, type Evaluation } from '@kanary/contracts';
import type { ArmId } from './evidence-key.js';
import type { LabelledPairInput } from './pair-inputs.js';
import { LatencySketch } from './latency-sketch.js';

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

export class ArmBucket {
  readonly counts: ArmCounts;
  /** Latencies of the labelled evaluations (those within the maturity window). */
  readonly latency: LatencySketch;

  constructor(
    readonly arm: ArmId,
    readonly bucketStart: number,
    readonly bucketMs: number,
    readonly maturityMs: number,
    relativeAccuracy: number,
    counts: ArmCounts = emptyArmCounts(),
    latency?: LatencySketch,
  ) {
    this.counts = counts;
    this.latency = latency ?? new LatencySketch(relativeAccuracy);
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
   * of the prediction (the same rule for every arm), late otherwise.
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
    this.latency.add(Math.max(0, evaluation.latencyMs));
  }

  toRecord(
    source: { readonly partition: number; readonly partitions: number; readonly watermark: number },
    updatedAt: number,
  ): ArmEvidence {
    const [zeros, bins] = this.latency.encode();
    const { arm, counts } = this;
    return {
      means: [],
      segments: [],
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
      latencyAccuracy: this.latency.relativeAccuracy,
      latencyZeros: zeros,
      latencyBins: bins,
      updatedAt,
    };
  }

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
    );
  }
}
