import { accuracyInterval } from '@kanary/charts';
import type { Candidate, DecisionReport, RolloutState } from '@kanary/contracts';
import {
  armKey,
  armReport,
  type ArmReport,
  type ArmTotals,
  type EvidenceBook,
  type SegmentReport,
} from '@kanary/evidence';
import { OperatorVerb } from '@kanary/rollout';
import type { RolloutRecord } from '@kanary/rollout-client';
import { armRole, compareArms, type ArmRole } from './arm-role.js';
import { labelProgress, type LabelProgress } from './label-progress.js';

/**
 * One arm as the console shows it: everything its evidence holds so far, summed over every
 * source partition (so exact whatever the number of evaluator instances).
 */
export interface ArmView extends Pick<
  ArmReport,
  'meanAbsError' | 'rootMeanSquaredError' | 'logLoss' | 'brier' | 'outcomes'
> {
  readonly role: ArmRole;
  readonly variant: string;
  /** False for shadow copies (they serve nobody). */
  readonly served: boolean;
  /** Routed requests of the arm: the same number as `routed` (kept for existing readers). */
  readonly predictions: number;
  readonly routed: number;
  /** Evaluations labelled within the rollout's label maturity window. */
  readonly labelled: number;
  readonly correct: number;
  /** Evaluations labelled after the window (not in `labelled`). */
  readonly lateLabels: number;
  readonly accuracy: number | null;
  /** Always-valid 95 % interval of the accuracy (null before the first label). */
  readonly accuracyLower: number | null;
  readonly accuracyUpper: number | null;
  /** ERROR or TIMEOUT among the labelled. */
  readonly errorRate: number | null;
  /** Latency quantiles of the labelled evaluations, ms. */
  readonly latencyP50: number | null;
  readonly latencyP95: number | null;
  readonly latencyP99: number | null;
  /** Routed requests whose label window is still open and that have no label yet. */
  readonly pending: number;
  /** Routed requests of mature buckets not labelled within the window. */
  readonly expired: number;
  /** labelled ÷ routed over the mature buckets (the decision's label coverage); null before one. */
  readonly labelCoverage: number | null;
  /** Epoch ms, event time: the end of the arm's newest evidence bucket. */
  readonly at: number;
  /** Per segment, most labelled first; empty when no prediction named one. */
  readonly segments: readonly SegmentView[];
}

/** One segment of an arm: its labelled evaluations (within the maturity window). */
export interface SegmentView extends SegmentReport {
  /** Always-valid 95 % interval of the segment's accuracy (null before its first label). */
  readonly accuracyLower: number | null;
  readonly accuracyUpper: number | null;
}

/** The verbs that act on one candidate of an A/B/n rollout (a button per LIVE candidate). */
export const CANDIDATE_VERBS = ['promote', 'rollback'] as const satisfies readonly OperatorVerb[];
export type CandidateVerb = (typeof CANDIDATE_VERBS)[number];

/**
 * One candidate of an A/B/n rollout: its state, its arm's numbers so far against the stable's,
 * and the latest decision about it (`DecisionReport.candidate`).
 */
export interface CandidateView extends Pick<
  Candidate,
  'variant' | 'status' | 'weight' | 'stepIndex' | 'changedAt'
> {
  /** Its arm of the merged evidence (null before its first evidence). */
  readonly arm: ArmView | null;
  /** Its accuracy − the stable's, so far (null until both have a label). */
  readonly accuracyVsStable: number | null;
  /** The latest decision about it. */
  readonly lastDecision: DecisionReport | null;
  /** The ADVANCE or PROMOTE of it waiting for an approval of its current step, if any. */
  readonly awaitingApproval: DecisionReport['awaitingApproval'];
  /** The verbs its buttons offer (empty once it ended, or for a past rollout). */
  readonly actions: readonly CandidateVerb[];
}

