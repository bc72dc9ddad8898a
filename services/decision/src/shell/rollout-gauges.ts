import type { ArmSummary, RolloutSummary, SegmentSummary } from '@kanary/decision-engine';
import type { Gauge, MetricFactory } from '@kanary/observability';

/**
 * Segments per arm with gauges: the most labelled. A segment feature of high cardinality (a
 * user id by mistake) must not create thousands of series; the console and `kanary rollout
 * status --json` show every segment.
 */
export const SEGMENT_GAUGES_PER_ARM = 16;

/**
 * `candidate` is set for the series of an A/B/n rollout only: the candidate whose judgement the
 * arm belongs to (see {@link rolloutGauges}); a rollout with one canary keeps its series as they
 * were, without the label.
 */
const ARM_LABELS = ['model', 'rollout_id', 'variant', 'role', 'candidate'] as const;
type ArmLabel = (typeof ARM_LABELS)[number];
type ArmLabels = Partial<Record<ArmLabel, string>>;

/** The `limit` segments of an arm with the most labels (ties by name). */
export function topSegments(
  segments: readonly SegmentSummary[],
  limit = SEGMENT_GAUGES_PER_ARM,
): SegmentSummary[] {
  return [...segments]
    .sort((a, b) => b.labelled - a.labelled || (a.segment < b.segment ? -1 : 1))
    .slice(0, limit);
}

/**
 * Gauges of every model's current rollout, per arm: what the decision judges (mature labelled
 * samples of its window), set from the engine's summary at each tick; a rollout no longer
 * current loses its series. A value the arm does not have (no numeric prediction, no class
 * probabilities, no label yet) has no series rather than a zero.
 *
 * An A/B/n rollout has one summary per candidate, each with two arms: the stable and that
 * candidate, as that candidate's judgement counts them (its step's window, its alpha). The stable
 * arm therefore has one series per candidate, labelled `candidate="<variant>"` — not one shared
 * series, whose value would be whichever candidate's window was written last — and so have the
 * candidate's own arm, `kanary_rollout_info` (phase and `canary` of that candidate) and
 * `kanary_rollout_step` (its step). Sum or compare across `candidate` knowingly: the stable's
 * samples are counted once per candidate.
 */
