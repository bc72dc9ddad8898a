/**
 * Label-free early signal in shadow mode. For exact-match correctness a request on which both
 * variants give the same output is right or wrong for both, so |Δ accuracy| ≤ P(disagree); an
 * always-valid upper bound on the disagreement rate below δ proves non-inferiority before any
 * label arrives (see disagreementNonInferiority in @kanary/stats). It may move a shadow to the
 * first canary step early; it never fails a canary (disagreeing is not being worse) and never
 * promotes on its own — every canary step is still judged on labelled, served predictions.
 */
import { MetricOutcome, type MetricEvidence } from '@kanary/contracts';
import { disagreementNonInferiority, type DisagreementCounts } from '@kanary/stats';
import { confidence, metricEvidence, notApplicable, percent } from './metric-evidence.js';
import type { Policy } from './policy-schema.js';
import { PLANNED_CANARY_SAMPLES } from './test-plan.js';

export function assessShadowAgreement(
  agreement: DisagreementCounts | null,
  policy: Policy,
): MetricEvidence {
  const metric = 'agreement';
  if (!policy.shadowAgreement.enabled) return notApplicable(metric, 'agreement signal disabled');
  if (agreement === null) {
    return notApplicable(
      metric,
      'agreement not measured (no shadow predictions seen, or numeric labels, for which it is not valid)',
    );
  }
  const margin = policy.nonInferiorityMargin;
  const result = disagreementNonInferiority(agreement, {
    margin,
    alpha: policy.alpha,
    planN: PLANNED_CANARY_SAMPLES,
  });
  const { disagreement } = result;
  const n = { stable: agreement.nPairs, canary: agreement.nPairs };
  const numbers = {
    difference: disagreement.estimate,
    lower: disagreement.lower,
    upper: disagreement.upper,
    pValue: result.pValue,
    threshold: margin,
  };
  const reading = `outputs differ on ${percent(disagreement.estimate)} of ${agreement.nPairs} shadow pairs, ${confidence(policy.alpha)} always-valid upper bound ${percent(disagreement.upper)}`;
  const minPairs = policy.shadowAgreement.minPairs;
  if (agreement.nPairs < minPairs) {
    return metricEvidence(
      metric,
      MetricOutcome.INCONCLUSIVE,
      n,
      numbers,
      `${reading}; needs ${minPairs} pairs`,
    );
  }
  return result.nonInferior
    ? metricEvidence(
        metric,
        MetricOutcome.PASS,
        n,
        numbers,
        `${reading} < ${percent(margin)}: accuracy cannot differ by more than the margin`,
      )
    : metricEvidence(
        metric,
        MetricOutcome.INCONCLUSIVE,
        n,
        numbers,
        `${reading}, not below ${percent(margin)}`,
      );
}
