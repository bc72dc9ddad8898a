/**
 * One rollout as the engine sees it: its latest state, its policy, its statistics, and what the
 * engine already did about it. Judging follows three rules:
 *
 * - Only live rollouts (SHADOW, CANARY) are judged; PAUSED and finished ones are left alone.
 * - At most one command per state seq: after issuing one, the rollout is not judged again until
 *   a state with another seq arrives. A rejected command leaves the seq as it was; the engine
 *   then reports the rejection once (HOLD, code COMMAND_REJECTED) and waits for a change.
 * - HOLD reports are rate-limited: one per `holdReportIntervalMs`, or sooner when the hold's
 *   code or the state's seq changed.
 *
 * - Decisions wait for complete evidence: nothing is judged before every source partition has
 *   published a watermark, the step clock runs on evidence time (the evidence watermark, never
 *   ahead of the clock) so a stalled pipeline cannot time a step out, and while any partition's
 *   evidence lags the clock by more than `maxEvidenceLagMs` an ADVANCE or PROMOTE becomes a HOLD
 *   naming the partitions (guardrail rollbacks and pauses still go through: they are proven on
 *   complete buckets).
 *
 * Windows derived from states: the comparison starts when the canary began serving — the step
 * start of the first canary-mode state after a shadow phase, or of a state at step 0; a rollout
 * first seen mid-way at a later step falls back to its start — and the evaluation window starts
 * at the step start, moved later by a RESUME or a weight change within the step.
 */
import {
  CommandOutcomeKind,
  DecisionAction,
  RolloutAction,
  RolloutPhase,
  type DecisionReport,
  type RolloutCommand,
  type RolloutState,
} from '@kanary/contracts';
import {
  DecisionCode,
  PolicyError,
  decide,
  maxCandidateWeight,
  gateApproval,
  parsePolicy,
  type Decision,
  type Policy,
  type PolicyInput,
  type RolloutObservations,
} from '@kanary/rollout';
import type { EvidenceBook, SourceProgress } from '@kanary/evidence';
import { commandFor, reportFor } from './decision-output.js';
import { EvidenceStatistics } from './evidence-statistics.js';
import type { ModelJudgement, ModelTracker } from './model-tracker.js';

/** A rollout whose ADVANCE or PROMOTE waits for an approval, as of one judgement. */
export interface ApprovalWait {
  readonly state: RolloutState;
  /** ADVANCE or PROMOTE. */
  readonly action: DecisionAction;
  readonly reason: string;
  readonly policy: Policy;
}

export interface Judgement {
  readonly report: DecisionReport | null;
  readonly command: RolloutCommand | null;
  /** Set on every judgement that ends awaiting approval (reports of it are rate-limited). */
  readonly awaiting?: ApprovalWait;
}

const NOTHING: Judgement = { report: null, command: null };

const modeOf = (state: RolloutState) => state.pausedFrom ?? state.phase;

function resumedAt(state: RolloutState): number {
  const last = state.lastCommand;
  return last?.action === RolloutAction.RESUME && last.outcome === CommandOutcomeKind.APPLIED
    ? last.at
    : 0;
}

/** How a tracker judges, beyond its policy. */
export interface JudgeRules {
  /** HOLD reports at most this often (sooner when their code or the state changes), ms. */
  readonly holdReportIntervalMs: number;
  /** No ADVANCE or PROMOTE while a source partition's evidence lags the clock by more, ms. */
  readonly maxEvidenceLagMs: number;
}

function missingPartitions(progress: SourceProgress): number[] {
  const missing: number[] = [];
  for (let p = 0; p < progress.partitions; p += 1) {
    if (!progress.watermarks.has(p)) missing.push(p);
  }
  return missing;
}

function partitionsBehind(
  progress: SourceProgress,
  now: number,
  maxLagMs: number,
): Array<{ partition: number; lagMs: number }> {
  const behind: Array<{ partition: number; lagMs: number }> = [];
  for (const [partition, watermark] of [...progress.watermarks].sort(([a], [b]) => a - b)) {
    if (now - watermark > maxLagMs) behind.push({ partition, lagMs: now - watermark });
  }
  return behind;
}

