/**
 * A seeded closed-loop simulation of one rollout: requests are routed by the live state's
 * weight, both variants' predictions are drawn from simple models (accuracy, ERROR rate,
 * log-normal latency), labels arrive after a delay that may depend on whether the served
 * prediction was right, the evaluator's output is fed to the decision engine, and the engine's
 * commands are applied through the rollout state machine, whose new states go back to the
 * engine — the same loop as router → worker → evaluator → decision, without a broker.
 *
 * Simplifications: the routing key is the requestId, so sticky hashing is the same as an
 * independent draw per request with the canary's weight; commands apply at once; evaluations
 * reach the engine at the first tick after their label (or prediction) time.
 */
import {
  IssuedBy,
  PredictionStatus,
  RolloutAction,
  RolloutPhase,
  Role,
  type DecisionReport,
  type Evaluation,
  type RolloutState,
} from '@kanary/contracts';
import type { LabelledPairInput } from '@kanary/evidence';
import {
  BUCKET_COUNT,
  applyCommand,
  candidateOfBucket,
  isTerminalPhase,
  type PolicyInput,
} from '@kanary/rollout';
import { createRng, type Rng } from '@kanary/stats';
import { createDecisionEngine, type DecisionEngineOptions } from '../core/engine.js';
import type { DecisionEngine } from '../core/engine-types.js';

/** One variant's behaviour. */
export interface VariantModel {
  /** P(correct) of an answered (OK) request. */
  readonly accuracy: number;
  /** P(status ERROR); an errored prediction is wrong. @default 0.01 */
  readonly errorRate?: number;
  /** Median latency, ms. @default 100 */
  readonly latencyMedianMs?: number;
  /** σ of log latency. @default 0.3 */
  readonly latencySigma?: number;
  /**
   * Numeric predictions: absolute errors are exponential with this mean (the MAE), and an
   * answer is "correct" within 1 of the label. Absent: classification.
   */
  readonly meanAbsError?: number;
  /**
   * Class probabilities: the probability the model gives its answer ('calibrated': its own
   * accuracy, the rest to the other class of two). Absent: no probabilities.
   */
  readonly confidence?: number | 'calibrated';
  /** P(correct) of an answered request by segment, overriding `accuracy` there. */
  readonly segmentAccuracy?: Readonly<Record<string, number>>;
}

/** A segment of the traffic and its share of requests. */
export interface SegmentShare {
  readonly name: string;
  readonly share: number;
}

/** When labels arrive: exponential delays by the served prediction's correctness. */
export interface LabelModel {
  readonly correctMeanDelayMs: number;
  readonly wrongMeanDelayMs: number;
  /** P(a request is ever labelled). @default 1 */
  readonly coverage?: number;
}

/** One candidate of an A/B/n scenario. */
export interface CandidateModel {
  readonly variant: string;
  readonly model: VariantModel;
}

export interface RolloutScenario {
  readonly seed: number;
  readonly requestsPerSecond: number;
  readonly stable: VariantModel;
  /** The canary of a rollout with one; ignored when `candidates` are given. */
  readonly canary?: VariantModel;
  /**
   * An A/B/n rollout: these candidates against the stable, routed by their slices of the
   * assignment buckets (each request's bucket drawn uniformly). Shadow mode does not apply.
   */
  readonly candidates?: readonly CandidateModel[];
  readonly labels: LabelModel;
  /** The rollout's policy (sent in START). @default {} */
  readonly policy?: PolicyInput;
  /** Start in shadow mode instead of at the first step. @default false */
  readonly shadow?: boolean;
  /** Engine tick interval, ms. @default 10_000 */
  readonly tickMs?: number;
  /** Stop (outcome RUNNING) after this long, ms. */
  readonly maxDurationMs: number;
  /** The stable serves alone (no rollout) for this long before START, ms. @default 0 */
  readonly stableHistoryMs?: number;
  /** Share of requests on which the two variants' correctness is drawn from one number. @default 0.9 */
  readonly correlation?: number;
  /** Segments of the traffic (shares summing to 1); requests carry no segment when absent. */
  readonly segments?: readonly SegmentShare[];
  readonly engine?: DecisionEngineOptions;
  /** Sees every evaluation the evaluator emits, rollout or not, when it is delivered. */
  readonly onEvaluation?: (evaluation: Evaluation) => void;
  /** Called after every tick with the state after the tick's commands, and the engine. */
  readonly onTick?: (now: number, state: RolloutState, engine: DecisionEngine) => void;
}

