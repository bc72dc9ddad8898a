// Sample-ratio mismatch (SRM): are units arriving in the arms in the configured proportions? A
// mismatch means assignment or logging is broken (a crashing variant, a filter, bot traffic) and
// every comparison between the arms is suspect, so the policy pauses instead of deciding.
//
// Two tests of the same hypothesis H0: counts ~ Multinomial(N, weights):
// * srmChiSquareTest — Pearson's χ² goodness of fit, for ONE look (reports, offline replay).
// * srmSequentialTest — the Dirichlet-multinomial Bayes factor of Lindon & Malek (2022),
//   "Anytime-valid inference for multinomial count data" (NeurIPS), for continuous monitoring:
//   BF_N = [Γ(κ) / Γ(κ + N)] · Π_i Γ(κθ_i + x_i) / Γ(κθ_i) / Π_i θ_i^x_i,
//   the marginal likelihood under a Dirichlet(κθ) prior over the cell probabilities divided by the
//   null likelihood. It is a nonnegative martingale under H0, so min(1, 1/BF) is an anytime-valid
//   p-value. The prior is centred on the configured split; its concentration κ is the same tuning
//   as the beta-binomial mixture (proportion-cs.ts), to which the test reduces for two arms.
//
// Assumptions (both tests): each counted unit is assigned independently with the configured
// probabilities, and the weights were constant over the counted window. With sticky assignment by
// routing key the independent units are routing keys, not requests, so count distinct keys (or
// requests when routingKey defaults to requestId). When the canary weight changes, start a new
// window; Bayes factors of consecutive windows multiply into a valid Bayes factor for the whole
// rollout. Count assignments (routed requests), not labelled evaluations, so unequal label
// coverage does not masquerade as SRM.
import gammaln from '@stdlib/math-base-special-gammaln';
import { chiSquareSf } from './distributions.js';
import { betaBinomialConcentration } from './proportion-cs.js';
import { assertCount, assertOpenUnit, assertPositive } from './validate.js';

/** Result of {@link srmChiSquareTest}. */
export interface SrmChiSquareResult {
  /** Pearson χ² statistic Σ (observed − expected)² / expected. */
  readonly statistic: number;
  /** Degrees of freedom: arms − 1. */
  readonly df: number;
  /** Fixed-horizon p-value P(χ²_df ≥ statistic); valid for a single look only. */
  readonly pValue: number;
  /** Expected counts under the configured split. */
  readonly expected: readonly number[];
}

/** Result of {@link srmSequentialTest}. */
export interface SrmSequentialResult {
  /** Natural log of the Dirichlet-multinomial Bayes factor against the configured split. */
  readonly logBayesFactor: number;
  /** Anytime-valid p-value min(1, 1/BF). */
  readonly pValue: number;
  /** pValue ≤ alpha: the observed split is incompatible with the configured one. */
  readonly mismatch: boolean;
  readonly alpha: number;
  /** Observed shares per arm (0 when nothing was counted). */
  readonly observedShares: readonly number[];
  /** Configured shares per arm (weights normalised to sum to 1). */
  readonly expectedShares: readonly number[];
}

/**
 * Pearson χ² goodness-of-fit test of observed per-arm counts against configured weights.
 * For a single look; under continuous monitoring use {@link srmSequentialTest}.
 *
 * @param observed - units counted per arm (non-negative integers).
 * @param weights - configured traffic weights per arm, same order, > 0 (need not sum to 1).
 */
export function srmChiSquareTest(
  observed: readonly number[],
  weights: readonly number[],
): SrmChiSquareResult {
  const shares = normalisedShares(observed, weights);
  const total = observed.reduce((sum, count) => sum + count, 0);
  const expected = shares.map((share) => share * total);
  let statistic = 0;
  observed.forEach((count, i) => {
    const e = expected[i] ?? 0;
    if (e > 0) statistic += ((count - e) * (count - e)) / e;
  });
  const df = observed.length - 1;
  return { statistic, df, pValue: total > 0 ? chiSquareSf(statistic, df) : 1, expected };
}

/**
 * Anytime-valid sample-ratio-mismatch test (Lindon & Malek 2022), safe to re-run after every batch.
 *
 * @param options.alpha - false-alarm level over the whole monitoring window. @default 0.001
 *   (SRM pauses a rollout, so false alarms are costly; real mismatches are usually large).
 * @param options.planN - planned number of units in the window, tunes the prior concentration.
 */
export function srmSequentialTest(
  observed: readonly number[],
  weights: readonly number[],
  options: { readonly alpha?: number; readonly planN: number },
): SrmSequentialResult {
  const alpha = options.alpha ?? 0.001;
  assertOpenUnit('alpha', alpha);
  assertPositive('planN', options.planN);
  const expectedShares = normalisedShares(observed, weights);
  const total = observed.reduce((sum, count) => sum + count, 0);
  const kappa = betaBinomialConcentration(options.planN, alpha);
  let logBayesFactor = gammaln(kappa) - gammaln(kappa + total);
  observed.forEach((count, i) => {
    const theta = expectedShares[i] ?? 0;
    if (count > 0)
      logBayesFactor +=
        gammaln(kappa * theta + count) - gammaln(kappa * theta) - count * Math.log(theta);
  });
  const pValue = Math.min(1, Math.exp(-logBayesFactor));
  return {
    logBayesFactor,
    pValue,
    mismatch: pValue <= alpha,
    alpha,
    observedShares: observed.map((count) => (total > 0 ? count / total : 0)),
    expectedShares,
  };
}

function normalisedShares(observed: readonly number[], weights: readonly number[]): number[] {
  if (observed.length < 2 || observed.length !== weights.length) {
    throw new RangeError(
      `need counts and weights for at least two arms, got ${String(observed.length)} counts and ${String(weights.length)} weights`,
    );
  }
  observed.forEach((count, i) => assertCount(`observed[${String(i)}]`, count));
  weights.forEach((weight, i) => assertPositive(`weights[${String(i)}]`, weight));
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  return weights.map((weight) => weight / sum);
}
