/**
 * The scorecard a rollout is judged by, resolved from its policy and from what its data carries:
 * one primary metric, the guardrails that must not get worse, the segments guarded, and the
 * error level each test gets.
 *
 * Defaults follow the data (the kinds of values the arms carry, never their size, so the choice
 * does not depend on which arm looks better):
 * - primary: MAE when predictions are numeric (a numeric label and output), accuracy otherwise;
 * - guardrails: log-loss when predictions carry class probabilities, and one per named outcome of
 *   the labels (its direction from `metrics.outcomes`, higher is better by default);
 * - segments: guarded on the primary metric (and the guardrails with `segments.guardrails`)
 *   whenever predictions carry segments.
 * Error rate and latency stay guardrails of their own (see assess-guardrails.ts).
 *
 * Error control over all quality metrics together (Bonferroni): a false ROLLBACK on any of the
 * primary metric, the quality guardrails and the segments has probability ≤ alpha. The family
 * is the primary metric, each quality guardrail and — when segments are guarded — the segments
 * as one member; each member gets alpha / (family size), and the segments' share is split
 * evenly over `maxSegments` segments × the metrics guarded per segment. With accuracy alone
 * (no probabilities, outcomes or segments) the family is the primary metric only, at alpha, as
 * before. The primary metric's advance test (non-inferiority or superiority) is a different
 * error — a false ADVANCE — and keeps the full alpha. Error rate and latency test tolerances
 * (`maxIncrease`, `maxRatio`) at alpha each, as before: each fires falsely with probability
 * ≤ alpha only when the canary sits exactly at its tolerance, and almost never when the arms
 * are equal.
 */
import type { MeanMoments } from '@kanary/stats';
import type { ArmCounts, MeanCounts, RolloutObservations, SegmentCounts } from './observations.js';
import type { Policy } from './policy-schema.js';
import {
  DEFAULT_GUARDRAIL_MARGIN,
  DEFAULT_RELATIVE_MARGIN,
  MetricName,
  OUTCOME_PREFIX,
  PrimaryTest,
} from './scorecard-schema.js';

/** Mean-metric keys of the evidence (see @kanary/evidence). */
const ABS_ERROR = 'absError';
const SQUARED_ERROR = 'squaredError';

/** One metric as the scorecard judges it. */
export interface MetricSpec {
  /** accuracy, mae, rmse, logLoss, brier or outcome:<name>. */
  readonly metric: string;
  /** Whether larger values are better (accuracy, outcomes by default) or worse (losses). */
  readonly better: 'higher' | 'lower';
  /** Margins are shares of the stable's value (mean metrics) rather than absolute. */
  readonly relative: boolean;
  /** ADVANCE / PROMOTE needs the canary proven no worse than this (primary only; 0: superiority). */
  readonly margin: number;
  /** ROLLBACK once the canary is proven worse than this. */
  readonly harmMargin: number;
  /** Error level of the harm (ROLLBACK) test. */
  readonly harmAlpha: number;
}

export interface SegmentGuard {
  /** Metrics judged within each segment. */
  readonly metrics: readonly MetricSpec[];
  /** Segments judged, in order of first appearance (at most `maxSegments`). */
  readonly segments: readonly string[];
  /** Segments seen beyond `maxSegments`, not judged. */
  readonly unjudged: number;
}

export interface ResolvedScorecard {
  readonly primary: MetricSpec;
  /** Quality guardrails (not error rate or latency). */
  readonly guardrails: readonly MetricSpec[];
  /** Null when segments are not guarded (none seen, or disabled). */
  readonly segments: SegmentGuard | null;
  /** Members of the Bonferroni family (primary, guardrails, segments as one). */
  readonly familySize: number;
}

/** Whether a metric is a proportion (accuracy) or a mean. */
export const isProportion = (metric: string): boolean => metric === MetricName.ACCURACY;

/** The evidence key of a mean metric's moments: rmse is tested on the mean squared error. */
export function momentsKey(metric: string): string {
  switch (metric) {
    case MetricName.MAE:
      return ABS_ERROR;
    case MetricName.RMSE:
      return SQUARED_ERROR;
    default:
      return metric;
  }
}

const NO_MOMENTS: MeanMoments = Object.freeze({ n: 0, sum: 0, squares: 0 });

