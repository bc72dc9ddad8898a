// Latency guardrail as a test on a proportion, so it inherits exact always-valid inference instead
// of a repeated fixed-horizon Mann-Whitney test.
//
// A threshold T is fixed from a REFERENCE window of the stable variant before it is used, e.g. its
// p95 (quantile q = 0.95) from the mergeable DDSketch of the window before the canary step
// started. From then on every canary request is one Bernoulli observation "slower than T". If the
// canary's latency distribution equals the stable one, its exceedance share is 1 − q (5 %). The
// guardrail tolerates up to maxRatio × (1 − q) (say 1.5 × 5 % = 7.5 %, "at most 50 % more slow
// requests than stable's p95 allows") and tests H0: share ≤ limit with the exact beta-binomial
// confidence sequence (proportion-cs.ts).
//
// Assumptions: T does not depend on the data being tested (recomputing it from the live window
// makes it random and correlated with the counts, and the guarantee is lost); requests are
// independent; the stable variant's latency did not drift between the reference window and now
// (to guard against drift, count stable requests above T over the same window too and compare the
// two arms with proportionDifferenceCS).
import { proportionCS } from './proportion-cs.js';
import { type ConfidenceSequence, type ProportionCounts } from './types.js';
import { assertOpenUnit, assertPositive } from './validate.js';

/** Options of {@link latencyExceedanceTest}. */
export interface LatencyExceedanceOptions {
  /** Quantile of the stable reference window used as the threshold (0.95 for p95). @default 0.95 */
  readonly quantile?: number;
  /** Tolerated ratio of the canary's exceedance share to the expected 1 − quantile (≥ 1). */
  readonly maxRatio: number;
  /** Error level. @default 0.05 */
  readonly alpha?: number;
  /** Planned canary requests at which the bounds should be tightest. */
  readonly planN: number;
}

/** Result of {@link latencyExceedanceTest}. */
export interface LatencyExceedanceResult {
  /** Confidence sequence for the canary's share of requests slower than the threshold. */
  readonly share: ConfidenceSequence;
  /** 1 − quantile: the share expected if the canary is as fast as the stable reference. */
  readonly expectedShare: number;
  /** maxRatio × expectedShare: the largest tolerated share. */
  readonly limit: number;
  /** Always-valid p-value for H0: share ≤ limit (one-sided). */
  readonly pValue: number;
  /** share.lower > limit: the canary is proven slower than tolerated (roll back). */
  readonly regression: boolean;
  /** share.upper ≤ limit: the canary is proven within the tolerance (guardrail passes). */
  readonly withinLimit: boolean;
}

/**
 * Always-valid test of whether the canary's share of requests slower than a fixed reference
 * threshold exceeds maxRatio × (1 − quantile).
 *
 * @param slow - canary requests slower than the threshold (`successes`) out of all canary
 *   requests with a measured latency (`total`).
 */
export function latencyExceedanceTest(
  slow: ProportionCounts,
  options: LatencyExceedanceOptions,
): LatencyExceedanceResult {
  const quantile = options.quantile ?? 0.95;
  assertOpenUnit('quantile', quantile);
  assertPositive('maxRatio', options.maxRatio);
  const expectedShare = 1 - quantile;
  const limit = options.maxRatio * expectedShare;
  assertOpenUnit('maxRatio × (1 − quantile)', limit);
  const share = proportionCS(slow, {
    alpha: options.alpha,
    planN: options.planN,
    nullProportion: limit,
  });
  return {
    share,
    expectedShare,
    limit,
    // The mixture's evidence against p = limit bounds the evidence against every p < limit when
    // the estimate is above the limit (log M is quasi-convex in p with its minimum at the estimate).
    pValue: share.estimate > limit ? share.pValue : 1,
    regression: share.lower > limit,
    withinLimit: share.upper <= limit,
  };
}