/**
 * How a tracker judges one candidate of an A/B/n rollout (candidate-group.ts) rather than a
 * rollout with one canary.
 */
export interface CandidateContext {
  /** The candidate's variant (its reports name it). */
  readonly candidate: string;
  /** Candidates the rollout started with: the Bonferroni family across candidates. */
  readonly familySize: number;
  /** Share of all traffic the stable serves now (1 − the live candidates' weights). */
  readonly stableShare: number;
}

/**
 * A candidate's policy: every error level (alpha, srmAlpha) divided by the number of candidates
 * — Bonferroni across candidates, so that with k candidates that all equal the stable, the
 * chance that any is falsely rolled back (or falsely promoted over its margin) stays within the
 * policy's alpha whatever the dependence through the shared stable arm — and steps capped at a
 * candidate's slice of the traffic (a step beyond it adds samples, not weight).
 */
function candidatePolicy(policy: Policy, familySize: number): Policy {
  const cap = maxCandidateWeight(familySize);
  return {
    ...policy,
    alpha: policy.alpha / familySize,
    srmAlpha: policy.srmAlpha / familySize,
    steps: policy.steps.map((weight) => Math.min(weight, cap)),
  };
}

export class RolloutTracker implements ModelTracker {
  readonly policy: Policy;
  /** The rollout's own policy (defaults applied), before any per-candidate adjustment. */
  readonly rolloutPolicy: Policy;
  readonly policyError: PolicyError | null;
  readonly statistics: EvidenceStatistics;
  readonly stable: string;
  readonly canary: string | null;
  private current: RolloutState;
  private stableShare: number | null;
  private sawShadow: boolean;
  private issued: { seq: number; commandId: string; rejectionReported: boolean } | null = null;
  private lastHold: { at: number; code: string; seq: number } | null = null;
  lastDecision: DecisionReport | null = null;

  constructor(
    state: RolloutState,
    book: EvidenceBook,
    defaultPolicy: PolicyInput | undefined,
    checkSampleRatio = true,
    readonly candidate: CandidateContext | null = null,
  ) {
    let policy: Policy;
    let error: PolicyError | null = null;
    try {
      policy = parsePolicy(state.policy, defaultPolicy);
    } catch (cause) {
      if (!(cause instanceof PolicyError)) throw cause;
      error = cause;
      policy = parsePolicy(null, defaultPolicy);
    }
    this.rolloutPolicy = policy;
    this.policy = candidate === null ? policy : candidatePolicy(policy, candidate.familySize);
    this.policyError = error;
    this.stableShare = candidate?.stableShare ?? null;
    this.current = state;
    this.stable = state.stable;
    this.canary = state.canary;
    this.sawShadow = modeOf(state) === RolloutPhase.SHADOW;
    const windowStart = Math.max(state.stepStartedAt, resumedAt(state));
    this.statistics = new EvidenceStatistics(
      book,
      state.rolloutId,
      { stable: state.stable, canary: state.canary },
      policy,
      state.startedAt,
      windowStart,
      checkSampleRatio,
    );
    this.track(state, null);
  }

  get state(): RolloutState {
    return this.current;
  }

  /** As a model's tracker, a rollout with one canary is its own only tracker. */
  get trackers(): readonly RolloutTracker[] {
    return [this];
  }

  /** False once PROMOTED or ROLLED_BACK (a field, not a getter: it is read per event). */
  live = true;

  /**
   * A newer state of the same rollout (for a candidate: its view, and the stable's new share;
   * the window restarts when that share changes, as the expected split changed with it).
   */
  update(next: RolloutState, stableShare: number | null = null): void {
    const previous = this.current;
    const shareChanged = stableShare !== this.stableShare;
    this.current = next;
    this.stableShare = stableShare;
    this.track(next, previous, shareChanged);
  }

