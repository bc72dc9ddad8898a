// Always-valid confidence sequence for a single proportion, exact (non-asymptotic), for error
// rates, disagreement rates and threshold-exceedance shares, which are often close to 0, where a
// normal approximation is badly wrong (it would claim certainty after zero events).
//
// Method: the conjugate beta-binomial mixture (Robbins 1970; Howard, Ramdas, McAuliffe & Sekhon
// 2021, beta-binomial mixture boundary; reference implementation `bernoulli_confidence_interval`
// in the authors' confseq library). For each candidate p, mixing the likelihood ratio
// (q/p)^x ((1 − q)/(1 − p))^(n − x) over q ~ Beta(κp, κ(1 − p)) gives
//
//   M_n(p) = B(κp + x, κ(1 − p) + n − x) / B(κp, κ(1 − p)) / ( p^x (1 − p)^(n − x) ),
//
// a nonnegative martingale with M_0 = 1 when p is the true rate, so P(∃n: M_n(p) ≥ 1/α) ≤ α
// (Ville). The confidence sequence is {p: M_n(p) < 1/α}; it always contains x/n (M ≤ 1 there)
// and is found by bisection on each side, as in confseq. The prior concentration is
// κ = ρ − 1 with ρ the normal-mixture tuning for the planned n (confseq's BetaBinomialMixture with
// g = p, h = 1 − p and v_opt = p(1 − p)·planN gives Beta parameters with κ = ρ − 1 for every p),
// so the prior's spread matches the optimal normal mixture and κ does not depend on the data.
//
// Assumption: observations are independent Bernoulli(p) with a constant p over the window.
import betaln from '@stdlib/math-base-special-betaln';
import { mixturePrecisionForHorizon } from './normal-mixture.js';
import { validateProportion } from './proportion-math.js';
import { type ConfidenceSequence, type ProportionCounts } from './types.js';
import { assertOpenUnit, assertPositive } from './validate.js';

/** Options of {@link proportionCS}. */
export interface ProportionCSOptions {
  /** Error level: P(the sequence ever excludes the true p) ≤ alpha. @default 0.05 */
  readonly alpha?: number;
  /** Planned number of observations at which the bounds should be tightest (> 0). */
  readonly planN: number;
  /** p under the null hypothesis the p-value tests, in (0, 1). @default 0.5 */
  readonly nullProportion?: number;
}

/** Bisection steps: enough for full double precision on a log scale down to 2^-64 of x/n. */
const ITERATIONS = 80;
const SMALLEST_FRACTION = 2 ** -64;

/**
 * Exact always-valid confidence sequence for a proportion from `successes` out of `total`
 * (e.g. errors/requests, disagreements/pairs, slow/requests). Valid for every n including small
 * ones, so `reliable` is always true.
 *
 * @returns estimate x/n, bounds in [0, 1], always-valid p-value for H0: p = nullProportion and
 *   the log e-value against it.
 */
export function proportionCS(
  counts: ProportionCounts,
  options: ProportionCSOptions,
): ConfidenceSequence {
  validateProportion('counts', counts);
  const alpha = options.alpha ?? 0.05;
  const nullValue = options.nullProportion ?? 0.5;
  assertOpenUnit('alpha', alpha);
  assertPositive('planN', options.planN);
  assertOpenUnit('nullProportion', nullValue);
  const kappa = betaBinomialConcentration(options.planN, alpha);
  const { successes: x, total: n } = counts;
  const threshold = Math.log(1 / alpha);
  const logEvidence = betaBinomialLogMixture(x, n, nullValue, kappa);
  return {
    estimate: n > 0 ? x / n : 0,
    lower: lowerBound(x, n, kappa, threshold),
    upper: 1 - lowerBound(n - x, n, kappa, threshold),
    alpha,
    nullValue,
    pValue: Math.min(1, Math.exp(-logEvidence)),
    logEvidence,
    reliable: true,
  };
}

/** Prior concentration κ of the beta-binomial mixture tuned for `planN` observations. */
export function betaBinomialConcentration(planN: number, alpha: number): number {
  return Math.max(mixturePrecisionForHorizon(planN, alpha) - 1, 1e-3);
}

/** log M_n(p) of the beta-binomial mixture (module comment), for 0 < p < 1. */
export function betaBinomialLogMixture(x: number, n: number, p: number, kappa: number): number {
  const a = kappa * p;
  const b = kappa * (1 - p);
  const logLikelihood = (x > 0 ? x * Math.log(p) : 0) + (n - x > 0 ? (n - x) * Math.log1p(-p) : 0);
  return betaln(a + x, b + n - x) - betaln(a, b) - logLikelihood;
}

/** Smallest p ≤ x/n with log M_n(p) < threshold (0 if none is excluded below x/n). */
function lowerBound(x: number, n: number, kappa: number, threshold: number): number {
  if (x === 0) return 0;
  const estimate = x / n;
  let low = estimate * SMALLEST_FRACTION;
  if (betaBinomialLogMixture(x, n, low, kappa) < threshold) return 0;
  let high = estimate;
  // Geometric bisection: relative precision matters for rates near 0.
  for (let i = 0; i < ITERATIONS; i += 1) {
    const mid = Math.sqrt(low * high);
    if (betaBinomialLogMixture(x, n, mid, kappa) >= threshold) low = mid;
    else high = mid;
  }
  return high;
}
