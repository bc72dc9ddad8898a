/**
 * The contract between the decision core (pure: policy, per-rollout statistics, the engine that
 * runs them) and its two drivers: the Kafka service (services/decision/src/shell) and the offline
 * replay (`kanary replay`). Both feed the same events and clock into the same engine, so a replay
 * reproduces the service's decisions.
 */
import type {
  DecisionReport,
  Evaluation,
  Prediction,
  RolloutCommand,
  RolloutState,
  Role,
} from '@kanary/contracts';

/** One routed request, as far as the sample-ratio check needs it (from `inference.routed`). */
export interface RoutedObservation {
  readonly requestId: string;
  readonly model: string;
  readonly rolloutId: string | null;
  readonly variant: string;
  readonly role: Role;
  readonly served: boolean;
  /** Epoch ms. */
  readonly routedAt: number;
  /**
   * The request's routing key (the unit of sticky assignment). Optional: when given, the
   * sample-ratio check counts each key once per window instead of each request, which is what
   * its independence assumption needs when users send many requests.
   */
  readonly routingKey?: string | null;
}

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
}

export interface RolloutSummary {
  readonly model: string;
  readonly rolloutId: string;
  readonly phase: RolloutState['phase'];
  readonly canaryWeight: number;
  readonly stepIndex: number;
  readonly arms: readonly ArmSummary[];
  /** The latest decision made for this rollout, if any. */
  readonly lastDecision: DecisionReport | null;
}

/**
 * The decision engine: a deterministic reducer over (rollout states, evaluations, routed
 * observations, clock). Feeding the same events in the same order with the same `now` values
 * gives the same outputs — this is what makes a restarted service (which re-reads its input
 * topics from the beginning) and an offline replay agree with an uninterrupted run.
 */
export interface DecisionEngine {
  /** The latest applied state of a model (from `rollout.state`); a new rolloutId starts fresh statistics. */
  onState(state: RolloutState): void;
  /** A joined prediction + label. Evaluations of unknown or finished rollouts are ignored (counted). */
  onEvaluation(evaluation: Evaluation): void;
  /** A routed request (served and shadow copies), for the sample-ratio and coverage checks. */
  onRouted(routed: RoutedObservation): void;
  /**
   * Optional: a prediction (from `inference.predictions`). Only shadow-mode pairs are used, for
   * the label-free agreement signal; without it that signal is reported as not measured.
   */
  onPrediction?(prediction: Prediction): void;
  /** Judges every live rollout at `now` (epoch ms) and returns what to publish. */
  tick(now: number): EngineOutput;
  summary(now: number): readonly RolloutSummary[];
  /** Optional: counts of ignored inputs, for logs and metrics. */
  diagnostics?(): EngineDiagnostics;
}

/** What the engine ignored or dropped, by reason (monotone counters). */
export interface EngineDiagnostics {
  /** Inputs for a model with no known rollout, or for another rollout than its current one. */
  readonly unknownRollout: number;
  /** Inputs for a rollout that is PROMOTED or ROLLED_BACK. */
  readonly finishedRollout: number;
  /** Inputs of a variant or role the rollout does not compare (extra shadows, unserved copies). */
  readonly otherVariant: number;
  /** Evaluations of predictions made before the rollout started. */
  readonly beforeStart: number;
  /** Evaluations whose label arrived after the maturity window (not counted, by design). */
  readonly lateLabels: number;
  /** Shadow pairs evicted unpaired from the bounded pairing buffers. */
  readonly unpairedEvicted: number;
  /** Observations dropped because too many immature time buckets were open (clock skew). */
  readonly bucketOverflow: number;
  /** States older (lower seq) than the one already known for their model. */
  readonly staleStates: number;
}
