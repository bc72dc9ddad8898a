// @kanary/stats — always-valid statistics for canary and shadow rollouts of ML models.
//
// Every test here may be re-run after every batch of data, and its error guarantee holds over all
// those looks together (a confidence sequence / anytime-valid p-value), unlike a fixed-horizon
// test (naiveZTest, exported for comparison only). Inputs are plain per-arm counts (or moments
// n, Σx, Σx² for means), which the decision service keeps as mergeable, JSON-serialisable
// sufficient statistics (counters).
//
// Conventions: differences are canary − stable, in proportion points (0.01 = one point);
// alpha is the error level over the whole monitoring window; planN tunes where a test is most
// sensitive and never affects validity; `reliable: false` means "not enough data yet" (HOLD).

export type {
  ProportionCounts,
  TwoArmCounts,
  MeanMoments,
  TwoArmMoments,
  ConfidenceSequence,
  NormalConfidenceSequence,
} from './types.js';
export {
  proportionDifferenceCS,
  restrictedVariance,
  type ProportionDifferenceOptions,
} from './proportion-difference.js';
export { meanDifferenceCS, meanOf, type MeanDifferenceOptions } from './mean-difference.js';
export {
  proportionCS,
  betaBinomialConcentration,
  betaBinomialLogMixture,
  type ProportionCSOptions,
} from './proportion-cs.js';
export {
  pairedDifferenceCS,
  pairedRestrictedVariance,
  type PairedDifferenceOptions,
} from './paired-difference.js';
export {
  disagreementNonInferiority,
  type DisagreementOptions,
  type DisagreementResult,
} from './disagreement-bound.js';
export {
  latencyExceedanceTest,
  type LatencyExceedanceOptions,
  type LatencyExceedanceResult,
} from './latency-exceedance.js';
export {
  srmChiSquareTest,
  srmSequentialTest,
  type SrmChiSquareResult,
  type SrmSequentialResult,
} from './sample-ratio-mismatch.js';
export { naiveZTest, type NaiveZTestResult } from './naive-z-test.js';
export {
  mixturePrecisionForHorizon,
  normalMixtureCriticalZ,
  normalMixtureLogEvidence,
} from './normal-mixture.js';
export { normalCdf, normalSf, normalQuantile, chiSquareCdf, chiSquareSf } from './distributions.js';
export {
  proportionCounter,
  pairedCounter,
  disagreementCounter,
  type CounterKind,
  type PairedCounts,
  type DisagreementCounts,
} from './counters.js';
export { createRng, type Rng } from './rng.js';
export {
  simulateMonitoring,
  twoArmScenario,
  pairedScenario,
  splitScenario,
  proportionScenario,
  twoArmMeanScenario,
  type ObservationSampler,
  type MonitoringPlan,
  type MonitoringScenario,
  type Monitor,
  type MonitorSummary,
} from './monitoring-simulation.js';
export {
  twoArmAlwaysValid,
  twoArmHarmDetected,
  twoArmNaive,
  pairedAlwaysValid,
  pairedNaive,
  srmSequentialAlarm,
  srmChiSquareAlarm,
  proportionMiscoverage,
  meanDifferenceExcludes,
  meanDifferenceAbove,
  meanDifferenceBelow,
} from './reference-monitors.js';
