/**
 * Building blocks of the evidence a decision publishes: one `MetricEvidence` (wire type of
 * `rollout.decisions`) per metric, its numbers rounded for humans only in `detail`.
 */
import { MetricOutcome, type MetricEvidence } from '@kanary/contracts';
import type { ConfidenceSequence } from '@kanary/stats';

/** The optional numeric fields, null when a metric has no such number. */
type Numbers = Partial<
  Pick<
    MetricEvidence,
    'estimateStable' | 'estimateCanary' | 'difference' | 'lower' | 'upper' | 'pValue' | 'threshold'
  >
>;

const finiteOrNull = (value: number | null | undefined): number | null =>
  value === null || value === undefined || !Number.isFinite(value) ? null : value;

/** One metric's evidence; non-finite numbers become null (the wire carries plain doubles). */
export function metricEvidence(
  metric: string,
  outcome: MetricOutcome,
  n: { readonly stable: number; readonly canary: number },
  numbers: Numbers,
  detail: string,
  segment: string | null = null,
): MetricEvidence {
  return {
    metric,
    segment,
    outcome,
    nStable: n.stable,
    nCanary: n.canary,
    estimateStable: finiteOrNull(numbers.estimateStable),
    estimateCanary: finiteOrNull(numbers.estimateCanary),
    difference: finiteOrNull(numbers.difference),
    lower: finiteOrNull(numbers.lower),
    upper: finiteOrNull(numbers.upper),
    pValue: finiteOrNull(numbers.pValue),
    threshold: finiteOrNull(numbers.threshold),
    detail,
  };
}

/** How a row is named for people and as a key: `accuracy`, or `accuracy[winter]` within a segment. */
export const evidenceLabel = (e: Pick<MetricEvidence, 'metric' | 'segment'>): string =>
  e.segment === null ? e.metric : `${e.metric}[${e.segment}]`;

/** Evidence for a metric that does not apply to this rollout (disabled, or the wrong mode). */
export function notApplicable(metric: string, detail: string): MetricEvidence {
  return metricEvidence(metric, MetricOutcome.NOT_APPLICABLE, { stable: 0, canary: 0 }, {}, detail);
}

/** A share as a percentage with one decimal: 0.8512 → "85.1 %". */
export const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

/** A difference of shares in points with a sign: −0.049 → "-4.9 points". */
export const points = (difference: number): string =>
  `${difference > 0 ? '+' : ''}${(difference * 100).toFixed(1)} points`;

/** "−7.9 to −1.8 points": an interval of a difference of shares. */
export const pointsInterval = (cs: Pick<ConfidenceSequence, 'lower' | 'upper'>): string =>
  `${(cs.lower * 100).toFixed(1)} to ${(cs.upper * 100).toFixed(1)} points`;

/** "95 %" for alpha 0.05. */
export const confidence = (alpha: number): string =>
  `${Number(((1 - alpha) * 100).toPrecision(4))} %`;

/** x / n, or 0 when n is 0. */
export const ratio = (x: number, n: number): number => (n > 0 ? x / n : 0);