export type RunOutcome = 'PROMOTED' | 'ROLLED_BACK' | 'PAUSED' | 'RUNNING';

export interface RolloutRun {
  readonly outcome: RunOutcome;
  readonly state: RolloutState;
  /** Reports that came with a command, in order. */
  readonly decisions: readonly DecisionReport[];
  /** The report whose command ended the run (null when still RUNNING). */
  readonly final: DecisionReport | null;
  readonly durationMs: number;
  readonly engine: DecisionEngine;
}

export const SIMULATION_START = 1_767_225_600_000;
const MODEL = 'sim';
// Read once: the enums are re-exported bindings, and reading them per request showed up in profiles.
const { OK, ERROR } = PredictionStatus;
const { SHADOW, CANARY } = RolloutPhase;
const { STABLE: STABLE_ROLE, CANARY: CANARY_ROLE, SHADOW: SHADOW_ROLE } = Role;

interface Answer {
  readonly variant: string;
  readonly role: Role;
  readonly served: boolean;
  readonly correct: boolean;
  readonly status: PredictionStatus;
  readonly latencyMs: number;
  readonly absError: number | null;
  readonly logLoss: number | null;
  readonly brier: number | null;
  readonly segment: string | null;
}

function answer(
  rng: Rng,
  model: VariantModel,
  uniform: number,
  variant: string,
  role: Role,
  segment: string | null,
): Answer {
  const failed = rng.next() < (model.errorRate ?? 0.01);
  const latencyMs =
    (model.latencyMedianMs ?? 100) * Math.exp((model.latencySigma ?? 0.3) * rng.normal());
  const accuracy =
    segment === null ? model.accuracy : (model.segmentAccuracy?.[segment] ?? model.accuracy);
  const numeric = model.meanAbsError;
  // Exponential absolute errors: the inverse CDF at the request's (correlated) uniform.
  const absError = failed || numeric === undefined ? null : -numeric * Math.log(1 - uniform);
  const correct = !failed && (absError === null ? uniform < accuracy : absError <= 1);
  const scores = failed || numeric !== undefined ? null : binaryScores(model, accuracy, correct);
  return {
    variant,
    role,
    served: role !== SHADOW_ROLE,
    correct,
    status: failed ? ERROR : OK,
    latencyMs,
    absError,
    logLoss: scores?.logLoss ?? null,
    brier: scores?.brier ?? null,
    segment,
  };
}

/**
 * Log-loss and Brier score of a two-class answer given probability c (its confidence): right,
 * −ln c and 2(1 − c)²; wrong, −ln(1 − c) and 2c² (p clipped at 1e-4, as the evaluator does).
 */
function binaryScores(
  model: VariantModel,
  accuracy: number,
  correct: boolean,
): { logLoss: number; brier: number } | null {
  if (model.confidence === undefined) return null;
  const c = model.confidence === 'calibrated' ? accuracy : model.confidence;
  const p = correct ? c : 1 - c;
  return { logLoss: -Math.log(Math.max(p, 1e-4)), brier: 2 * (1 - p) * (1 - p) };
}

/** The segment of a request drawn by share; null without segments. */
function segmentOf(rng: Rng, segments: readonly SegmentShare[] | undefined): string | null {
  if (segments === undefined || segments.length === 0) return null;
  let u = rng.next();
  for (const s of segments) {
    if (u < s.share) return s.name;
    u -= s.share;
  }
  return (segments.at(-1) as SegmentShare).name;
}

/** Binary classification: a wrong answer is the other class, so equal correctness ⇔ equal output. */
const outputOf = (a: Answer): string | null =>
  a.status === OK ? (a.correct ? 'right' : 'wrong') : null;

const predictedAtOf = (a: Answer, routedAt: number): number => routedAt + Math.round(a.latencyMs);

/** Exponential label delay (ms) with the mean for a right or wrong served prediction. */
const labelDelay = (rng: Rng, labels: LabelModel, correct: boolean): number =>
  Math.round(
    -(correct ? labels.correctMeanDelayMs : labels.wrongMeanDelayMs) * Math.log(1 - rng.next()),
  );

