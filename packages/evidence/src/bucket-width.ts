/**
 * Event-time bucket width of a rollout's evidence, from its label maturity window. Every width
 * divides the next one (1 s, 5 s, 15 s, 1 min, 5 min, 15 min, 1 h), so buckets of a finer
 * width sum exactly into those of a coarser one.
 */
const WIDTHS_MS = [1_000, 5_000, 15_000, 60_000, 300_000, 900_000, 3_600_000] as const;

/**
 * The widest of 1 s, 5 s, 15 s, 1 min, 5 min, 15 min and 1 h that is at most 1/30 of the maturity
 * window: a bucket then delays counting by at most ~3 % of the window, and a day-long rollout
 * with the default one-hour window has 720 buckets per arm and source partition.
 */
export function bucketWidthMs(maturityMs: number): number {
  let width: number = WIDTHS_MS[0];
  for (const candidate of WIDTHS_MS) if (candidate * 30 <= maturityMs) width = candidate;
  return width;
}

/** Start of the bucket of width `bucketMs` holding `time` (epoch ms). */
export function bucketStartOf(time: number, bucketMs: number): number {
  return Math.floor(time / bucketMs) * bucketMs;
}
