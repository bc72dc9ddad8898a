/**
 * The evidence of one arm over one event-time bucket from one source partition: plain counts,
 * sums for mean-based metrics and a latency sketch, all of which add across partitions and
 * buckets. Mutable on purpose (one is updated per routed request and per evaluation); converted
 * to and from the wire record `ArmEvidence` only when written or read.
 */
import { PredictionStatus, type ArmEvidence, type Evaluation } from '@kanary/contracts';
import type { ArmId } from './evidence-key.js';
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
}

export const emptyArmCounts = (): ArmCounts => ({
  routed: 0,
  labelled: 0,
  correct: 0,
  errors: 0,
  numeric: 0,
  absErrorSum: 0,
  absErrorSquares: 0,
  lateLabels: 0,
});

/** Adds `from` into `into`, field by field. */
export function addArmCounts(into: ArmCounts, from: Readonly<ArmCounts>): void {
  into.routed += from.routed;
  into.labelled += from.labelled;
  into.correct += from.correct;
  into.errors += from.errors;
  into.numeric += from.numeric;
  into.absErrorSum += from.absErrorSum;
  into.absErrorSquares += from.absErrorSquares;
  into.lateLabels += from.lateLabels;
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

  /** Counts a routed request of this arm. */
  addRouted(): void {
    this.counts.routed += 1;
  }

  /**
   * Counts an evaluation of this arm: labelled when its label came within the maturity window
   * of the prediction (the same rule for every arm), late otherwise.
   */
  addEvaluation(evaluation: Evaluation): void {
    const counts = this.counts;
    if (this.maturityMs > 0 && evaluation.labeledAt - evaluation.predictedAt > this.maturityMs) {
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
      routed: counts.routed,
      labelled: counts.labelled,
      correct: counts.correct,
      errors: counts.errors,
      absErrorSum: counts.absErrorSum,
      absErrorSquares: counts.absErrorSquares,
      numeric: counts.numeric,
      lateLabels: counts.lateLabels,
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
      {
        routed: record.routed,
        labelled: record.labelled,
        correct: record.correct,
        errors: record.errors,
        numeric: record.numeric,
        absErrorSum: record.absErrorSum,
        absErrorSquares: record.absErrorSquares,
        lateLabels: record.lateLabels,
      },
      LatencySketch.decode([record.latencyZeros, record.latencyBins, []], record.latencyAccuracy),
    );
  }
}
