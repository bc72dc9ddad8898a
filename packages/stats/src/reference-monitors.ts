// Ready-made monitors for simulateMonitoring: the always-valid tests of this package next to the
// repeated fixed-horizon tests they replace, so simulations, benchmarks and documentation measure
// exactly the decision rules the policy uses.
import { type PairedCounts } from './counters.js';
import { meanDifferenceCS, type MeanDifferenceOptions } from './mean-difference.js';
import { type Monitor } from './monitoring-simulation.js';
import { naiveZTest } from './naive-z-test.js';
import { pairedDifferenceCS, type PairedDifferenceOptions } from './paired-difference.js';
import { betaBinomialConcentration, betaBinomialLogMixture } from './proportion-cs.js';
import {
  proportionDifferenceCS,
  type ProportionDifferenceOptions,
} from './proportion-difference.js';
import { srmChiSquareTest, srmSequentialTest } from './sample-ratio-mismatch.js';
import { type ProportionCounts, type TwoArmCounts, type TwoArmMoments } from './types.js';

const FIXED_Z_95 = 1.959963984540054;

/** Always-valid two-sample test: the confidence sequence excludes `nullDifference` (either side). */
export function twoArmAlwaysValid(options: ProportionDifferenceOptions): Monitor<TwoArmCounts> {
  const nullValue = options.nullDifference ?? 0;
  return (counts) => {
    const result = proportionDifferenceCS(counts, options);
    return result.reliable && (result.lower > nullValue || result.upper < nullValue);
  };
}

/** Always-valid detection of harm: upper bound of canary − stable below 0 (canary worse). */
export function twoArmHarmDetected(options: ProportionDifferenceOptions): Monitor<TwoArmCounts> {
  return (counts) => {
    const result = proportionDifferenceCS(counts, options);
    return result.reliable && result.upper < 0;
  };
}

/** Repeated fixed-horizon z-test at level alpha, after the same per-arm burn-in. */
export function twoArmNaive(options: {
  readonly alpha?: number;
  readonly minPerArm?: number;
}): Monitor<TwoArmCounts> {
  const minPerArm = options.minPerArm ?? 100;
  return (counts) =>
    counts.stable.total >= minPerArm &&
    counts.canary.total >= minPerArm &&
    naiveZTest(counts, { alpha: options.alpha }).reject;
}

/**
 * Fires when the mean-difference confidence sequence excludes `value` on either side; with the
 * true θ as `value`, the firing rate is the time-uniform miscoverage.
 */
export function meanDifferenceExcludes(
  value: number,
  options: MeanDifferenceOptions,
): Monitor<TwoArmMoments> {
  return (arms) => {
    const result = meanDifferenceCS(arms, options);
    return result.reliable && (result.lower > value || result.upper < value);
  };
}

/** Always-valid one-sided decision: the lower bound of θ is above `value` (e.g. a higher loss). */
export function meanDifferenceAbove(
  value: number,
  options: MeanDifferenceOptions,
): Monitor<TwoArmMoments> {
  return (arms) => {
    const result = meanDifferenceCS(arms, options);
    return result.reliable && result.lower > value;
  };
}

/** Always-valid one-sided decision: the upper bound of θ is below `value` (e.g. non-inferior). */
export function meanDifferenceBelow(
  value: number,
  options: MeanDifferenceOptions,
): Monitor<TwoArmMoments> {
  return (arms) => {
    const result = meanDifferenceCS(arms, options);
    return result.reliable && result.upper < value;
  };
}

/** Always-valid paired test: the confidence sequence excludes 0. */
export function pairedAlwaysValid(options: PairedDifferenceOptions): Monitor<PairedCounts> {
  return (counts) => {
    const result = pairedDifferenceCS(counts, options);
    return result.reliable && (result.lower > 0 || result.upper < 0);
  };
}

/** Repeated fixed-horizon McNemar test (|n10 − n01| / sqrt(n10 + n01) > 1.96), same burn-in. */
export function pairedNaive(options: {
  readonly minPairs?: number;
  readonly minDiscordant?: number;
}): Monitor<PairedCounts> {
  const minPairs = options.minPairs ?? 100;
  const minDiscordant = options.minDiscordant ?? 20;
  return ({ nPairs, n10, n01 }) =>
    nPairs >= minPairs &&
    n10 + n01 >= minDiscordant &&
    Math.abs(n10 - n01) / Math.sqrt(n10 + n01) > FIXED_Z_95;
}

/** Anytime-valid SRM alarm (Dirichlet-multinomial Bayes factor). */
export function srmSequentialAlarm(
  weights: readonly number[],
  options: { readonly alpha: number; readonly planN: number },
): Monitor<readonly number[]> {
  return (observed) => srmSequentialTest(observed, weights, options).mismatch;
}

/** Repeated fixed-horizon χ² SRM check at level alpha. */
export function srmChiSquareAlarm(
  weights: readonly number[],
  alpha: number,
): Monitor<readonly number[]> {
  return (observed) => srmChiSquareTest(observed, weights).pValue < alpha;
}

/**
 * Fires when the single-proportion confidence sequence (proportion-cs.ts) excludes the TRUE rate,
 * i.e. when its beta-binomial mixture at the true rate reaches 1/α; the firing rate is the
 * time-uniform miscoverage. Evaluates one mixture per look instead of solving for the bounds.
 */
export function proportionMiscoverage(
  trueRate: number,
  options: { readonly alpha: number; readonly planN: number },
): Monitor<ProportionCounts> {
  const kappa = betaBinomialConcentration(options.planN, options.alpha);
  const threshold = Math.log(1 / options.alpha);
  return ({ successes, total }) =>
    betaBinomialLogMixture(successes, total, trueRate, kappa) >= threshold;
}
