/**
 * The contract between the decision core (pure: policy, per-rollout statistics, the engine that
 * runs them) and its two drivers: the Kafka service (services/decision/src/shell) and the offline
 * replay (`kanary replay`). Both feed the same events and clock into the same engine, so a replay
 * reproduces the service's decisions.
 */
import type {
  ArmEvidence,
  DecisionReport,
  Evaluation,
  RolloutCommand,
  RolloutState,
  Role,
} from '@kanary/contracts';
import type { Policy } from '@kanary/rollout';
import type { ApprovalWait } from './rollout-tracker.js';
import type {
  LabelledPairInput,
  OutputPairInput,
  RoutedInput,
  SourceProgress,
} from '@kanary/evidence';

/** One routed request, as far as the evidence needs it (a `RoutedRequest` has it all). */
export type RoutedObservation = RoutedInput & {
  readonly requestId: string;
  readonly model: string;
};

/** What one `tick` asks its driver to publish. */
export interface EngineOutput {
  /** One report per judged rollout whose decision should be published (HOLD reports are rate-limited). */
  readonly reports: readonly DecisionReport[];
  /**
   * Commands for the router: SET_WEIGHT (advance), PROMOTE, ROLLBACK or PAUSE, issuedBy DECISION,
   * with `basedOnSeq` = the seq of the state judged and a deterministic commandId (the same
   * decision on the same state always gets the same id, so a re-issued command is a no-op).
   */
  readonly commands: readonly RolloutCommand[];
  /**
   * Every rollout whose ADVANCE or PROMOTE waits for an approval at this tick (on every tick,
   * unlike the rate-limited HOLD reports): the driver calls their confirm webhooks.
   */
  readonly awaitingApproval: readonly ApprovalWait[];
}

/** Per rollout and arm, what a person (or the demo, or `replay --json`) wants to see. */
export interface ArmSummary {
  readonly variant: string;
  readonly role: Role;
  /** Mature labelled samples counted by the policy. */
  readonly labelled: number;
  readonly accuracy: number | null;
  /** Always-valid interval of this arm's accuracy. */
  readonly accuracyLower: number | null;
  readonly accuracyUpper: number | null;
  readonly errorRate: number | null;
  readonly latencyP50: number | null;
  readonly latencyP95: number | null;
  readonly latencyP99: number | null;
  /** Routed (served) requests seen. */
  readonly routed: number;
  /** Mean absolute error of numeric predictions; null without any. */
  readonly mae: number | null;
  /** Root mean squared error of numeric predictions; null without any. */
  readonly rmse: number | null;
  /** Mean log-loss of predictions with class probabilities; null without any. */
  readonly logLoss: number | null;
  /** Mean Brier score of predictions with class probabilities; null without any. */
  readonly brier: number | null;
  /** Mean of each named outcome of the labels. */
  readonly outcomes: Readonly<Record<string, number | null>>;
  /** Per segment, by name. */
  readonly segments: readonly SegmentSummary[];
}

/** One segment of an arm (mature labelled predictions). */
export interface SegmentSummary {
  readonly segment: string;
  readonly labelled: number;
  readonly accuracy: number | null;
  readonly mae: number | null;
}

export interface RolloutSummary {
  readonly model: string;
  readonly rolloutId: string;
  readonly phase: RolloutState['phase'];
  readonly canaryWeight: number;
  readonly stepIndex: number;
  readonly arms: readonly ArmSummary[];
  /**
   * A/B/n rollouts: the candidate this summary compares with the stable (one summary per
   * candidate; phase, weight and step are the candidate's). Null for a rollout with one canary.
   */
  readonly candidate: string | null;
  /** The latest decision made for this rollout, if any. */
  readonly lastDecision: DecisionReport | null;
}

/**
 * The decision engine: a deterministic reducer over (rollout states, evidence, clock). Feeding
 * the same events in the same order with the same `now` values gives the same outputs — so a
 * restarted service (which re-reads the compacted state and evidence topics) and an offline
 * replay agree with an uninterrupted run.
 *
 * Evidence comes either as evidence records (`onEvidence`, the service) or as raw observations
 * folded in process (`onEvaluation`, `onRouted`, `onOutputPair`, `onLabelledPair`: the replay,
 * simulations and tests) — one or the other per engine, never both.
 */
export interface DecisionEngine {
  /** The latest applied state of a model (from `rollout.state`); a new rolloutId starts fresh statistics. */
  onState(state: RolloutState): void;
  /** A record of the evidence topic (the latest of its key wins). */
  onEvidence(record: ArmEvidence): void;
  /** A joined prediction + label, folded in process. */
  onEvaluation(evaluation: Evaluation): void;
  /** A routed request (served and shadow copies), folded in process. */
  onRouted(routed: RoutedObservation): void;
  /** A stable answer and a shadow copy compared without a label, folded in process. */
  onOutputPair(pair: OutputPairInput): void;
  /** A stable answer and a shadow copy both labelled, folded in process. */
  onLabelledPair(pair: LabelledPairInput): void;
  /** Judges every live rollout at `now` (epoch ms) and returns what to publish. */
  tick(now: number): EngineOutput;
  summary(now: number): readonly RolloutSummary[];
  diagnostics(): EngineDiagnostics;
  /** The source partitions' evidence watermarks, as of the last tick. */
  evidenceProgress(): SourceProgress;
  /** The policy (defaults applied) of a model's current rollout; undefined when none is known. */
  policyOf(model: string): Policy | undefined;
}

/** What the engine ignored or skipped, by reason (monotone counters). */
export interface EngineDiagnostics {
  /** States older (lower seq) than the one already known for their model. */
  readonly staleStates: number;
  /** Evidence records read. */
  readonly evidenceRecords: number;
  /** In-process inputs of a rollout with no known state. */
  readonly unknownRollout: number;
  /** In-process inputs outside any rollout. */
  readonly noRollout: number;
  /** In-process inputs from before their rollout started. */
  readonly beforeStart: number;
}
