import { armKey, type ArmBucket } from '@kanary/evidence';

/** How far the labels of one arm have come. */
export interface LabelProgress {
  /** Routed requests, and evaluations labelled within the window, in mature buckets. */
  readonly matureRouted: number;
  readonly matureLabelled: number;
  /** Routed requests in buckets still open that have no label yet (never below 0). */
  readonly awaiting: number;
  /** Epoch ms, event time: the end of the arm's newest bucket. */
  readonly newestEnd: number;
}

/**
 * A bucket is mature once its end plus the label maturity window it was folded with is at or
 * below the evidence watermark `low` (the lowest of every source partition's): every request in
 * it had its whole window for a label, and every label that came within the window has been
 * folded. The decision service counts buckets by the same rule.
 */
export const isMature = (
  bucket: { readonly bucketStart: number; readonly bucketMs: number; readonly maturityMs: number },
  low: number | null,
): boolean => low !== null && bucket.bucketStart + bucket.bucketMs + bucket.maturityMs <= low;

/**
 * Each arm's label progress (keyed by `armKey`) from a rollout's evidence buckets, every source
 * partition's alike. Routed requests are bucketed by when they were routed and evaluations by
 * when they were predicted, so one request can sit in neighbouring buckets on either side; the
 * sums over many buckets are what is meaningful, which is why `awaiting` is clamped only once,
 * per arm.
 */
export function labelProgress(
  buckets: Iterable<ArmBucket>,
  low: number | null,
): Map<string, LabelProgress> {
  const arms = new Map<
    string,
    { matureRouted: number; matureLabelled: number; open: number; newestEnd: number }
  >();
  for (const bucket of buckets) {
    const key = armKey(bucket.arm);
    let arm = arms.get(key);
    if (arm === undefined) {
      arm = { matureRouted: 0, matureLabelled: 0, open: 0, newestEnd: 0 };
      arms.set(key, arm);
    }
    const { routed, labelled, lateLabels } = bucket.counts;
    if (isMature(bucket, low)) {
      arm.matureRouted += routed;
      arm.matureLabelled += labelled;
    } else {
      arm.open += routed - labelled - lateLabels;
    }
    arm.newestEnd = Math.max(arm.newestEnd, bucket.bucketStart + bucket.bucketMs);
  }
  const progress = new Map<string, LabelProgress>();
  for (const [key, arm] of arms) {
    progress.set(key, {
      matureRouted: arm.matureRouted,
      matureLabelled: arm.matureLabelled,
      awaiting: Math.max(0, arm.open),
      newestEnd: arm.newestEnd,
    });
  }
  return progress;
}
