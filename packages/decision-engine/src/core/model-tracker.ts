/**
 * What the engine keeps per model, whatever the shape of its rollout: a rollout with one canary
 * (one {@link RolloutTracker}) or an A/B/n rollout (a `CandidateGroup`, candidate-group.ts: one
 * tracker per candidate). Outputs and trackers are lists so that the engine gathers them the same
 * way for both, and a new rollout shape needs no branch in the engine.
 */
import type { DecisionReport, RolloutCommand, RolloutState } from '@kanary/contracts';
import type { SourceProgress } from '@kanary/evidence';
import type { Policy } from '@kanary/rollout';
import type { ApprovalWait, JudgeRules, RolloutTracker } from './rollout-tracker.js';

/** What one judgement of a model's rollout publishes. */
export interface ModelJudgement {
  readonly reports: readonly DecisionReport[];
  /** At most one command per judgement: the rollout's state moves one step at a time. */
  readonly command: RolloutCommand | null;
  readonly awaiting: readonly ApprovalWait[];
}

export interface ModelTracker {
  /** The rollout's latest state (an A/B/n rollout's own, not a candidate's view). */
  readonly state: RolloutState;
  /** The rollout's policy, defaults applied (an A/B/n rollout's own, not a candidate's). */
  readonly policy: Policy;
  /** The trackers whose statistics are summarised, one per arm compared with the stable. */
  readonly trackers: readonly RolloutTracker[];
  /** A newer state of the same rollout. */
  update(next: RolloutState): void;
  /** Judges the rollout at `now` and says what to publish. */
  judgeRollout(now: number, rules: JudgeRules, progress: SourceProgress): ModelJudgement;
}
