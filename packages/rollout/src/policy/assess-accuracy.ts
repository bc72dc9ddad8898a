/**
 * Accuracy: Δ = accuracy_canary − accuracy_stable with an always-valid confidence sequence,
 * re-run at every look without inflating errors (normal-mixture CS; Johari et al. 2017, Howard
 * et al. 2021; see @kanary/stats).
 *
 * - FAIL (roll back) when the upper bound < −harmMargin: the canary is proven worse.
 * - PASS (may advance) when the lower bound > −margin: proven not worse than the margin (the
 *   non-inferiority margin δ; 0 for a superiority test).
 * - Otherwise, or during the test's burn-in, INCONCLUSIVE — not enough data, not a failure.
 *
 * With the default policy both rules read the same sequence, so when the canary is slightly
 * worse (between −δ and −harmMargin) enough data eventually proves both, and "worst wins" rolls
 * it back. When the scorecard splits the error level (see scorecard.ts), the harm rule reads a
 * sequence at its own, smaller level.
 */
import { MetricOutcome, type MetricEvidence } from '@kanary/contracts';
import {
  pairedDifferenceCS,
  proportionDifferenceCS,
  type NormalConfidenceSequence,
} from '@kanary/stats';
import {
  confidence,
  metricEvidence,
  percent,
  points,
  pointsInterval,
  ratio,
} from './metric-evidence.js';
import type { WindowCounts } from './observations.js';
import type { Policy } from './policy-schema.js';
import { PLANNED_CANARY_SAMPLES, twoArmPlan } from './test-plan.js';

type Recompute = (nullDifference: number, alpha: number) => NormalConfidenceSequence;

/** The margins and error levels of one accuracy test. */
export interface AccuracyTest {
  /** Non-inferiority margin (0: superiority). */
  readonly margin: number;
  readonly harmMargin: number;
  /** Level of the advance (non-inferiority) rule. */
  readonly alpha: number;
  /** Level of the harm (rollback) rule. */
  readonly harmAlpha: number;
  /** The segment judged; null for the whole arm. */
  readonly segment: string | null;
}

/** The policy's own accuracy test: its margins, alpha for both rules, the whole arm. */
export const policyAccuracyTest = (policy: Policy): AccuracyTest => ({
  margin: policy.nonInferiorityMargin,
  harmMargin: policy.harmMargin,
  alpha: policy.alpha,
  harmAlpha: policy.alpha,
  segment: null,
});

/** Correct and labelled of the two arms, as the test reads them. */
interface Proportions {
  readonly stable: { readonly correct: number; readonly labelled: number };
  readonly canary: { readonly correct: number; readonly labelled: number };
}

function judge(
  metric: string,
  counts: Proportions,
  n: { stable: number; canary: number },
  test: AccuracyTest,
  compute: Recompute,
  burnIn: string,
): MetricEvidence {
  const margin = -test.margin;
  const harm = -test.harmMargin;
  const cs = compute(margin, test.alpha);
  const estimates = {
    estimateStable: ratio(counts.stable.correct, counts.stable.labelled),
    estimateCanary: ratio(counts.canary.correct, counts.canary.labelled),
    difference: cs.estimate,
    lower: cs.reliable ? cs.lower : null,
    upper: cs.reliable ? cs.upper : null,
  };
  const where = test.segment === null ? '' : ` in segment ${test.segment}`;
  const reading = `canary ${percent(estimates.estimateCanary)} vs stable ${percent(estimates.estimateStable)}${where}, Δ ${points(cs.estimate)}`;
  const evidence = (outcome: MetricOutcome, extra: object, detail: string) =>
    metricEvidence(metric, outcome, n, { ...estimates, ...extra }, detail, test.segment);
  if (!cs.reliable) {
    return evidence(
      MetricOutcome.INCONCLUSIVE,
      { threshold: margin, pValue: cs.pValue },
      `${reading}; ${burnIn}`,
    );
  }
  // The harm rule at its own level when the scorecard split the error level; otherwise the same
  // sequence as the advance rule (the behaviour of a policy judged on accuracy alone).
  const harmCs = test.harmAlpha === test.alpha ? cs : compute(harm, test.harmAlpha);
  if (harmCs.reliable && harmCs.upper < harm) {
    const atHarm = compute(harm, test.harmAlpha);
    return evidence(
      MetricOutcome.FAIL,
      { threshold: harm, pValue: atHarm.pValue, lower: harmCs.lower, upper: harmCs.upper },
      `${reading}; ${confidence(test.harmAlpha)} always-valid interval ${pointsInterval(harmCs)} lies below ${points(harm)}: the canary is less accurate${where}`,
    );
  }
  const interval = `${confidence(test.alpha)} always-valid interval ${pointsInterval(cs)}`;
  if (test.segment === null && cs.lower > margin) {
    return evidence(
      MetricOutcome.PASS,
      { threshold: margin, pValue: cs.pValue },
      `${reading}; ${interval} lies above ${points(margin)}: ${margin === 0 ? 'superior' : 'non-inferior'}`,
    );
  }
  if (test.segment !== null && harmCs.lower >= harm) {
    return evidence(
      MetricOutcome.PASS,
      { threshold: harm, pValue: harmCs.pValue, lower: harmCs.lower, upper: harmCs.upper },
      `${reading}; ${confidence(test.harmAlpha)} always-valid interval ${pointsInterval(harmCs)} excludes harm below ${points(harm)}`,
    );
  }
  return evidence(
    MetricOutcome.INCONCLUSIVE,
    { threshold: margin, pValue: cs.pValue },
    `${reading}; ${interval} does not exclude ${points(margin)} yet`,
  );
}

/** Two independent arms (canary mode): served canary vs concurrent stable. */
export function assessAccuracy(
  counts: Proportions,
  policy: Policy,
  test: AccuracyTest = policyAccuracyTest(policy),
  planScale = 1,
): MetricEvidence {
  const planN = twoArmPlan(policy, planScale);
  const arms = {
    stable: { successes: counts.stable.correct, total: counts.stable.labelled },
    canary: { successes: counts.canary.correct, total: counts.canary.labelled },
  };
  return judge(
    'accuracy',
    counts,
    { stable: counts.stable.labelled, canary: counts.canary.labelled },
    test,
    (nullDifference, alpha) => proportionDifferenceCS(arms, { alpha, planN, nullDifference }),
    'needs at least 100 mature labelled predictions per arm',
  );
}

/**
 * Paired (shadow mode): both variants answered the same requests, so only discordant pairs carry
 * information and far fewer labels are needed than with two arms.
 */
export function assessPairedAccuracy(
  counts: WindowCounts,
  policy: Policy,
  test: AccuracyTest = policyAccuracyTest(policy),
): MetricEvidence {
  const { pairs } = counts;
  return judge(
    'accuracy',
    counts,
    { stable: pairs.nPairs, canary: pairs.nPairs },
    test,
    (nullDifference, alpha) =>
      pairedDifferenceCS(pairs, { alpha, planN: PLANNED_CANARY_SAMPLES, nullDifference }),
    `paired test on ${pairs.nPairs} labelled pairs (${pairs.n10 + pairs.n01} discordant) needs at least 100 pairs and 20 discordant`,
  );
}
