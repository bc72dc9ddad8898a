// Always-valid confidence sequence for a difference of two arms' means, θ = μ_canary − f·μ_stable,
// from mergeable moments (n, Σx, Σx²) only: mean losses (absolute or squared error, log-loss,
// Brier score) and business outcomes (revenue, clicks) under continuous monitoring, with any
// (possibly changing) traffic split.
//
// Method: the asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas
// (2024), "Time-uniform central limit theory and asymptotic confidence sequences", Ann. Statist.
// 52(6): Robbins' two-sided normal mixture (normal-mixture.ts) applied to θ̂ = x̄_c − f·x̄_s with the
// plug-in variance Var(θ̂) = s_c²/n_c + f²·s_s²/n_s, bounds θ̂ ± z*·SE.
//
// Why the mixture applies: with S_t = I_t·(θ̂_t − θ) and information I_t = 1/Var(θ̂_t),
// Cov(S_t, S_u) = I_t·I_u·(σ_c²/n_c,u + f²σ_s²/n_s,u) = I_t for t ≤ u, whatever the sequence of
// arm sizes, provided the allocation does not depend on the outcomes. So S is a Brownian motion in
// information time (Jennison & Turnbull 2000, §3.1, canonical joint distribution): exactly for
// Gaussian observations with known variances, where the mixture is a nonnegative martingale and
// Ville's inequality gives the guarantee, and asymptotically for any finite-variance observations
// with estimated variances, by the strong approximation behind Waudby-Smith et al.'s result. Hence
// the burn-in (`minPerArm`): below it the sample variances and the Gaussian approximation of a
// skewed mean are not trusted.
//
// Units of the mixture: information is counted in standardised observations, as in
// proportion-difference.ts. With the per-observation variance contributions v_c = s_c² and
// v_s = f²·s_s² and the weights w_c = v_c/(v_c + v_s), w_s = 1 − w_c,
//
//     n_eff = ((v_c + v_s)/2) / Var(θ̂) = 1 / (2·(w_c/n_c + w_s/n_s)),
//
// which is n_s·n_c/(n_s + n_c), the proportion test's convention, for equal variances and f = 1
// (n/2 for two arms of n; ≈ n_c for a small canary). ρ is tuned by Howard et al.'s rule for the
// n_eff that `planN` would give with the same weights, so r = ρ/n_eff = I_plan/(k·I_t), with
// k = 2·log(1/α) + log(1 + 2·log(1/α)), does not depend on the unit. Weighting by the variances (rather than n_s·n_c/(n_s + n_c) from counts) is
// what keeps n_eff proportional to I_t when the split changes and the arms' variances differ: a
// fixed mixture over information time, as the martingale argument needs.
//
// No continuity correction: the proportion test corrects for a lattice of events where a handful of
// counts can dominate; general means need not lie on a lattice, and where they do (clicks) the
// moments do not say its spacing and half a step, O(1/n), vanishes against an SE of O(1/√n).
//
// Assumptions: observations are independent, identically distributed within each arm over the
// monitored window (no drift that coincides with a change of split), with finite variance; the
// allocation to arms does not depend on this metric's outcomes. Unbounded losses (log-loss) must be
// clipped by the caller (e.g. probabilities to [10⁻⁴, 1]) so that one observation cannot dominate.
// Skewed outcomes need a burn-in that grows with the skewness γ₁: a small arm that has not met the
// tail yet has too small a mean and too small a variance, so it looks better than it is (for a
// loss, the promote direction). The default 100 suffices for γ₁ up to about 2.6 (exponential,
// bounded skewed losses: ≤ 3.5 % misses at α = 0.05 with a constant 1 % canary share), not for a
// log-loss with γ₁ ≈ 9 (10.5 %); Cochran's rule n ≥ 25·γ₁² (Sampling Techniques, 1977) gives a
// burn-in that holds (see mean-difference.test.ts). Binary outcomes belong to
// proportionDifferenceCS. Betting and empirical-Bernstein confidence sequences
// (Waudby-Smith & Ramdas 2024, JRSS-B; Howard et al. 2021) are nonasymptotic but need bounded
// observations in their original order (predictable bets or variance estimates, one observation at
// a time), which mergeable sums do not keep; that is why this asymptotic one is used.
import {
  mixturePrecisionForHorizon,
  normalMixtureCriticalZ,
  normalMixtureLogEvidence,
} from './normal-mixture.js';
import { type MeanMoments, type NormalConfidenceSequence, type TwoArmMoments } from './types.js';
import {
  assertCount,
  assertFinite,
  assertNonNegative,
  assertPositive,
  twoArmSequenceOptions,
} from './validate.js';

