/**
 * Data-quality alarms. When either fires, the comparison between the arms is suspect, so the
 * policy pauses for a person instead of deciding on it (before any guardrail is read). They are
 * alarms, not gates: PASS means "no alarm", not "proven fine".
 */
import { MetricOutcome, RolloutPhase, type MetricEvidence } from '@kanary/contracts';
import { proportionCS, srmSequentialTest } from '@kanary/stats';
import { metricEvidence, notApplicable, percent, ratio } from './metric-evidence.js';
import type { RolloutObservations, WindowCounts } from './observations.js';
import type { Policy } from './policy-schema.js';
import { PLANNED_CANARY_SAMPLES, PLANNED_SRM_UNITS } from './test-plan.js';

/**
 * Sample-ratio mismatch: are assignment units arriving in the configured split? Anytime-valid
 * Dirichlet-multinomial test (Lindon & Malek 2022) over the current window, in which the weight
 * is constant. Counts routing keys (units of sticky assignment), not labelled predictions, so
 * unequal label coverage cannot masquerade as SRM. Canary mode only: shadow copies are made for
 * every request by construction.
 */
export function assessSampleRatio(
  phase: RolloutPhase,
  canaryWeight: number,
  observations: RolloutObservations,
  policy: Policy,
): MetricEvidence {
  const metric = 'sampleRatio';
  if (phase !== RolloutPhase.CANARY || canaryWeight <= 0 || canaryWeight >= 1) {
    return notApplicable(metric, 'no traffic split to check in shadow mode');
  }
  if (observations.windowUnits === null) {
    return notApplicable(
      metric,
      "not checked: the requests were not split by this rollout's weights (recorded traffic)",
    );
  }
  const { stable, canary } = observations.windowUnits;
  const expected = observations.canaryShare ?? canaryWeight;
  const n = { stable, canary };
  if (stable + canary === 0) {
    return metricEvidence(
      metric,
      MetricOutcome.INCONCLUSIVE,
      n,
      {},
      'no routed requests seen in this window yet',
    );
  }
  const test = srmSequentialTest([stable, canary], [1 - expected, expected], {
    alpha: policy.srmAlpha,
    planN: PLANNED_SRM_UNITS,
  });
  const observed = test.observedShares[1] ?? 0;
  const numbers = {
    estimateStable: test.observedShares[0] ?? 0,
    estimateCanary: observed,
    difference: observed - expected,
    pValue: test.pValue,
    threshold: policy.srmAlpha,
  };
  const reading = `canary received ${percent(observed)} of ${stable + canary} routed units, configured ${percent(expected)}; always-valid p = ${test.pValue.toPrecision(2)}`;
  return test.mismatch
    ? metricEvidence(
        metric,
        MetricOutcome.FAIL,
        n,
        numbers,
        `${reading} ≤ ${policy.srmAlpha}: sample-ratio mismatch`,
      )
    : metricEvidence(metric, MetricOutcome.PASS, n, numbers, reading);
}

/**
 * Label coverage (labelled within the maturity window ÷ routed, among mature requests) per arm.
 * Alarm when one arm's coverage is proven below `minLabelCoverageRatio` × the other's: each
 * arm's coverage gets an exact always-valid interval at coverageAlpha/2 (Bonferroni), and the
 * alarm needs upper(low arm) < ratio × lower(high arm), so it fires falsely with probability at
 * most coverageAlpha over the whole window. Unequal coverage means predictions of one arm go
 * missing (a crashing worker, dropped shadow copies), which biases every comparison.
 */
export function assessLabelCoverage(counts: WindowCounts, policy: Policy): MetricEvidence {
  const metric = 'labelCoverage';
  const minRatio = policy.minLabelCoverageRatio;
  if (minRatio === 0) return notApplicable(metric, 'label-coverage check disabled');
  const { stable, canary } = counts;
  const n = { stable: stable.routed, canary: canary.routed };
  if (stable.routed === 0 || canary.routed === 0) {
    return metricEvidence(
      metric,
      MetricOutcome.INCONCLUSIVE,
      n,
      {},
      'no mature routed requests in both arms yet',
    );
  }
  const interval = (labelled: number, routed: number) =>
    proportionCS(
      { successes: Math.min(labelled, routed), total: routed },
      { alpha: policy.coverageAlpha / 2, planN: PLANNED_CANARY_SAMPLES },
    );
  const s = interval(stable.labelled, stable.routed);
  const c = interval(canary.labelled, canary.routed);
  const numbers = {
    estimateStable: s.estimate,
    estimateCanary: c.estimate,
    difference: c.estimate - s.estimate,
    lower: c.lower,
    upper: c.upper,
    threshold: minRatio,
  };
  const reading = `label coverage canary ${percent(ratio(canary.labelled, canary.routed))} vs stable ${percent(ratio(stable.labelled, stable.routed))}`;
  if (c.upper < minRatio * s.lower || s.upper < minRatio * c.lower) {
    const low = c.upper < minRatio * s.lower ? 'canary' : 'stable';
    return metricEvidence(
      metric,
      MetricOutcome.FAIL,
      n,
      numbers,
      `${reading}: the ${low} arm's coverage is proven below ${minRatio} × the other's (predictions going missing?)`,
    );
  }
  return metricEvidence(metric, MetricOutcome.PASS, n, numbers, reading);
}