  /** The observations the policy judges, with the split an A/B/n candidate expects. */
  observations(phase: RolloutPhase): RolloutObservations {
    const observations = this.statistics.observations(phase);
    const share = this.stableShare;
    if (share === null) return observations;
    const weight = this.current.canaryWeight;
    return { ...observations, canaryShare: weight + share > 0 ? weight / (weight + share) : 0 };
  }

  private track(next: RolloutState, previous: RolloutState | null, shareChanged = false): void {
    this.live = next.phase !== RolloutPhase.PROMOTED && next.phase !== RolloutPhase.ROLLED_BACK;
    const mode = modeOf(next);
    this.statistics.setShadowPhase(mode === RolloutPhase.SHADOW);
    if (mode === RolloutPhase.SHADOW) this.sawShadow = true;
    if (mode === RolloutPhase.CANARY) {
      const canaryStart =
        this.sawShadow || next.stepIndex === 0 ? next.stepStartedAt : next.startedAt;
      this.statistics.setComparisonStart(canaryStart);
    }
    let windowStart = Math.max(next.stepStartedAt, resumedAt(next));
    if (previous !== null) {
      const resumed = previous.phase === RolloutPhase.PAUSED && next.phase !== RolloutPhase.PAUSED;
      if (resumed || shareChanged || previous.canaryWeight !== next.canaryWeight) {
        windowStart = Math.max(windowStart, next.updatedAt);
      }
    }
    this.statistics.setWindowStart(windowStart);
  }

  /**
   * What the policy would decide now, without publishing anything; null when the rollout is not
   * judged (not live, or a command was already issued for this state).
   */
  propose(now: number, rules: JudgeRules, progress: SourceProgress): Decision | null {
    this.statistics.refresh(progress.low);
    const state = this.current;
    if (state.phase !== RolloutPhase.SHADOW && state.phase !== RolloutPhase.CANARY) return null;
    if (this.issued?.seq === state.seq) return null;
    return this.decideNow(state, now, progress, rules.maxEvidenceLagMs);
  }

  /**
   * Judges the rollout and says what to publish. `proposal` is a decision already made by
   * {@link propose} at the same `now` (and possibly changed by the caller: an A/B/n rollout
   * arbitrates between its candidates); without it the tracker decides itself.
   */
  judge(
    now: number,
    rules: JudgeRules,
    progress: SourceProgress,
    proposal: Decision | null = null,
  ): Judgement {
    this.statistics.refresh(progress.low);
    const state = this.current;
    if (state.phase !== RolloutPhase.SHADOW && state.phase !== RolloutPhase.CANARY) return NOTHING;
    if (this.issued?.seq === state.seq) return this.rejection(state, now);
    const decision = proposal ?? this.decideNow(state, now, progress, rules.maxEvidenceLagMs);
    const awaiting: ApprovalWait | undefined =
      decision.awaitingApproval != null
        ? { state, action: decision.awaitingApproval, reason: decision.reason, policy: this.policy }
        : undefined;
    const holdReportIntervalMs = rules.holdReportIntervalMs;
    if (decision.action === DecisionAction.HOLD) {
      const last = this.lastHold;
      const due =
        last === null ||
        last.seq !== state.seq ||
        last.code !== decision.code ||
        now - last.at >= holdReportIntervalMs;
      if (!due) return awaiting === undefined ? NOTHING : { ...NOTHING, awaiting };
      this.lastHold = { at: now, code: decision.code, seq: state.seq };
      const judgement = this.publish(state, decision, null, now);
      return awaiting === undefined ? judgement : { ...judgement, awaiting };
    }
    const command = commandFor(state, decision, now);
    if (command !== null) {
      this.issued = { seq: state.seq, commandId: command.commandId, rejectionReported: false };
    }
    return this.publish(state, decision, command, now);
  }

  /** As a model's tracker: {@link judge} deciding itself, its outputs as lists. */
  judgeRollout(now: number, rules: JudgeRules, progress: SourceProgress): ModelJudgement {
    const { report, command, awaiting } = this.judge(now, rules, progress);
    return {
      reports: report === null ? [] : [report],
      command,
      awaiting: awaiting === undefined ? [] : [awaiting],
    };
  }