export type { MeanMoments, TwoArmMoments } from './types.js';

/** Options of {@link meanDifferenceCS}. */
export interface MeanDifferenceOptions {
  /** Error level: P(the sequence ever excludes the true θ) ≤ alpha. @default 0.05 */
  readonly alpha?: number;
  /**
   * Planned observations per arm at which the test should be most sensitive, typically the step's
   * minimum samples. Any value keeps the test valid; it only moves where the boundary is tightest
   * (Howard et al. 2021 tuning, as in proportionDifferenceCS).
   */
  readonly planN: { readonly stable: number; readonly canary: number };
  /**
   * Burn-in: observations each arm needs before the normal approximation is used (at least 2
   * whatever the value, since a sample variance needs two). @default 100
   */
  readonly minPerArm?: number;
  /**
   * The estimand is θ = μ_canary − stableFactor·μ_stable; a relative margin m (canary's mean
   * loss at most 5 % above stable's: m = 0.05) is tested with stableFactor = 1 + m against 0.
   * @default 1
   */
  readonly stableFactor?: number;
  /** θ under the null hypothesis the p-value tests. @default 0 */
  readonly nullDifference?: number;
  /**
   * Floor of each arm's variance estimate, in squared units of the observations, so that a
   * burn-in of identical values does not give a zero-width interval. @default 10⁻⁹ × the arm's
   * mean square Σx²/n: above the rounding noise of a variance computed from running sums
   * (≈ √n·ε relative to the mean square, 7·10⁻¹³ at 10⁷ observations), and binding only when an
   * arm's standard deviation is below 3·10⁻⁵ of its root mean square, i.e. shows no real variation.
   */
  readonly varianceFloor?: number;
}

const RELATIVE_VARIANCE_FLOOR = 1e-9;

/**
 * Always-valid confidence sequence and p-value for θ = μ_canary − stableFactor·μ_stable from
 * each arm's moments (n, Σx, Σx²).
 *
 * Use for mean losses (lower is better: roll back when `lower > harmMargin`, accept a relative
 * margin m with stableFactor = 1 + m when `upper < 0`) and business outcomes (higher is better),
 * re-run after every batch, and only when `reliable`.
 *
 * @returns estimate θ̂ in the observations' unit, bounds θ̂ ± criticalZ·standardError (±Infinity
 *   while not `reliable`), always-valid p-value for H0: θ = nullDifference, z-scale diagnostics.
 */
