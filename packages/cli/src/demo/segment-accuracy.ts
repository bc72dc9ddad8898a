import {
  MetricOutcome,
  type DecisionReport,
  type MetricEvidence,
  type VariantMetrics,
} from '@kanary/contracts';

/** One arm's labelled predictions and accuracy within a segment. */
export interface ArmSegment {
  readonly labelled: number;
  readonly accuracy: number | null;
}

/** A segment's accuracy in both arms, and what a decision said about it. */
export interface SegmentAccuracyRow {
  readonly segment: string;
  /** Null when the arm has no labelled prediction of the segment yet. */
  readonly stable: ArmSegment | null;
  readonly canary: ArmSegment | null;
  /** The decision's evidence on the segment's primary metric; null when it did not judge it. */
  readonly evidence: MetricEvidence | null;
}

/**
 * Per-segment accuracy of both arms from their metrics snapshots (the evaluator's cumulative
 * counts), sorted by segment name, with `decision`'s evidence row for each segment. The
 * evidence counts only mature labels, so its n and estimates trail the snapshots a little.
 */
export function segmentAccuracy(
  stable: VariantMetrics | undefined,
  canary: VariantMetrics | undefined,
  decision: DecisionReport | undefined,
): SegmentAccuracyRow[] {
  const arm = (m: VariantMetrics | undefined, segment: string): ArmSegment | null => {
    const s = m?.segments.find((x) => x.segment === segment);
    return s === undefined ? null : { labelled: s.labelled, accuracy: s.accuracy };
  };
  const judged = (decision?.evidence ?? []).filter((e) => e.segment !== null);
  const names = new Set([
    ...(stable?.segments ?? []).map((s) => s.segment),
    ...(canary?.segments ?? []).map((s) => s.segment),
    ...judged.map((e) => e.segment!),
  ]);
  return [...names].sort().map((segment) => ({
    segment,
    stable: arm(stable, segment),
    canary: arm(canary, segment),
    evidence: judged.find((e) => e.segment === segment) ?? null,
  }));
}

/** The segments `decision` found the canary worse in (its failed per-segment evidence). */
export function failedSegments(decision: DecisionReport | undefined): string[] {
  return (decision?.evidence ?? [])
    .filter((e) => e.segment !== null && e.outcome === MetricOutcome.FAIL)
    .map((e) => e.segment!);
}