/** A rollout as listed and as served by the JSON API. */
export interface RolloutSummary {
  readonly rolloutId: string;
  readonly model: string;
  /** True while it is its model's current rollout (only then do operator actions apply). */
  readonly current: boolean;
  readonly phase: RolloutState['phase'] | null;
  readonly canaryWeight: number | null;
  readonly stepIndex: number | null;
  readonly stable: string | null;
  readonly canary: string | null;
  readonly seq: number | null;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly lastCommand: RolloutState['lastCommand'];
  /** Who approved a step (the current one, or the last before the rollout ended). */
  readonly approval: RolloutState['approval'];
  /** The ADVANCE or PROMOTE waiting for an approval of the current step, if any. */
  readonly awaitingApproval: DecisionReport['awaitingApproval'];
  readonly lastDecision: DecisionReport | null;
  readonly arms: readonly ArmView[];
  /**
   * Epoch ms, event time up to which every source partition's evidence is complete (the lowest
   * watermark); null until every partition has reported one.
   */
  readonly evidenceWatermark: number | null;
  /**
   * Operator verbs that make sense in the current phase (empty for past rollouts). For an A/B/n
   * rollout, promote is a candidate's (see `candidates`) and rollback rolls back every one.
   */
  readonly actions: readonly OperatorVerb[];
  /** A/B/n rollouts: every candidate in START order; empty for a rollout with one canary. */
  readonly candidates: readonly CandidateView[];
}

/** The merged evidence topic, and the event time it is complete to (`progress().low`). */
export interface EvidenceReading {
  readonly book: EvidenceBook;
  readonly low: number | null;
}

const TERMINAL: ReadonlySet<string> = new Set(['PROMOTED', 'ROLLED_BACK']);

export const isTerminal = (phase: string | null | undefined): boolean =>
  phase !== null && phase !== undefined && TERMINAL.has(phase);

/**
 * The verbs a button is shown for; the router's state machine still has the last word. Approve
 * shows while the current step has no approval (given ahead of time, it lets a gated ADVANCE
 * or PROMOTE go as soon as the evidence allows).
 */
export function actionsFor(state: RolloutState | undefined): OperatorVerb[] {
  if (state === undefined || isTerminal(state.phase)) return [];
  const approved = state.approval !== null && state.approval.stepIndex === state.stepIndex;
  const verbs = Object.keys(OperatorVerb) as OperatorVerb[];
  return verbs.filter((verb) => {
    if (verb === 'approve') return !approved;
    if (verb === 'promote' && state.candidates.length > 0) return false;
    return state.phase === 'PAUSED' ? verb !== 'pause' : verb !== 'resume';
  });
}

/** A live rollout's latest decision awaits approval of the step the rollout is still at. */
function awaitingApproval(
  state: RolloutState | undefined,
  decision: DecisionReport | undefined,
): DecisionReport['awaitingApproval'] {
  if (state === undefined || isTerminal(state.phase) || decision === undefined) return null;
  const approved = state.approval !== null && state.approval.stepIndex === state.stepIndex;
  return decision.stepIndex === state.stepIndex && !approved ? decision.awaitingApproval : null;
}

const NO_PROGRESS: LabelProgress = {
  matureRouted: 0,
  matureLabelled: 0,
  awaiting: 0,
  newestEnd: 0,
};

function armView(totals: ArmTotals, progress: LabelProgress = NO_PROGRESS): ArmView {
  const a = armReport(totals);
  const interval = accuracyInterval(a);
  return {
    role: armRole(a.role),
    variant: a.variant,
    served: a.served,
    predictions: a.routed,
    routed: a.routed,
    labelled: a.labelled,
    correct: a.correct,
    lateLabels: a.lateLabels,
    accuracy: a.accuracy,
    accuracyLower: interval?.lower ?? null,
    accuracyUpper: interval?.upper ?? null,
    errorRate: a.errorRate,
    latencyP50: a.latencyP50,
    latencyP95: a.latencyP95,
    latencyP99: a.latencyP99,
    pending: progress.awaiting,
    expired: Math.max(0, progress.matureRouted - progress.matureLabelled),
    labelCoverage:
      progress.matureRouted > 0
        ? Math.min(1, progress.matureLabelled / progress.matureRouted)
        : null,
    at: progress.newestEnd,
    meanAbsError: a.meanAbsError,
    rootMeanSquaredError: a.rootMeanSquaredError,
    logLoss: a.logLoss,
    brier: a.brier,
    outcomes: a.outcomes,
    segments: a.segments.map((segment) => {
      const bounds = accuracyInterval(segment);
      return {
        ...segment,
        accuracyLower: bounds?.lower ?? null,
        accuracyUpper: bounds?.upper ?? null,
      };
    }),
  };
}