/** The uniform deciding a variant's correctness: the request's shared one with P(correlation). */
const correlated = (rng: Rng, shared: number, correlation: number): number =>
  rng.next() < correlation ? shared : rng.next();

function start(scenario: RolloutScenario, at: number): RolloutState {
  const candidates = scenario.candidates?.map((c) => c.variant) ?? [];
  const result = applyCommand(
    undefined,
    {
      commandId: 'sim-start',
      rolloutId: 'sim-rollout',
      model: MODEL,
      action: RolloutAction.START,
      stable: 'stable',
      canary: candidates.length > 0 ? null : 'canary',
      shadows: [],
      canaryWeight: scenario.shadow === true ? null : (firstStep(scenario.policy) ?? 0.01),
      stepIndex: null,
      basedOnSeq: null,
      issuedBy: IssuedBy.OPERATOR,
      reason: 'simulation',
      policy: JSON.stringify(scenario.policy ?? {}),
      issuedAt: at,
      actor: null,
      candidates,
    },
    at,
  );
  if (result.outcome !== 'APPLIED') throw new Error(`simulation START was ${result.outcome}`);
  return result.state;
}

const firstStep = (policy: PolicyInput | undefined): number | undefined =>
  Array.isArray(policy?.steps) ? policy.steps[0] : undefined;

