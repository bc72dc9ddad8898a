/**
 * The primary metric: Δ = accuracy_canary − accuracy_stable with an always-valid confidence
 * sequence, re-run at every look without inflating errors (normal-mixture CS; Johari et al.
 * 2017, Howard et al. 2021; see @kanary/stats).
 *
 * - FAIL (roll back) when the upper bound < −harmMargin: the canary is proven worse.
 * - PASS (may advance) when the lower bound > −nonInferiorityMargin: proven not worse than δ.
 * - Otherwise, or during the test's burn-in, INCONCLUSIVE — not enough data, not a failure.
 *
 * Both rules read the same sequence, so when the canary is slightly worse (between −δ and
 * −harmMargin) enough data eventually proves both, and "worst wins" rolls it back.
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

type Recompute = (nullDifference: number) => NormalConfidenceSequence;

function judge(
  metric: string,
  counts: WindowCounts,
  n: { stable: number; canary: number },
  policy: Policy,
  compute: Recompute,
  burnIn: string,
): MetricEvidence {
  const margin = -policy.nonInferiorityMargin;
  const harm = -policy.harmMargin;
  const cs = compute(margin);
  const estimates = {
    estimateStable: ratio(counts.stable.correct, counts.stable.labelled),
    estimateCanary: ratio(counts.canary.correct, counts.canary.labelled),
    difference: cs.estimate,
    lower: cs.reliable ? cs.lower : null,
    upper: cs.reliable ? cs.upper : null,
  };
  const level = confidence(policy.alpha);
  const reading = `canary ${percent(estimates.estimateCanary)} vs stable ${percent(estimates.estimateStable)}, Δ ${points(cs.estimate)}`;
  if (!cs.reliable) {
    return metricEvidence(
      metric,
      MetricOutcome.INCONCLUSIVE,
      n,
      { ...estimates, threshold: margin, pValue: cs.pValue },
      `${reading}; ${burnIn}`,
    );
  }
  const interval = `${level} always-valid interval ${pointsInterval(cs)}`;
  if (cs.upper < harm) {
    const atHarm = compute(harm);
    return metricEvidence(
      metric,
      MetricOutcome.FAIL,
      n,
      { ...estimates, threshold: harm, pValue: atHarm.pValue },
      `${reading}; ${interval} lies below ${points(harm)}: the canary is less accurate`,
    );
  }
  if (cs.lower > margin) {
    return metricEvidence(
      metric,
      MetricOutcome.PASS,
      n,
      { ...estimates, threshold: margin, pValue: cs.pValue },
      `${reading}; ${interval} lies above ${points(margin)}: non-inferior`,
    );
  }
  return metricEvidence(
    metric,
    MetricOutcome.INCONCLUSIVE,
    n,
    { ...estimates, threshold: margin, pValue: cs.pValue },
    `${reading}; ${interval} does not exclude ${points(margin)} yet`,
  );
}

/** Two independent arms (canary mode): served canary vs concurrent stable. */
export function assessAccuracy(counts: WindowCounts, policy: Policy): MetricEvidence {
  const planN = twoArmPlan(policy);
  const arms = {
    stable: { successes: counts.stable.correct, total: counts.stable.labelled },
    canary: { successes: counts.canary.correct, total: counts.canary.labelled },
  };
  return judge(
    'accuracy',
    counts,
    { stable: counts.stable.labelled, canary: counts.canary.labelled },
    policy,
    (nullDifference) =>
      proportionDifferenceCS(arms, { alpha: policy.alpha, planN, nullDifference }),
    'needs at least 100 mature labelled predictions per arm',
  );
}

/**
 * Paired (shadow mode): both variants answered the same requests, so only discordant pairs carry
 * information and far fewer labels are needed than with two arms.
 */
export function assessPairedAccuracy(counts: WindowCounts, policy: Policy): MetricEvidence {
  const { pairs } = counts;
  return judge(
    'accuracy',
    counts,
    { stable: pairs.nPairs, canary: pairs.nPairs },
    policy,
    (nullDifference) =>
      pairedDifferenceCS(pairs, {
        alpha: policy.alpha,
        planN: PLANNED_CANARY_SAMPLES,
        nullDifference,
      }),
    `paired test on ${pairs.nPairs} labelled pairs (${pairs.n10 + pairs.n01} discordant) needs at least 100 pairs and 20 discordant`,
  );
}
