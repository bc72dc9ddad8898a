// Always-valid confidence sequence for the difference of two proportions, canary − stable, under
// continuous monitoring with any (possibly changing) traffic split.
//
// Method: the normal-mixture mixture SPRT / confidence sequence (Johari et al. 2017; Howard et al.
// 2021; see normal-mixture.ts) applied to Δ̂ = p̂_canary − p̂_stable. For Gaussian data with known
// variances, I·(Δ̂ − Δ) with I = 1/Var(Δ̂) has independent increments in information time for any
// allocation of observations to arms that does not depend on the outcomes (Jennison & Turnbull
// 2000, §3.1, canonical joint distribution), so the mixture boundary applies exactly; with
// Bernoulli outcomes and an estimated variance it holds asymptotically (Waudby-Smith et al. 2021,
// asymptotic confidence sequences). The variance for testing Δ = Δ0 is evaluated at the maximum
// likelihood rates restricted to p_c − p_s = Δ0 (Farrington & Manning 1990 closed form, as in
// the Miettinen–Nurminen score interval), which keeps error rates near 0 honest; see
// score-confidence-sequence.ts. A continuity correction of half a count per arm keeps a handful of
// events from looking decisive. The burn-in (`minPerArm`) is where the normal approximation is not
// trusted yet; the simulations in sequential-monitoring.test.ts and bench/simulate.ts check the
// resulting error rates.
//
// Units of the mixture: information is counted in standardised observations, the effective
// sample size n_eff = n_s·n_c/(n_s + n_c) (n/2 for two equal arms of n; ≈ n_c for a small
// canary). ρ is tuned so the boundary is tightest at the planned per-arm counts.
//
// Assumptions: outcomes within an arm are independent with a constant success probability over
// the monitored window (no drift that coincides with a change of split), and assignment does not
// depend on outcomes. Each outcome is counted once, when mature (see ARCHITECTURE §3).
import { mixturePrecisionForHorizon } from './normal-mixture.js';
import { scoreConfidenceSequence } from './score-confidence-sequence.js';
import { type NormalConfidenceSequence, type TwoArmCounts } from './types.js';
import { assertCount, twoArmSequenceOptions } from './validate.js';
import { validateProportion } from './proportion-math.js';

/** Options of {@link proportionDifferenceCS}. */
export interface ProportionDifferenceOptions {
  /** Error level: P(the sequence ever excludes the true Δ) ≤ alpha. @default 0.05 */
  readonly alpha?: number;
  /**
   * Planned counts per arm (samples) at which the test should be most sensitive, typically the
   * step's minimum labelled samples. Any value keeps the test valid; it only moves where the
   * boundary is tightest (Howard et al. 2021 tuning).
   */
  readonly planN: { readonly stable: number; readonly canary: number };
  /** Burn-in: samples each arm needs before the normal approximation is used. @default 100 */
  readonly minPerArm?: number;
  /**
   * Burn-in: the rarer outcome (pooled successes or pooled failures over both arms) must have
   * occurred at least this often. Off by default: with score variances and the continuity
   * correction, A/A simulations at error rates of 1 % and 0.1 % with a 1–5 % canary keep the
   * false-rejection rate below alpha without it (see bench/simulate.ts). @default 0
   */
  readonly minEvents?: number;
  /** Δ under the null hypothesis the p-value tests (e.g. −margin for non-inferiority). @default 0 */
  readonly nullDifference?: number;
}

/**
 * Always-valid confidence sequence and p-value for Δ = p_canary − p_stable.
 *
 * Use for accuracy (successes = correct, total = labelled), error/timeout rate (successes =
 * errors, total = requests) and latency threshold exceedance of both arms (successes = slower
 * than the fixed threshold). Re-run after every batch; roll back when `upper < −harmMargin`,
 * accept non-inferiority when `lower > −margin`, and only when `reliable`.
 *
 * @returns estimate Δ̂ (proportion points, in [−1, 1]), bounds, always-valid p-value for
 *   H0: Δ = nullDifference, and z-scale diagnostics.
 */
export function proportionDifferenceCS(
  counts: TwoArmCounts,
  options: ProportionDifferenceOptions,
): NormalConfidenceSequence {
  const { stable, canary } = counts;
  validateProportion('stable', stable);
  validateProportion('canary', canary);
  const { alpha, minPerArm, nullValue } = twoArmSequenceOptions(options);
  const minEvents = options.minEvents ?? 0;
  assertCount('minEvents', minEvents);

  const nS = stable.total;
  const nC = canary.total;
  const hasData = nS > 0 && nC > 0;
  const estimate = hasData ? canary.successes / nC - stable.successes / nS : 0;
  const pooledSuccesses = stable.successes + canary.successes;
  const rarerOutcome = Math.min(pooledSuccesses, nS + nC - pooledSuccesses);
  const planEffectiveN = effectiveSampleSize(options.planN.stable, options.planN.canary);

  return scoreConfidenceSequence({
    estimate,
    data: counts,
    nullVariance: hasData ? twoArmNullVariance : zeroVariance,
    continuityCorrection: hasData ? (1 / nS + 1 / nC) / 2 : 0,
    effectiveN: hasData ? effectiveSampleSize(nS, nC) : 0,
    rho: mixturePrecisionForHorizon(planEffectiveN, alpha),
    alpha,
    nullValue,
    reliable: hasData && nS >= minPerArm && nC >= minPerArm && rarerOutcome >= minEvents,
    min: -1,
    max: 1,
  });
}

function twoArmNullVariance(counts: TwoArmCounts, delta: number): number {
  return restrictedVariance(
    counts.canary.successes,
    counts.canary.total,
    counts.stable.successes,
    counts.stable.total,
    delta,
  );
}

function zeroVariance(): number {
  return 0;
}

function effectiveSampleSize(a: number, b: number): number {
  return (a * b) / (a + b);
}

/**
 * Var(Δ̂) at the maximum-likelihood rates restricted to p̃c − p̃s = delta: the closed-form root of
 * the likelihood equation's cubic (Farrington & Manning 1990, Stat. Med. 9:1447; checked against
 * direct numerical maximisation in proportion-difference.test.ts).
 */
export function restrictedVariance(
  xC: number,
  nC: number,
  xS: number,
  nS: number,
  delta: number,
): number {
  const pC = xC / nC;
  const pS = xS / nS;
  const theta = nS / nC;
  const a = 1 + theta;
  const b = -(1 + theta + pC + theta * pS + delta * (theta + 2));
  const c = delta * delta + delta * (2 * pC + theta + 1) + pC + theta * pS;
  const d = -pC * delta * (1 + delta);
  // Plain products rather than `**`: this runs dozens of times per call and Math.pow is slow.
  const v = (b * b * b) / (27 * a * a * a) - (b * c) / (6 * a * a) + d / (2 * a);
  const u = (v >= 0 ? 1 : -1) * Math.sqrt(Math.max((b * b) / (9 * a * a) - c / (3 * a), 0));
  const cosine = u === 0 ? 1 : Math.min(1, Math.max(-1, v / (u * u * u)));
  const w = (Math.PI + Math.acos(cosine)) / 3;
  const qC = Math.min(
    Math.min(1, 1 + delta),
    Math.max(Math.max(0, delta), 2 * u * Math.cos(w) - b / (3 * a)),
  );
  const qS = qC - delta;
  return (qC * (1 - qC)) / nC + (qS * (1 - qS)) / nS;
}
