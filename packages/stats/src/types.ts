// Shapes shared by the tests in this package. Counts are plain JSON-serialisable objects so the
// decision service can keep them as per-rollout sufficient statistics and restore them after a
// crash (see counters.ts).

/** Binary outcomes of one arm: `successes` out of `total` (correct/labelled, errors/requests, …). */
export interface ProportionCounts {
  readonly successes: number;
  readonly total: number;
}

/** Per-arm counts for a two-arm comparison. The estimand is always canary − stable. */
export interface TwoArmCounts {
  readonly stable: ProportionCounts;
  readonly canary: ProportionCounts;
}

/**
 * Mergeable sufficient statistics of one arm's real-valued observations (a loss, revenue, clicks):
 * count, Σx, Σx². Field-wise sums of partial moments are the moments of the union.
 */
export interface MeanMoments {
  readonly n: number;
  readonly sum: number;
  readonly squares: number;
}

/** Per-arm moments for a two-arm comparison of means. */
export interface TwoArmMoments {
  readonly stable: MeanMoments;
  readonly canary: MeanMoments;
}

/**
 * An always-valid (anytime-valid) confidence sequence and the matching p-value at one look.
 *
 * "Always valid" means the guarantee holds simultaneously over every look, including looks chosen
 * after seeing the data: P(∃t: true value ∉ [lower_t, upper_t]) ≤ alpha, and
 * P(∃t: pValue_t ≤ alpha) ≤ alpha under the null. Callers may therefore recompute after every
 * batch and stop the first time the interval excludes a threshold. The running intersection of the
 * intervals and the running minimum of the p-values are also valid (and monotone); storing them is
 * up to the caller.
 */
export interface ConfidenceSequence {
  /**
   * Point estimate of the parameter (a proportion, or a difference of proportions, in [−1, 1]; a
   * difference of means, in the observations' unit).
   */
  readonly estimate: number;
  /**
   * Lower confidence bound; when not `reliable`, the bottom of the parameter's range: −1 (0 for a
   * single proportion), −Infinity for a difference of means.
   */
  readonly lower: number;
  /** Upper confidence bound; when not `reliable`, 1 (+Infinity for a difference of means). */
  readonly upper: number;
  /** Error level the bounds were computed for. */
  readonly alpha: number;
  /** Null value the p-value and `logEvidence` refer to. */
  readonly nullValue: number;
  /** Always-valid p-value for H0: parameter = nullValue; 1 when not `reliable`. */
  readonly pValue: number;
  /** Natural log of the e-value (mixture likelihood ratio) against the null; 0 when not `reliable`. */
  readonly logEvidence: number;
  /**
   * false while the burn-in (minimum sample sizes, minimum event counts) of a test that relies on a
   * normal approximation is not met; the bounds are then the trivial ones and must not drive a
   * decision. Exact (non-asymptotic) tests are always reliable.
   */
  readonly reliable: boolean;
}

/** A confidence sequence from a normal approximation, with its z-scale diagnostics. */
export interface NormalConfidenceSequence extends ConfidenceSequence {
  /**
   * Standard error of `estimate` under the null (restricted-MLE variance at `nullValue`; the
   * plug-in variance for a difference of means, which does not depend on the null).
   */
  readonly standardError: number;
  /** (estimate − nullValue) / standardError. */
  readonly z: number;
  /** |z| needed to reject now; the half-width is criticalZ × standardError. */
  readonly criticalZ: number;
  /** Effective sample size (information in standardised observations) the boundary used. */
  readonly effectiveN: number;
}
