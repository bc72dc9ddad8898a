// The two-sided normal-mixture boundary, the engine of the always-valid tests in this package.
//
// Source: Robbins (1970); Howard, Ramdas, McAuliffe & Sekhon (2021), "Time-uniform, nonparametric,
// nonasymptotic confidence sequences", Ann. Statist. 49(2) (two-sided normal mixture and its tuning;
// reference implementation: the authors' `confseq` library, TwoSidedNormalMixture::best_rho);
// the same statistic is the mixture SPRT of Johari, Koomen, Pekelis & Walsh (2017), "Peeking at
// A/B tests", and the asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy &
// Ramdas (2021), "Time-uniform central limit theory and asymptotic confidence sequences", Thm 2.2.
//
// Setting: S_t is a sum of standardised increments (a Brownian motion in "information time" n_t)
// under H0. Mixing the exponential supermartingale exp(λS − λ²n/2) over λ ~ N(0, 1/ρ) gives
//
//     M_t = sqrt(ρ / (n_t + ρ)) · exp( S_t² / (2 (n_t + ρ)) ),
//
// a nonnegative (super)martingale with M_0 = 1, so by Ville's inequality P(∃t: M_t ≥ 1/α) ≤ α.
// With Z_t = S_t / sqrt(n_t) and r_t = ρ / n_t this reads
//
//     log M_t = ½·log(r/(1 + r)) + Z² / (2 (1 + r))                                       (evidence)
//     M_t ≥ 1/α  ⇔  |Z_t| ≥ z*(r_t) = sqrt( (1 + r)·( log((1 + r)/r) + 2·log(1/α) ) )     (boundary)
//
// ρ (in units of standardised observations) sets where the boundary is tightest. Howard et al.:
// to minimise the boundary at intrinsic time m use ρ = m / (2 log(1/α) + log(1 + 2 log(1/α))).
// At n = m this gives r = 0.12600 and z* = 3.0352 for α = 0.05 (vs 1.96 for a single look): the
// price of being allowed to look after every batch for ever.

/**
 * Mixture precision ρ, in standardised observations, that makes the two-sided normal-mixture
 * boundary tightest when `planN` standardised observations (effective sample size) have accrued.
 * Howard et al. (2021): ρ = m / (2·log(1/α) + log(1 + 2·log(1/α))).
 *
 * @param planN - planned effective sample size at which to be most sensitive (> 0).
 * @param alpha - error level the tuning is for, in (0, 1).
 */
export function mixturePrecisionForHorizon(planN: number, alpha: number): number {
  const twoLogInvAlpha = 2 * Math.log(1 / alpha);
  return planN / (twoLogInvAlpha + Math.log1p(twoLogInvAlpha));
}

/**
 * Critical |z| of the two-sided normal-mixture confidence sequence after `n` standardised
 * observations: z*(r) = sqrt((1 + r)(log((1 + r)/r) + 2 log(1/α))) with r = ρ/n.
 * Returns +Infinity when n = 0 (no information, nothing can be rejected).
 */
export function normalMixtureCriticalZ(n: number, rho: number, alpha: number): number {
  if (!(n > 0)) return Number.POSITIVE_INFINITY;
  const r = rho / n;
  return Math.sqrt((1 + r) * (Math.log1p(1 / r) + 2 * Math.log(1 / alpha)));
}

/**
 * Natural log of the mixture likelihood ratio M (an e-value) for an observed standardised
 * statistic `z` after `n` standardised observations: ½·log(r/(1 + r)) + z²/(2(1 + r)), r = ρ/n.
 * The always-valid p-value is min(1, exp(−log M)).
 */
export function normalMixtureLogEvidence(z: number, n: number, rho: number): number {
  if (!(n > 0)) return 0;
  const r = rho / n;
  return -0.5 * Math.log1p(1 / r) + (z * z) / (2 * (1 + r));
}