/** Runs the scenario until the rollout is promoted, rolled back or paused, or time runs out. */
export function simulateRollout(scenario: RolloutScenario): RolloutRun {
  const canaryModel = scenario.canary ?? scenario.stable;
  const candidateModels = new Map(scenario.candidates?.map((c) => [c.variant, c.model]));
  if (scenario.canary === undefined && candidateModels.size === 0) {
    throw new Error('a scenario needs a canary or candidates');
  }
  const rng = createRng(scenario.seed);
  const engine = createDecisionEngine(scenario.engine);
  const tickMs = scenario.tickMs ?? 10_000;
  const perTick = Math.max(1, Math.round((scenario.requestsPerSecond * tickMs) / 1000));
  const correlation = scenario.correlation ?? 0.9;
  const coverage = scenario.labels.coverage ?? 1;
  const historyTicks = Math.ceil((scenario.stableHistoryMs ?? 0) / tickMs);
  const startAt = SIMULATION_START;
  const inbox = new Map<number, Evaluation[]>();
  const pairInbox = new Map<number, LabelledPairInput[]>();
  let state: RolloutState | null = null;
  const decisions: DecisionReport[] = [];
  let requestNo = 0;

  const deliverAt = <T>(box: Map<number, T[]>, time: number, item: T): void => {
    const tick = Math.ceil(time / tickMs);
    const list = box.get(tick);
    if (list === undefined) box.set(tick, [item]);
    else list.push(item);
  };

  // Every object is written out as a literal with its fields in one order (no spreads): the
  // engine reads them per event, and objects of one shape keep its property reads monomorphic —
  // spreads made this loop several times slower.
  const emit = (
    a: Answer,
    requestId: string,
    rolloutId: string | null,
    routedAt: number,
    labeledAt: number | null,
  ): void => {
    const { variant, role, served } = a;
    const predictedAt = predictedAtOf(a, routedAt);
    engine.onRouted({ requestId, model: MODEL, rolloutId, variant, role, served, routedAt });
    if (labeledAt === null) return;
    deliverAt(inbox, Math.max(labeledAt, predictedAt), {
      requestId,
      model: MODEL,
      rolloutId,
      variant,
      role,
      served,
      correct: a.correct,
      absError: a.absError,
      logLoss: a.logLoss,
      brier: a.brier,
      segment: a.segment,
      outcomes: null,
      latencyMs: a.latencyMs,
      status: a.status,
      predictedAt,
      labeledAt,
    });
  };

  const maxTicks = historyTicks + Math.ceil(scenario.maxDurationMs / tickMs);
  for (let tick = 0; tick < maxTicks; tick += 1) {
    const from = startAt + (tick - historyTicks) * tickMs;
    if (tick === historyTicks) {
      state = start(scenario, from);
      engine.onState(state);
    }
    const mode = state === null ? null : (state.pausedFrom ?? state.phase);
    const rolloutId = state?.rolloutId ?? null;
    const canaryWeight = mode === CANARY ? (state?.canaryWeight ?? 0) : 0;
    for (let i = 0; i < perTick; i += 1) {
      const routedAt = from + Math.floor(((i + rng.next()) * tickMs) / perTick);
      const requestId = `q${requestNo++}`;
      const shared = rng.next();
      const segment = segmentOf(rng, scenario.segments);
      let served: Answer;
      let copy: Answer | null = null;
      const candidate =
        mode === CANARY && state !== null && state.candidates.length > 0
          ? candidateOfBucket(state.candidates, Math.floor(rng.next() * BUCKET_COUNT))
          : null;
      if (candidate !== null) {
        served = answer(
          rng,
          candidateModels.get(candidate.variant) ?? canaryModel,
          correlated(rng, shared, correlation),
          candidate.variant,
          CANARY_ROLE,
          segment,
        );
      } else if (mode === CANARY && candidateModels.size === 0 && rng.next() < canaryWeight) {
        served = answer(
          rng,
          canaryModel,
          correlated(rng, shared, correlation),
          'canary',
          CANARY_ROLE,
          segment,
        );
      } else {
        served = answer(
          rng,
          scenario.stable,
          correlated(rng, shared, correlation),
          'stable',
          STABLE_ROLE,
          segment,
        );
        if (mode === SHADOW) {
          copy = answer(
            rng,
            canaryModel,
            correlated(rng, shared, correlation),
            'canary',
            SHADOW_ROLE,
            segment,
          );
        }
      }
      const labeledAt =
        rng.next() < coverage ? routedAt + labelDelay(rng, scenario.labels, served.correct) : null;
      emit(served, requestId, rolloutId, routedAt, labeledAt);
      if (copy !== null && rolloutId !== null) {
        emit(copy, requestId, rolloutId, routedAt, labeledAt);
        // The evaluator's join pairs the two answers: without a label at once, with it when both
        // are evaluated.
        const shadowPredictedAt = predictedAtOf(copy, routedAt);
        const stablePredictedAt = predictedAtOf(served, routedAt);
        engine.onOutputPair({
          rolloutId,
          model: MODEL,
          shadowVariant: copy.variant,
          predictedAt: shadowPredictedAt,
          agree: outputOf(copy) === outputOf(served),
        });
        if (labeledAt !== null) {
          deliverAt(pairInbox, Math.max(labeledAt, shadowPredictedAt, stablePredictedAt), {
            rolloutId,
            model: MODEL,
            shadowVariant: copy.variant,
            shadowPredictedAt,
            stablePredictedAt,
            labeledAt,
            shadowCorrect: copy.correct,
            stableCorrect: served.correct,
          });
        }
      }
    }
    const now = from + tickMs;
    const arrived = inbox.get(Math.ceil(now / tickMs)) ?? [];
    inbox.delete(Math.ceil(now / tickMs));
    for (const evaluation of arrived) {
      scenario.onEvaluation?.(evaluation);
      engine.onEvaluation(evaluation);
    }
    for (const pair of pairInbox.get(Math.ceil(now / tickMs)) ?? []) engine.onLabelledPair(pair);
    pairInbox.delete(Math.ceil(now / tickMs));
    if (state === null) continue;
    const output = engine.tick(now);
    for (const report of output.reports) if (report.commandId !== null) decisions.push(report);
    for (const command of output.commands) {
      const applied = applyCommand(state, command, now);
      if (applied.outcome === 'APPLIED') state = applied.state;
    }
    if (output.commands.length > 0) engine.onState(state);
    scenario.onTick?.(now, state, engine);
    if (isTerminalPhase(state.phase) || state.phase === RolloutPhase.PAUSED) {
      return finish(state, decisions, now - startAt, engine);
    }
  }
  if (state === null)
    throw new Error('maxDurationMs ended the simulation before the rollout started');
  return finish(state, decisions, scenario.maxDurationMs, engine);
}

function finish(
  state: RolloutState,
  decisions: DecisionReport[],
  durationMs: number,
  engine: DecisionEngine,
): RolloutRun {
  const outcome: RunOutcome =
    state.phase === RolloutPhase.PROMOTED ||
    state.phase === RolloutPhase.ROLLED_BACK ||
    state.phase === RolloutPhase.PAUSED
      ? state.phase
      : 'RUNNING';
  return {
    outcome,
    state,
    decisions,
    final: outcome === 'RUNNING' ? null : (decisions.at(-1) ?? null),
    durationMs,
    engine,
  };
}