  /** Reports, once, that the router rejected the command issued for this state. */
  private rejection(state: RolloutState, now: number): Judgement {
    const issued = this.issued;
    const last = state.lastCommand;
    if (
      issued === null ||
      issued.rejectionReported ||
      last?.commandId !== issued.commandId ||
      last.outcome !== CommandOutcomeKind.REJECTED
    ) {
      return NOTHING;
    }
    issued.rejectionReported = true;
    const decision: Decision = {
      action: DecisionAction.HOLD,
      code: DecisionCode.COMMAND_REJECTED,
      reason: `Hold: the router rejected ${issued.commandId} (${last.reasonCode ?? 'no code'}: ${last.message ?? 'no message'}); waiting for the rollout to change`,
      evidence: this.lastDecision?.evidence ?? [],
      target: null,
    };
    return this.publish(state, decision, null, now);
  }

  private decideNow(
    state: RolloutState,
    now: number,
    progress: SourceProgress,
    maxEvidenceLagMs: number,
  ): Decision {
    if (this.policyError !== null) {
      return {
        action: DecisionAction.PAUSE,
        code: DecisionCode.POLICY_INVALID,
        reason: `Pause: the rollout's policy cannot be used — ${this.policyError.message}`,
        evidence: [],
        target: null,
      };
    }
    const hold = (code: DecisionCode, reason: string): Decision => ({
      action: DecisionAction.HOLD,
      code,
      reason,
      evidence: [],
      target: null,
    });
    if (progress.low === null) {
      const missing = missingPartitions(progress);
      return hold(
        DecisionCode.EVIDENCE_INCOMPLETE,
        missing.length === 0
          ? 'Hold: no evidence published yet (is the evaluator running?)'
          : `Hold: no evidence yet from source partition(s) ${missing.join(', ')} (is every partition assigned to a running evaluator?)`,
      );
    }
    const mismatched = this.statistics.mismatchedBuckets;
    if (mismatched > 0) {
      return hold(
        DecisionCode.EVIDENCE_MISMATCH,
        `Hold: ${mismatched} evidence bucket(s) were folded with another label maturity window than this rollout's ${this.policy.labelMaturityMs} ms: give the evaluator and the decision service the same default policy`,
      );
    }
    const evidenceNow = Math.min(now, progress.low);
    const decision = decide(state, this.observations(state.phase), evidenceNow, this.policy);
    if (decision.action !== DecisionAction.ADVANCE && decision.action !== DecisionAction.PROMOTE) {
      return decision;
    }
    const behind = partitionsBehind(progress, now, maxEvidenceLagMs);
    if (behind.length === 0) return gateApproval(decision, state, this.policy);
    return {
      ...decision,
      action: DecisionAction.HOLD,
      code: DecisionCode.EVIDENCE_BEHIND,
      reason: `Hold: would ${decision.action.toLowerCase()}, but the evidence of ${behind
        .map((b) => `partition ${b.partition} is ${Math.round(b.lagMs / 1000)} s behind`)
        .join(
          ', ',
        )} (more than ${Math.round(maxEvidenceLagMs / 1000)} s): waiting for it to catch up`,
      target: null,
    };
  }

  private publish(
    state: RolloutState,
    decision: Decision,
    command: RolloutCommand | null,
    now: number,
  ): Judgement {
    const observations = this.observations(state.phase);
    const report = reportFor(state, decision, command, now, this.candidate?.candidate ?? null, {
      comparisonStartedAt: observations.comparisonStartedAt,
      windowStartedAt: observations.windowStartedAt,
      latencyThreshold: observations.latencyThreshold,
      comparison: observations.comparison,
      window: observations.window,
      windowUnits: observations.windowUnits,
      agreement: observations.agreement,
      evidenceTime: this.statistics.evidenceTime,
      policy: this.policy,
    });
    this.lastDecision = report;
    return { report, command };
  }
}
