/**
 * Guardrails besides accuracy: the ERROR/TIMEOUT rate and a latency quantile. Both are
 * always-valid tests on proportions (@kanary/stats), so re-running them at every look is safe.
 */
import { MetricOutcome, type MetricEvidence } from '@kanary/contracts';
import { latencyExceedanceTest, proportionDifferenceCS } from '@kanary/stats';
import {
  confidence,
  metricEvidence,
  notApplicable,
  percent,
  points,
  pointsInterval,
  ratio,
} from './metric-evidence.js';
import type { RolloutObservations, WindowCounts } from './observations.js';
import type { Policy } from './policy-schema.js';
import { PLANNED_CANARY_SAMPLES, twoArmPlan } from './test-plan.js';

/**
 * Error rate: FAIL when Δ(error rate) is proven above `maxIncrease`, PASS when proven at or
 * below it. Errors are counted among the same mature labelled predictions as accuracy.
 */
export function assessErrorRate(counts: WindowCounts, policy: Policy): MetricEvidence {
  const metric = 'errorRate';
  if (!policy.errorRate.enabled) return notApplicable(metric, 'error-rate guardrail disabled');
  const { stable, canary } = counts;
  const limit = policy.errorRate.maxIncrease;
  const cs = proportionDifferenceCS(
    {
      stable: { successes: stable.errors, total: stable.labelled },
      canary: { successes: canary.errors, total: canary.labelled },
    },
    { alpha: policy.alpha, planN: twoArmPlan(policy), nullDifference: limit },
  );
  const n = { stable: stable.labelled, canary: canary.labelled };
  const numbers = {
    estimateStable: ratio(stable.errors, stable.labelled),
    estimateCanary: ratio(canary.errors, canary.labelled),
    difference: cs.estimate,
    lower: cs.reliable ? cs.lower : null,
    upper: cs.reliable ? cs.upper : null,
    pValue: cs.pValue,
    threshold: limit,
  };
  const reading = `errors canary ${percent(numbers.estimateCanary)} vs stable ${percent(numbers.estimateStable)}`;
  if (!cs.reliable) {
    return metricEvidence(
      metric,
      MetricOutcome.INCONCLUSIVE,
      n,
      numbers,
      `${reading}; needs at least 100 mature labelled predictions per arm`,
    );
  }
  const interval = `${confidence(policy.alpha)} always-valid interval of the increase ${pointsInterval(cs)}`;
  if (cs.lower > limit) {
    return metricEvidence(
      metric,
      MetricOutcome.FAIL,
      n,
      numbers,
      `${reading}; ${interval} lies above the tolerated ${points(limit)}`,
    );
  }
  if (cs.upper <= limit) {
    return metricEvidence(
      metric,
      MetricOutcome.PASS,
      n,
      numbers,
      `${reading}; ${interval} stays within the tolerated ${points(limit)}`,
    );
  }
  return metricEvidence(
    metric,
    MetricOutcome.INCONCLUSIVE,
    n,
    numbers,
    `${reading}; ${interval} does not settle the tolerated ${points(limit)} yet`,
  );
}

/** Metric name of the latency guardrail: latencyP95 for quantile 0.95, latencyP99.9 for 0.999. */
export const latencyMetricName = (quantile: number): string =>
  `latencyP${Number((quantile * 100).toFixed(1))}`;

/**
 * Latency: "the canary's q-quantile is at most maxRatio × the stable's". The threshold
 * T = maxRatio × (stable q-quantile over a reference window) is fixed before it is used; from
 * then on each request is a Bernoulli "slower than T". If the canary's q-quantile is ≤ T, at
 * most 1 − q of its requests exceed T.
 *
 * - PASS when the canary's exceedance share is proven ≤ 1 − q (exact beta-binomial sequence).
 * - FAIL when it is proven > 1 − q AND proven above the stable's own share over the same
 *   window, so a slowdown of the whole system (or a reference window that happened to be fast)
 *   is not blamed on the canary. Requiring both keeps the false-rollback rate within alpha.
 */
export function assessLatency(observations: RolloutObservations, policy: Policy): MetricEvidence {
  const { quantile, maxRatio, enabled, referenceSamples } = policy.latency;
  const metric = latencyMetricName(quantile);
  if (!enabled) return notApplicable(metric, 'latency guardrail disabled');
  const { stable, canary } = observations.comparison;
  const n = { stable: stable.timed, canary: canary.timed };
  const threshold = observations.latencyThreshold;
  const allowed = 1 - quantile;
  if (threshold === null) {
    return metricEvidence(
      metric,
      MetricOutcome.INCONCLUSIVE,
      n,
      { threshold: allowed },
      `stable reference window filling: ${observations.latencyReferenceCollected} of ${referenceSamples} samples`,
    );
  }
  const test = latencyExceedanceTest(
    { successes: canary.slow, total: canary.timed },
    { quantile, maxRatio: 1, alpha: policy.alpha, planN: PLANNED_CANARY_SAMPLES },
  );
  const versusStable = proportionDifferenceCS(
    {
      stable: { successes: stable.slow, total: stable.timed },
      canary: { successes: canary.slow, total: canary.timed },
    },
    { alpha: policy.alpha, planN: twoArmPlan(policy) },
  );
  const numbers = {
    estimateStable: ratio(stable.slow, stable.timed),
    estimateCanary: test.share.estimate,
    difference: test.share.estimate - ratio(stable.slow, stable.timed),
    lower: test.share.lower,
    upper: test.share.upper,
    pValue: test.pValue,
    threshold: allowed,
  };
  const q = `p${Number((quantile * 100).toFixed(1))}`;
  const reading =
    `${percent(numbers.estimateCanary)} of canary requests (stable ${percent(numbers.estimateStable)}) ` +
    `slower than ${threshold.thresholdMs.toFixed(1)} ms = ${maxRatio} × stable ${q} ${threshold.referenceMs.toFixed(1)} ms; ` +
    `${confidence(policy.alpha)} always-valid interval ${percent(test.share.lower)} to ${percent(test.share.upper)}, at most ${percent(allowed)} allowed`;
  if (test.regression && versusStable.reliable && versusStable.lower > 0) {
    return metricEvidence(
      metric,
      MetricOutcome.FAIL,
      n,
      numbers,
      `${reading}: the canary's ${q} is above the limit`,
    );
  }
  if (test.withinLimit) {
    return metricEvidence(metric, MetricOutcome.PASS, n, numbers, `${reading}: within the limit`);
  }
  return metricEvidence(
    metric,
    MetricOutcome.INCONCLUSIVE,
    n,
    numbers,
    `${reading}: not settled yet`,
  );
}