export function meanDifferenceCS(
  arms: TwoArmMoments,
  options: MeanDifferenceOptions,
): NormalConfidenceSequence {
  const { stable, canary } = arms;
  validateMoments('stable', stable);
  validateMoments('canary', canary);
  const { alpha, minPerArm, nullValue } = twoArmSequenceOptions(options);
  const factor = options.stableFactor ?? 1;
  assertPositive('stableFactor', factor);
  if (options.varianceFloor !== undefined) {
    assertNonNegative('varianceFloor', options.varianceFloor);
  }

  const meanStable = meanOf(stable);
  const meanCanary = meanOf(canary);
  const estimate =
    meanStable !== null && meanCanary !== null ? meanCanary - factor * meanStable : 0;
  if (stable.n < 2 || canary.n < 2) {
    // No variance estimate yet: no information, nothing can be excluded.
    const infinite = Number.POSITIVE_INFINITY;
    return withoutBounds(estimate, alpha, nullValue, infinite, 0, infinite, 0);
  }

  const vCanary = armVariance(canary, options.varianceFloor);
  const vStable = factor * factor * armVariance(stable, options.varianceFloor);
  const standardError = Math.sqrt(vCanary / canary.n + vStable / stable.n);
  const weightCanary = vCanary + vStable > 0 ? vCanary / (vCanary + vStable) : 0.5;
  const effectiveN = effectiveSampleSize(canary.n, stable.n, weightCanary);
  const planEffectiveN = effectiveSampleSize(
    options.planN.canary,
    options.planN.stable,
    weightCanary,
  );
  const rho = mixturePrecisionForHorizon(planEffectiveN, alpha);
  const criticalZ = normalMixtureCriticalZ(effectiveN, rho, alpha);
  const difference = estimate - nullValue;
  const z =
    difference === 0
      ? 0
      : standardError > 0
        ? difference / standardError
        : Math.sign(difference) * Number.POSITIVE_INFINITY;
  // A zero standard error (every observation 0 and no floor to stand in) has no scale to
  // standardise by: not enough data yet, rather than a zero-width interval.
  if (stable.n < minPerArm || canary.n < minPerArm || !(standardError > 0)) {
    return withoutBounds(estimate, alpha, nullValue, standardError, z, criticalZ, effectiveN);
  }
  const logEvidence = normalMixtureLogEvidence(z, effectiveN, rho);
  const halfWidth = criticalZ * standardError;
  return {
    estimate,
    lower: estimate - halfWidth,
    upper: estimate + halfWidth,
    alpha,
    nullValue,
    // p ≤ α exactly when |z| ≥ criticalZ, i.e. when nullValue lies outside [lower, upper].
    pValue: Math.min(1, Math.exp(-logEvidence)),
    logEvidence,
    reliable: true,
    standardError,
    z,
    criticalZ,
    effectiveN,
  };
}

/** Mean of one arm's observations, Σx/n; null when the arm has none. */
export function meanOf(m: MeanMoments): number | null {
  return m.n > 0 ? m.sum / m.n : null;
}

/** Sample variance (Σx² − (Σx)²/n)/(n − 1), clamped at the floor; n ≥ 2. */
function armVariance(m: MeanMoments, floor: number | undefined): number {
  const raw = Math.max((m.squares - (m.sum * m.sum) / m.n) / (m.n - 1), 0);
  return Math.max(raw, floor ?? (RELATIVE_VARIANCE_FLOOR * m.squares) / m.n);
}

function effectiveSampleSize(nCanary: number, nStable: number, weightCanary: number): number {
  return 1 / (2 * (weightCanary / nCanary + (1 - weightCanary) / nStable));
}

function withoutBounds(
  estimate: number,
  alpha: number,
  nullValue: number,
  standardError: number,
  z: number,
  criticalZ: number,
  effectiveN: number,
): NormalConfidenceSequence {
  return {
    estimate,
    lower: Number.NEGATIVE_INFINITY,
    upper: Number.POSITIVE_INFINITY,
    alpha,
    nullValue,
    pValue: 1,
    logEvidence: 0,
    reliable: false,
    standardError,
    z,
    criticalZ,
    effectiveN,
  };
}

/**
 * Moments of real observations: n a count, Σx and Σx² finite, nothing but zeros when n = 0, and
 * Σx² ≥ (Σx)²/n (Cauchy–Schwarz) up to the rounding of recursive summation, whose relative error
 * is below n·ε for each sum (Higham 2002, §4.2); anything further off is not moments.
 */
function validateMoments(name: string, m: MeanMoments): void {
  const { n, sum, squares } = m;
  // Fast path first: this runs after every batch in simulations, so build messages only on failure.
  if (
    Number.isSafeInteger(n) &&
    n > 0 &&
    Number.isFinite(sum) &&
    Number.isFinite(squares) &&
    (sum * sum) / n - squares <= (4 * n + 8) * Number.EPSILON * squares
  )
    return;
  assertCount(`${name}.n`, n);
  assertFinite(`${name}.sum`, sum);
  assertFinite(`${name}.squares`, squares);
  if (n === 0) {
    if (sum !== 0 || squares !== 0) {
      throw new RangeError(
        `${name}: no observations (n = 0) but sum = ${String(sum)}, squares = ${String(squares)}`,
      );
    }
    return;
  }
  throw new RangeError(
    `${name}.squares (${String(squares)}) is less than sum²/n (${String((sum * sum) / n)}): ` +
      'not the moments of real observations',
  );
}
