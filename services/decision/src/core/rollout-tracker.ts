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
  parsePolicy,
  type Decision,
  type Policy,
  type PolicyInput,
} from '@kanary/rollout';
import { commandFor, reportFor } from './decision-output.js';
import { RolloutStatistics } from './rollout-statistics.js';
import type { Arm } from './tally.js';

export interface Judgement {
  readonly report: DecisionReport | null;
  readonly command: RolloutCommand | null;
}

const NOTHING: Judgement = { report: null, command: null };

const modeOf = (state: RolloutState) => state.pausedFrom ?? state.phase;

function resumedAt(state: RolloutState): number {
  const last = state.lastCommand;
  return last?.action === RolloutAction.RESUME && last.outcome === CommandOutcomeKind.APPLIED
    ? last.at
    : 0;
}

export class RolloutTracker {
  readonly policy: Policy;
  readonly policyError: PolicyError | null;
  readonly statistics: RolloutStatistics;
  readonly stable: string;
  readonly canary: string | null;
  private current: RolloutState;
  private sawShadow: boolean;
  private issued: { seq: number; commandId: string; rejectionReported: boolean } | null = null;
  private lastHold: { at: number; code: string; seq: number } | null = null;
  lastDecision: DecisionReport | null = null;

  constructor(
    state: RolloutState,
    defaultPolicy: PolicyInput | undefined,
    checkSampleRatio = true,
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
    this.policy = policy;
    this.policyError = error;
    this.current = state;
    this.stable = state.stable;
    this.canary = state.canary;
    this.sawShadow = modeOf(state) === RolloutPhase.SHADOW;
    const windowStart = Math.max(state.stepStartedAt, resumedAt(state));
    this.statistics = new RolloutStatistics(state.startedAt, policy, windowStart, checkSampleRatio);
    this.track(state, null);
  }

  get state(): RolloutState {
    return this.current;
  }

  /** False once PROMOTED or ROLLED_BACK (a field, not a getter: it is read per event). */
  live = true;

  /** A newer state of the same rollout. */
  update(next: RolloutState): void {
    const previous = this.current;
    this.current = next;
    this.track(next, previous);
  }

  private track(next: RolloutState, previous: RolloutState | null): void {
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
      if (resumed || previous.canaryWeight !== next.canaryWeight) {
        windowStart = Math.max(windowStart, next.updatedAt);
      }
    }
    this.statistics.setWindowStart(windowStart);
  }

  /** The arm an input belongs to, or null when this rollout does not compare it. */
  armOf(role: string, variant: string, served: boolean): Arm | null {
    if (role === 'STABLE' && served && variant === this.stable) return 'stable';
    if (role === 'CANARY' && served && variant === this.canary) return 'canary';
    if (role === 'SHADOW' && variant === this.canary) return 'shadow';
    return null;
  }

  judge(now: number, holdReportIntervalMs: number): Judgement {
    this.statistics.advance(now);
    const state = this.current;
    if (state.phase !== RolloutPhase.SHADOW && state.phase !== RolloutPhase.CANARY) return NOTHING;
    if (this.issued?.seq === state.seq) return this.rejection(state, now);
    const decision = this.decideNow(state, now);
    if (decision.action === DecisionAction.HOLD) {
      const last = this.lastHold;
      const due =
        last === null ||
        last.seq !== state.seq ||
        last.code !== decision.code ||
        now - last.at >= holdReportIntervalMs;
      if (!due) return NOTHING;
      this.lastHold = { at: now, code: decision.code, seq: state.seq };
      return this.publish(state, decision, null, now);
    }
    const command = commandFor(state, decision, now);
    if (command !== null) {
      this.issued = { seq: state.seq, commandId: command.commandId, rejectionReported: false };
    }
    return this.publish(state, decision, command, now);
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

  private decideNow(state: RolloutState, now: number): Decision {
    if (this.policyError !== null) {
      return {
        action: DecisionAction.PAUSE,
        code: DecisionCode.POLICY_INVALID,
        reason: `Pause: the rollout's policy cannot be used — ${this.policyError.message}`,
        evidence: [],
        target: null,
      };
    }
    return decide(state, this.statistics.observations(state.phase), now, this.policy);
  }

  private publish(
    state: RolloutState,
    decision: Decision,
    command: RolloutCommand | null,
    now: number,
  ): Judgement {
    const observations = this.statistics.observations(state.phase);
    const report = reportFor(state, decision, command, now, {
      comparisonStartedAt: observations.comparisonStartedAt,
      windowStartedAt: observations.windowStartedAt,
      latencyThreshold: observations.latencyThreshold,
      comparison: observations.comparison,
      window: observations.window,
      windowUnits: observations.windowUnits,
      agreement: observations.agreement,
      policy: this.policy,
    });
    this.lastDecision = report;
    return { report, command };
  }
}
