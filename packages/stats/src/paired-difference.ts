// Always-valid paired comparison for shadow mode, where both variants answer the same request.
//
// Each labelled pair contributes Y = 1[canary correct] − 1[stable correct] ∈ {−1, 0, +1}; the pairs
// are i.i.d. with mean Δ = acc_canary − acc_stable = P(10) − P(01). Only discordant pairs carry
// information: Δ̂ = (n10 − n01)/n, and at Δ = 0 the z statistic is McNemar's
// (n10 − n01)/sqrt(n10 + n01). Pairing removes the variance shared by the two models (requests
// both get right or both get wrong), which is why shadow mode needs far fewer samples than two
// independent arms.
//
// Always-valid form: the normal-mixture confidence sequence (Howard et al. 2021; Waudby-Smith et
// al. 2021, asymptotic confidence sequence for a mean) with n standardised observations and ρ
// tuned to the planned number of pairs. The per-pair variance for testing Δ = Δ0 is
// p̃10 + p̃01 − Δ0² at the restricted maximum-likelihood cell probabilities (Tango 1998, Stat. Med.
// 17:891, score interval for a paired difference), so a lucky run of few discordant pairs does
// not shrink the interval. Burn-in: a minimum number of pairs and of discordant pairs, since the
// normal approximation is driven by the discordant count.
import { mixturePrecisionForHorizon } from './normal-mixture.js';
import { scoreConfidenceSequence } from './score-confidence-sequence.js';
import { type PairedCounts } from './counters.js';
import { type NormalConfidenceSequence } from './types.js';
import {
  assertAtMost,
  assertCount,
  assertFinite,
  assertOpenUnit,
  assertPositive,
} from './validate.js';

/** Options of {@link pairedDifferenceCS}. */
export interface PairedDifferenceOptions {
  /** Error level of the confidence sequence. @default 0.05 */
  readonly alpha?: number;
  /** Planned number of labelled pairs at which the test should be most sensitive. */
  readonly planN: number;
  /** Burn-in: labelled pairs needed before the normal approximation is used. @default 100 */
  readonly minPairs?: number;
  /** Burn-in: discordant pairs (n10 + n01) needed as well. @default 20 */
  readonly minDiscordant?: number;
  /** Δ under the null hypothesis the p-value tests. @default 0 */
  readonly nullDifference?: number;
}

/**
 * Always-valid confidence sequence and p-value for Δ = acc_canary − acc_stable from labelled
 * shadow pairs (`n10`: canary right, stable wrong; `n01`: canary wrong, stable right).
 *
 * @returns estimate Δ̂ in proportion points, bounds in [−1, 1], always-valid p-value for
 *   H0: Δ = nullDifference; `reliable` is false during the burn-in.
 */
export function pairedDifferenceCS(
  counts: PairedCounts,
  options: PairedDifferenceOptions,
): NormalConfidenceSequence {
  const { nPairs, n10, n01 } = counts;
  assertCount('nPairs', nPairs);
  assertCount('n10', n10);
  assertCount('n01', n01);
  assertAtMost('n10 + n01', n10 + n01, 'nPairs', nPairs);
  const alpha = options.alpha ?? 0.05;
  const minPairs = options.minPairs ?? 100;
  const minDiscordant = options.minDiscordant ?? 20;
  const nullValue = options.nullDifference ?? 0;
  assertOpenUnit('alpha', alpha);
  assertPositive('planN', options.planN);
  assertCount('minPairs', minPairs);
  assertCount('minDiscordant', minDiscordant);
  assertFinite('nullDifference', nullValue);

  const estimate = nPairs > 0 ? (n10 - n01) / nPairs : 0;
  return scoreConfidenceSequence({
    estimate,
    data: counts,
    nullVariance: nPairs > 0 ? pairedNullVariance : () => 0,
    continuityCorrection: nPairs > 0 ? 1 / nPairs : 0,
    effectiveN: nPairs,
    rho: mixturePrecisionForHorizon(options.planN, alpha),
    alpha,
    nullValue,
    reliable: nPairs >= minPairs && n10 + n01 >= minDiscordant,
    min: -1,
    max: 1,
  });
}

function pairedNullVariance(counts: PairedCounts, delta: number): number {
  return pairedRestrictedVariance(counts.n10, counts.n01, counts.nPairs, delta);
}

/**
 * Var(Δ̂) for H0: Δ = delta at the restricted MLE of the trinomial (p10, p01, concordant):
 * p̃01 is the positive root of 2n·q² − B·q − C = 0 with B = (n10 + n01)(1 − δ) − 2δ(n − n10) and
 * C = n01·δ(1 − δ) (Tango 1998), p̃10 = p̃01 + δ; Var = (p̃10 + p̃01 − δ²)/n.
 */
export function pairedRestrictedVariance(
  n10: number,
  n01: number,
  n: number,
  delta: number,
): number {
  const b = (n10 + n01) * (1 - delta) - 2 * delta * (n - n10);
  const c = n01 * delta * (1 - delta);
  const root = (b + Math.sqrt(Math.max(b * b + 8 * n * c, 0))) / (4 * n);
  const q01 = Math.min((1 - delta) / 2, Math.max(Math.max(0, -delta), root));
  const q10 = q01 + delta;
  return Math.max(q10 + q01 - delta * delta, 0) / n;
}