/**
 * The candidates of an A/B/n rollout with their arms, their accuracy against the stable's and
 * the latest decision about each; `live` is false for a past rollout (no buttons).
 */
export function candidateViews(
  state: RolloutState | undefined,
  arms: readonly ArmView[],
  decisions: readonly DecisionReport[],
  live: boolean,
): CandidateView[] {
  if (state === undefined) return [];
  const stable = arms.find((a) => a.role === 'stable' && a.variant === state.stable);
  const running = live && !isTerminal(state.phase);
  return state.candidates.map((c) => {
    const arm = arms.find((a) => a.variant === c.variant && a.role !== 'stable') ?? null;
    const lastDecision = decisions.findLast((d) => d.candidate === c.variant) ?? null;
    const waiting =
      running && c.status === 'LIVE' && lastDecision?.stepIndex === c.stepIndex
        ? lastDecision.awaitingApproval
        : null;
    return {
      variant: c.variant,
      status: c.status,
      weight: c.weight,
      stepIndex: c.stepIndex,
      changedAt: c.changedAt,
      arm,
      accuracyVsStable:
        arm?.accuracy == null || stable?.accuracy == null ? null : arm.accuracy - stable.accuracy,
      lastDecision,
      awaitingApproval: waiting,
      actions: running && c.status === 'LIVE' ? [...CANDIDATE_VERBS] : [],
    };
  });
}

/** Every arm of a rollout's evidence, stable first. */
export function armViews(rolloutId: string, evidence: EvidenceReading): ArmView[] {
  const progress = labelProgress(evidence.book.buckets(rolloutId), evidence.low);
  return evidence.book
    .armTotals(rolloutId)
    .sort((a, b) => compareArms(a.arm, b.arm))
    .map((totals) => armView(totals, progress.get(armKey(totals.arm))));
}

/**
 * What the console knows of a rollout; `current` is its model's state on `rollout.state`. The
 * variants compared come from the rollout's states, or else from its evidence (a rollout seen
 * only after its promotion, on the compacted state topic, no longer names its old stable).
 */
export function summarise(
  record: RolloutRecord,
  current: RolloutState | undefined,
  evidence: EvidenceReading,
): RolloutSummary {
  const isCurrent = current?.rolloutId === record.rolloutId;
  const state = isCurrent ? current : record.state;
  const arms = armViews(record.rolloutId, evidence);
  const servedBy = (role: ArmRole) => arms.find((a) => a.served && a.role === role)?.variant;
  return {
    rolloutId: record.rolloutId,
    model: record.model,
    current: isCurrent,
    phase: state?.phase ?? null,
    canaryWeight: state?.canaryWeight ?? null,
    stepIndex: state?.stepIndex ?? null,
    stable: record.stable ?? servedBy('stable') ?? null,
    canary: record.canary ?? servedBy('canary') ?? null,
    seq: state?.seq ?? null,
    startedAt: state?.startedAt ?? record.firstAt,
    updatedAt: Math.max(record.lastAt, state?.updatedAt ?? 0),
    lastCommand: state?.lastCommand ?? null,
    approval: state?.approval ?? null,
    awaitingApproval: awaitingApproval(state, record.decisions.at(-1)),
    lastDecision: record.decisions.at(-1) ?? null,
    arms,
    evidenceWatermark: evidence.low,
    actions: isCurrent ? actionsFor(state) : [],
    candidates: candidateViews(state, arms, record.decisions, isCurrent),
  };
}
