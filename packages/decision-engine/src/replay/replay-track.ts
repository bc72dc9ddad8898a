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
 *   canary step;
 * - A/B/n: when the first canary answers with role canary and other variants answer with role
 *   canary too, first within the reordering slack after it (the replay reads that far ahead),
 *   they are all candidates of one A/B/n rollout against the stable (START with `candidates`, in
 *   the order they first answered, ties by name), each at the policy's first step capped at a
 *   candidate's slice of the traffic (1 / (k + 1) for k candidates), as the engine caps the
 *   steps. That weight is the replayed state's only: the recorded traffic keeps its split.
 */
import {
  CandidateStatus,
  IssuedBy,
  RolloutAction,
  RolloutPhase,
  Role,
  type Candidate,
  type DecisionReport,
  type RolloutState,
} from '@kanary/contracts';
import { applyCommand, maxCandidateWeight, type Policy } from '@kanary/rollout';

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
  /** A/B/n rollouts: the candidate promoted (present only on an A/B/n PROMOTE). */
  readonly candidate?: string;
}

/** Served predictions per arm as recorded (the split the live router really made). */
export interface RecordedSplit {
  stable: number;
  /** A rollout with one canary: its served predictions; A/B/n: all candidates'. */
  canary: number;
  /** A/B/n rollouts: served predictions per candidate. */
  readonly candidates: Map<string, number>;
}

/** What a replay knows of the rollout and its settings when a track starts one. */
export interface StartSettings {
  readonly policy: Policy;
  readonly policyText: string;
  /** How far after the first canary answer other canary variants join it as candidates, ms. */
  readonly lookaheadMs: number;
}

export class ReplayTrack {
  stable: string | null = null;
  /** The canary; with candidates, null (see `candidates`). */
  canary: string | null = null;
  /** A/B/n rollouts: the candidates in START order; empty for a rollout with one canary. */
  candidates: readonly string[] = [];
  shadow = false;
  state: RolloutState | null = null;
  /** True once PROMOTED, ROLLED_BACK or PAUSED: no one resumes a paused replay, so judging ends. */
  done = false;
  final: ReplayFinal | null = null;
  lastReport: DecisionReport | null = null;
  /** A/B/n rollouts: the latest decision that issued a command about each candidate. */
  readonly candidateDecisions: Map<string, DecisionReport> = new Map();
  readonly split: RecordedSplit = { stable: 0, canary: 0, candidates: new Map() };
  /** Predictions per variant, all of the file (first role seen). */
  readonly variants = new Map<string, { role: Role; predictions: number }>();
  /**
   * Variants that answered with role canary, as read (ahead of the replay's clock, by up to the
   * reordering slack), with their first answer's time: the candidates a START can name.
   */
  private readonly canaryVariants = new Map<string, number>();

  constructor(readonly model: string) {}

  get rolloutId(): string {
    return `replay-${this.model}`;
  }

  /** A prediction as read, before the replay's clock reaches it (see `canaryVariants`). */
  announce(variant: string, role: Role, at: number): void {
    if (role !== Role.CANARY) return;
    const first = this.canaryVariants.get(variant);
    if (first === undefined || at < first) this.canaryVariants.set(variant, at);
  }

  /**
   * Learns the variants from a prediction; returns the START state when this prediction
   * completes the pair (the caller feeds it to the engine), else null.
   */
  observe(variant: string, role: Role, at: number, settings: StartSettings): RolloutState | null {
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
    const candidates = this.shadow ? [] : this.candidatesAt(at, settings.lookaheadMs);
    if (candidates.length > 1) this.canary = null;
    this.candidates = candidates.length > 1 ? candidates : [];
    const { policy } = settings;
    const first = policy.steps[0] ?? null;
    const weight =
      first === null || this.candidates.length === 0
        ? first
        : Math.min(first, maxCandidateWeight(this.candidates.length));
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
        canaryWeight: this.shadow ? null : weight,
        stepIndex: null,
        basedOnSeq: null,
        issuedBy: IssuedBy.OPERATOR,
        reason: 'offline replay of recorded traffic',
        policy: settings.policyText,
        issuedAt: at,
        actor: null,
        candidates: [...this.candidates],
      },
      at,
    );
    if (result.outcome !== 'APPLIED') {
      throw new Error(`replay START of ${this.model} was ${result.outcome}`);
    }
    this.state = result.state;
    return result.state;
  }

  /**
   * The canary variants that first answered within `lookaheadMs` after `at` (the first canary's
   * answer), other than the stable: in the order they first answered, ties by name.
   */
  private candidatesAt(at: number, lookaheadMs: number): string[] {
    return [...this.canaryVariants.entries()]
      .filter(([variant, first]) => variant !== this.stable && first <= at + lookaheadMs)
      .sort(([a, ta], [b, tb]) => ta - tb || (a < b ? -1 : a > b ? 1 : 0))
      .map(([variant]) => variant);
  }

  /** Counts a served prediction of the compared arms towards the recorded split. */
  countServed(variant: string, role: Role): void {
    const { split } = this;
    if (role === Role.STABLE && variant === this.stable) split.stable += 1;
    else if (role === Role.CANARY && variant === this.canary) split.canary += 1;
    else if (role === Role.CANARY && this.candidates.includes(variant)) {
      split.canary += 1;
      split.candidates.set(variant, (split.candidates.get(variant) ?? 0) + 1);
    }
  }

  /**
   * Whether the engine still gets this variant's predictions: not after judging ended, nor
   * after an A/B/n candidate left (rolled back alone): live, its traffic returned to the stable.
   */
  judges(variant: string): boolean {
    if (this.done) return false;
    const candidate = this.state?.candidates.find((c) => c.variant === variant);
    return candidate === undefined || candidate.status === CandidateStatus.LIVE;
  }

  /** A/B/n rollouts: the candidates as the replayed state has them (status, weight, step). */
  candidateStates(): readonly Candidate[] {
    return this.state?.candidates ?? [];
  }

  /** The new state after a command; ends judging once the rollout left SHADOW/CANARY. */
  apply(state: RolloutState, report: DecisionReport | undefined, at: number): void {
    this.state = state;
    if (report?.candidate != null) this.candidateDecisions.set(report.candidate, report);
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
      ...promotedCandidate(state),
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

/** `{ candidate }` naming the promoted candidate of an A/B/n rollout, else nothing. */
function promotedCandidate(state: RolloutState): { candidate?: string } {
  const promoted = state.candidates.find((c) => c.status === CandidateStatus.PROMOTED);
  return promoted === undefined ? {} : { candidate: promoted.variant };
}
