/** The human-facing summary of one rollout (status pages, the demo, `replay --json`). */
import { RolloutPhase, Role } from '@kanary/contracts';
import { proportionCS } from '@kanary/stats';
import {
  OUTCOME_PREFIX as OUTCOME,
  PLANNED_CANARY_SAMPLES,
  momentsOf,
  type ArmCounts,
} from '@kanary/rollout';
import type { ArmSummary, RolloutSummary, SegmentSummary } from './engine-types.js';
import type { RolloutTracker } from './rollout-tracker.js';
import { Arm } from './tally.js';

export function summarise(tracker: RolloutTracker): RolloutSummary {
  const state = tracker.state;
  const shadow = (state.pausedFrom ?? state.phase) === RolloutPhase.SHADOW;
  const phaseForCounts = shadow ? RolloutPhase.SHADOW : RolloutPhase.CANARY;
  const { comparison } = tracker.statistics.observations(phaseForCounts);
  const canaryArm = shadow ? Arm.SHADOW : Arm.CANARY;
  const arms: ArmSummary[] = [
    armSummary(tracker, Arm.STABLE, tracker.stable, Role.STABLE, comparison.stable),
  ];
  if (tracker.canary !== null) {
    const role = shadow ? Role.SHADOW : Role.CANARY;
    arms.push(armSummary(tracker, canaryArm, tracker.canary, role, comparison.canary));
  }
  return {
    model: state.model,
    rolloutId: state.rolloutId,
    phase: state.phase,
    canaryWeight: state.canaryWeight,
    stepIndex: state.stepIndex,
    arms,
    candidate: tracker.candidate?.candidate ?? null,
    lastDecision: tracker.lastDecision,
  };
}

function armSummary(
  tracker: RolloutTracker,
  arm: Arm,
  variant: string,
  role: Role,
  counts: ArmCounts,
): ArmSummary {
  const overall = tracker.statistics.overall(arm);
  const quantile = (q: number) => overall.latency?.quantile(q) ?? null;
  const labelled = counts.labelled;
  const interval =
    labelled > 0
      ? proportionCS(
          { successes: counts.correct, total: labelled },
          { alpha: tracker.policy.alpha, planN: PLANNED_CANARY_SAMPLES },
        )
      : null;
  return {
    variant,
    role,
    labelled,
    accuracy: labelled > 0 ? counts.correct / labelled : null,
    accuracyLower: interval?.lower ?? null,
    accuracyUpper: interval?.upper ?? null,
    errorRate: labelled > 0 ? counts.errors / labelled : null,
    latencyP50: quantile(0.5),
    latencyP95: quantile(0.95),
    latencyP99: quantile(0.99),
    routed: overall.routed,
    mae: mean(counts, 'mae'),
    rmse: rootOf(mean(counts, 'rmse')),
    logLoss: mean(counts, 'logLoss'),
    brier: mean(counts, 'brier'),
    outcomes: Object.fromEntries(
      Object.keys(counts.means ?? {})
        .filter((key) => key.startsWith(OUTCOME))
        .sort()
        .map((key) => [key.slice(OUTCOME.length), mean(counts, key)]),
    ),
    segments: Object.entries(counts.segments ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([segment, s]): SegmentSummary => ({
        segment,
        labelled: s.labelled,
        accuracy: s.labelled > 0 ? s.correct / s.labelled : null,
        mae: mean(s, 'mae'),
      })),
  };
}

/** The mean of a metric's values, null without any. */
function mean(counts: Parameters<typeof momentsOf>[0], metric: string): number | null {
  const moments = momentsOf(counts, metric);
  return moments.n > 0 ? moments.sum / moments.n : null;
}

const rootOf = (value: number | null): number | null => (value === null ? null : Math.sqrt(value));
