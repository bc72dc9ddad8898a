/**
 * One model in a replay: the rollout synthesised from what its recorded predictions show, and
 * what became of it. The data has no rollout commands, so the rollout is inferred:
 *
 * - the stable is the first variant seen with role stable; the canary the first seen with role
 *   canary or shadow (later variants in those roles are not compared, and are counted);
 * - the rollout starts (a START command through the rollout state machine, rolloutId
 *   `replay-<model>`) at the first moment both are known — when the canary began answering next
 *   to the stable — so the stable is compared over the same time as the canary (concurrent
 *   control), and the stable-only history before it is not part of the rollout;
 * - in shadow mode when the canary first appears as a shadow, otherwise at the policy's first
 *   canary step.
 */
import {
  IssuedBy,
  RolloutAction,
  RolloutPhase,
  Role,
  type DecisionReport,
  type RolloutState,
} from '@kanary/contracts';
import { applyCommand, type Policy } from '@kanary/rollout';

/** What a replayed rollout came to: a decision that ended judging, or where the data ended. */
export interface ReplayFinal {
  /** Null when the data held no model with both a stable and a canary (nothing was judged). */
  readonly model: string | null;
  /** PROMOTE, ROLLBACK or PAUSE ended judging; HOLD: the data ended first (or nothing to judge). */
  readonly action: 'PROMOTE' | 'ROLLBACK' | 'PAUSE' | 'HOLD';
  /** Epoch ms of data time. */
  readonly at: number;
  readonly reason: string;
  /** The rollout's phase, step and weight after it (null when no rollout started). */
  readonly phase: RolloutState['phase'] | null;
  readonly stepIndex: number | null;
  readonly canaryWeight: number | null;
}

/** Served predictions per arm as recorded (the split the live router really made). */
export interface RecordedSplit {
  stable: number;
  canary: number;
}

export class ReplayTrack {
  stable: string | null = null;
  canary: string | null = null;
  shadow = false;
  state: RolloutState | null = null;
  /** True once PROMOTED, ROLLED_BACK or PAUSED: no one resumes a paused replay, so judging ends. */
  done = false;
  final: ReplayFinal | null = null;
  lastReport: DecisionReport | null = null;
  readonly split: RecordedSplit = { stable: 0, canary: 0 };
  /** Predictions per variant, all of the file (first role seen). */
  readonly variants = new Map<string, { role: Role; predictions: number }>();

  constructor(readonly model: string) {}

  get rolloutId(): string {
    return `replay-${this.model}`;
  }

  /**
   * Learns the variants from a prediction; returns the START state when this prediction
   * completes the pair (the caller feeds it to the engine), else null.
   */
  observe(
    variant: string,
    role: Role,
    at: number,
    policy: Policy,
    policyText: string,
  ): RolloutState | null {
    const seen = this.variants.get(variant);
    if (seen === undefined) this.variants.set(variant, { role, predictions: 1 });
    else seen.predictions += 1;
    if (this.state !== null) return null;
    if (role === Role.STABLE) this.stable ??= variant;
    else if (this.canary === null && variant !== this.stable) {
      this.canary = variant;
      this.shadow = role === Role.SHADOW;
    }
    if (this.stable === null || this.canary === null || this.stable === this.canary) return null;
    const result = applyCommand(
      undefined,
      {
        commandId: `${this.rolloutId}:START`,
        rolloutId: this.rolloutId,
        model: this.model,
        action: RolloutAction.START,
        stable: this.stable,
        canary: this.canary,
        shadows: [],
        canaryWeight: this.shadow ? null : (policy.steps[0] ?? null),
        stepIndex: null,
        basedOnSeq: null,
        issuedBy: IssuedBy.OPERATOR,
        reason: 'offline replay of recorded traffic',
        policy: policyText,
        issuedAt: at,
        actor: null,
        candidates: [],
      },
      at,
    );
    if (result.outcome !== 'APPLIED') {
      throw new Error(`replay START of ${this.model} was ${result.outcome}`);
    }
    this.state = result.state;
    return result.state;
  }

  /** Counts a served prediction of the compared arms towards the recorded split. */
  countServed(variant: string, role: Role): void {
    if (role === Role.STABLE && variant === this.stable) this.split.stable += 1;
    else if (role === Role.CANARY && variant === this.canary) this.split.canary += 1;
  }

  /** The new state after a command; ends judging once the rollout left SHADOW/CANARY. */
  apply(state: RolloutState, report: DecisionReport | undefined, at: number): void {
    this.state = state;
    const { phase } = state;
    if (phase === RolloutPhase.SHADOW || phase === RolloutPhase.CANARY) return;
    this.done = true;
    const action =
      phase === RolloutPhase.PROMOTED
        ? 'PROMOTE'
        : phase === RolloutPhase.ROLLED_BACK
          ? 'ROLLBACK'
          : 'PAUSE';
    this.final = {
      model: this.model,
      action,
      at,
      reason: report?.reason ?? `the rollout became ${phase}`,
      phase,
      stepIndex: state.stepIndex,
      canaryWeight: state.canaryWeight,
    };
  }

  /** The final outcome: the decision that ended judging, or where the rollout stood at `end`. */
  finalAt(end: number): ReplayFinal {
    if (this.final !== null) return this.final;
    const state = this.state;
    if (state === null) {
      return {
        model: this.model,
        action: 'HOLD',
        at: end,
        reason: `not judged: the data shows no ${this.stable === null ? 'stable' : 'canary or shadow'} variant of ${this.model}`,
        phase: null,
        stepIndex: null,
        canaryWeight: null,
      };
    }
    const last = this.lastReport;
    return {
      model: this.model,
      action: 'HOLD',
      at: end,
      reason:
        last?.action === 'HOLD'
          ? `the data ended first — ${last.reason}`
          : 'the data ended before the next judgement',
      phase: state.phase,
      stepIndex: state.stepIndex,
      canaryWeight: state.canaryWeight,
    };
  }
}