/** An arm's (or segment's) moments of a mean metric; empty when it has none. */
export function momentsOf(
  counts: Pick<ArmCounts, 'means'> | SegmentCounts,
  metric: string,
): MeanMoments {
  return counts.means?.[momentsKey(metric)] ?? NO_MOMENTS;
}

const has = (means: MeanCounts | undefined, key: string): boolean => (means?.[key]?.n ?? 0) > 0;

/** What the comparison's data carries, as the defaults need it. */
export interface DataShape {
  readonly numeric: boolean;
  readonly scored: boolean;
  /** Outcome names, sorted. */
  readonly outcomes: readonly string[];
  /** Segments in order of first appearance. */
  readonly segments: readonly string[];
}

export function dataShape(observations: RolloutObservations): DataShape {
  const { stable, canary } = observations.comparison;
  const either = (key: string) => has(stable.means, key) || has(canary.means, key);
  const outcomes = new Set<string>();
  for (const means of [stable.means, canary.means]) {
    for (const [key, moments] of Object.entries(means ?? {})) {
      if (key.startsWith(OUTCOME_PREFIX) && moments.n > 0) outcomes.add(key);
    }
  }
  return {
    numeric: either(ABS_ERROR),
    scored: either(MetricName.LOG_LOSS),
    outcomes: [...outcomes].sort(),
    segments: observations.segmentOrder ?? [],
  };
}

function betterOf(metric: string, policy: Policy): 'higher' | 'lower' {
  if (isProportion(metric)) return 'higher';
  if (metric.startsWith(OUTCOME_PREFIX)) {
    return policy.metrics.outcomes[metric.slice(OUTCOME_PREFIX.length)]?.better ?? 'higher';
  }
  return 'lower';
}

/** Resolves the scorecard of `policy` for data of `shape`. */
export function resolveScorecard(policy: Policy, shape: DataShape): ResolvedScorecard {
  const { primary: chosen, guardrails: listed } = policy.metrics;
  const primaryMetric =
    chosen.metric === 'auto'
      ? shape.numeric
        ? MetricName.MAE
        : MetricName.ACCURACY
      : chosen.metric;
  const proportion = isProportion(primaryMetric);
  // Accuracy margins are absolute (proportion points), as `nonInferiorityMargin` always was.
  const relative = !proportion && (chosen.relative ?? true);
  const defaultMargin = proportion ? policy.nonInferiorityMargin : DEFAULT_RELATIVE_MARGIN;
  const margin = chosen.test === PrimaryTest.SUPERIORITY ? 0 : (chosen.margin ?? defaultMargin);
  const harmMargin = chosen.harmMargin ?? policy.harmMargin;

  const guardrailMetrics: { metric: string; margin: number; relative: boolean }[] =
    listed === 'auto'
      ? [...(shape.scored ? [MetricName.LOG_LOSS] : []), ...shape.outcomes].map((metric) => ({
          metric,
          margin: DEFAULT_GUARDRAIL_MARGIN,
          relative: true,
        }))
      : listed.map((g) => ({ metric: g.metric, margin: g.margin, relative: g.relative }));
  const guardrails = guardrailMetrics.filter((g) => g.metric !== primaryMetric);

  const guardSegments = policy.segments.enabled && shape.segments.length > 0;
  const familySize = 1 + guardrails.length + (guardSegments ? 1 : 0);
  const memberAlpha = policy.alpha / familySize;

  const primary: MetricSpec = {
    metric: primaryMetric,
    better: betterOf(primaryMetric, policy),
    relative,
    margin,
    harmMargin,
    harmAlpha: memberAlpha,
  };
  const guardrailSpecs = guardrails.map((g): MetricSpec => ({
    metric: g.metric,
    better: betterOf(g.metric, policy),
    relative: g.relative && !isProportion(g.metric),
    margin: g.margin,
    harmMargin: g.margin,
    harmAlpha: memberAlpha,
  }));
  let segments: SegmentGuard | null = null;
  if (guardSegments) {
    const { maxSegments, guardrails: withGuardrails } = policy.segments;
    const judged = [primary, ...(withGuardrails ? guardrailSpecs : [])];
    const segmentAlpha = memberAlpha / (maxSegments * judged.length);
    segments = {
      metrics: judged.map((spec) => ({ ...spec, harmAlpha: segmentAlpha })),
      segments: shape.segments.slice(0, maxSegments),
      unjudged: Math.max(0, shape.segments.length - maxSegments),
    };
  }
  return { primary, guardrails: guardrailSpecs, segments, familySize };
}