export function rolloutGauges(m: MetricFactory) {
  const rolloutInfo = m.gauge(
    'kanary_rollout_info',
    "1 for each model's current rollout as the decision service knows it (phase, variants)",
    ['model', 'rollout_id', 'phase', 'stable', 'canary', 'candidate'],
  );
  const step = m.gauge(
    'kanary_rollout_step',
    "Index of the rollout's current weight step (A/B/n: per candidate)",
    ['model', 'candidate'],
  );
  const perArm = (name: string, help: string) => m.gauge(name, help, ARM_LABELS);
  const arm = {
    labelled: perArm(
      'kanary_rollout_arm_labelled',
      'Mature labelled samples the policy counts, per arm of the current rollout',
    ),
    accuracy: perArm(
      'kanary_rollout_arm_accuracy',
      'Accuracy of the mature labelled samples, per arm of the current rollout',
    ),
    lower: perArm(
      'kanary_rollout_arm_accuracy_lower',
      'Lower bound of the always-valid confidence interval of the arm accuracy',
    ),
    upper: perArm(
      'kanary_rollout_arm_accuracy_upper',
      'Upper bound of the always-valid confidence interval of the arm accuracy',
    ),
    errorRate: perArm(
      'kanary_rollout_arm_error_rate',
      'Share of ERROR and TIMEOUT among the mature labelled samples, per arm',
    ),
    mae: perArm(
      'kanary_rollout_arm_mae',
      'Mean absolute error of the numeric predictions among the mature labelled samples, per arm',
    ),
    rmse: perArm(
      'kanary_rollout_arm_rmse',
      'Root mean squared error of the numeric predictions among the mature labelled samples, per arm',
    ),
    logLoss: perArm(
      'kanary_rollout_arm_log_loss',
      'Mean log-loss of the predictions with class probabilities among the mature labelled samples, per arm',
    ),
    brier: perArm(
      'kanary_rollout_arm_brier',
      'Mean Brier score of the predictions with class probabilities among the mature labelled samples, per arm',
    ),
    outcome: m.gauge(
      'kanary_rollout_arm_outcome_mean',
      "Mean of a label outcome (the label's named outcomes) over the mature labelled samples, per arm",
      [...ARM_LABELS, 'outcome'],
    ),
    latency: m.gauge(
      'kanary_rollout_arm_latency_seconds',
      'Latency quantiles of the arm (mergeable sketch of the samples the policy judges)',
      [...ARM_LABELS, 'quantile'],
    ),
  };
  const segmentLabels = [...ARM_LABELS, 'segment'] as const;
  const segment = {
    labelled: m.gauge(
      'kanary_rollout_arm_segment_labelled',
      `Mature labelled samples of a segment, per arm (the ${SEGMENT_GAUGES_PER_ARM} most labelled segments of each arm)`,
      segmentLabels,
    ),
    accuracy: m.gauge(
      'kanary_rollout_arm_segment_accuracy',
      `Accuracy of a segment's mature labelled samples, per arm (the ${SEGMENT_GAUGES_PER_ARM} most labelled segments of each arm)`,
      segmentLabels,
    ),
    mae: m.gauge(
      'kanary_rollout_arm_segment_mae',
      `Mean absolute error of a segment's numeric predictions, per arm (the ${SEGMENT_GAUGES_PER_ARM} most labelled segments of each arm)`,
      segmentLabels,
    ),
  };

  function describeArm(labels: ArmLabels, a: ArmSummary): void {
    arm.labelled.set(labels, a.labelled);
    const optional: Array<[Gauge<ArmLabel>, number | null]> = [
      [arm.accuracy, a.accuracy],
      [arm.lower, a.accuracyLower],
      [arm.upper, a.accuracyUpper],
      [arm.errorRate, a.errorRate],
      [arm.mae, a.mae],
      [arm.rmse, a.rmse],
      [arm.logLoss, a.logLoss],
      [arm.brier, a.brier],
    ];
    for (const [gauge, value] of optional) if (value !== null) gauge.set(labels, value);
    for (const [outcome, mean] of Object.entries(a.outcomes)) {
      if (mean !== null) arm.outcome.set({ ...labels, outcome }, mean);
    }
    const quantiles: Array<[string, number | null]> = [
      ['0.5', a.latencyP50],
      ['0.95', a.latencyP95],
      ['0.99', a.latencyP99],
    ];
    for (const [quantile, ms] of quantiles) {
      if (ms !== null) arm.latency.set({ ...labels, quantile }, ms / 1_000);
    }
    for (const s of topSegments(a.segments)) {
      const withSegment = { ...labels, segment: s.segment };
      segment.labelled.set(withSegment, s.labelled);
      if (s.accuracy !== null) segment.accuracy.set(withSegment, s.accuracy);
      if (s.mae !== null) segment.mae.set(withSegment, s.mae);
    }
  }

  return {
    /** Replaces every series with those of `summary`'s rollouts. */
    describe(summary: readonly RolloutSummary[]): void {
      rolloutInfo.reset();
      step.reset();
      for (const gauge of [...Object.values(arm), ...Object.values(segment)]) gauge.reset();
      for (const s of summary) {
        const canary = s.arms.find((a) => a.role !== 'STABLE')?.variant ?? '';
        const stable = s.arms.find((a) => a.role === 'STABLE')?.variant ?? '';
        const about = s.candidate === null ? {} : { candidate: s.candidate };
        rolloutInfo.set(
          { model: s.model, rollout_id: s.rolloutId, phase: s.phase, stable, canary, ...about },
          1,
        );
        step.set({ model: s.model, ...about }, s.stepIndex);
        for (const a of s.arms) {
          const labels = {
            model: s.model,
            rollout_id: s.rolloutId,
            variant: a.variant,
            role: a.role,
            ...about,
          };
          describeArm(labels, a);
        }
      }
    },
  };
}
