/**
 * The closed sets of the wire contract as `as const` objects with matching union types. The
 * unions come from the generated Avro types; `enums.test.ts` checks the objects list exactly
 * the schemas' symbols.
 */
import type {
  PredictionModule,
  RoutedRequestModule,
  RolloutStateModule,
  RolloutCommandModule,
  DecisionReportModule,
} from './generated/index.js';

export const Role = { STABLE: 'STABLE', CANARY: 'CANARY', SHADOW: 'SHADOW' } as const;
export type Role = PredictionModule.Role;

/**
 * Who answers a routed request: the model workers (requests routed from the Kafka ingress) or
 * the caller that asked over HTTP, which serves the request itself.
 */
export const Dispatch = { WORKER: 'WORKER', CALLER: 'CALLER' } as const;
export type Dispatch = RoutedRequestModule.Dispatch;

export const PredictionStatus = { OK: 'OK', ERROR: 'ERROR', TIMEOUT: 'TIMEOUT' } as const;
export type PredictionStatus = PredictionModule.PredictionStatus;

export const RolloutPhase = {
  SHADOW: 'SHADOW',
  CANARY: 'CANARY',
  PAUSED: 'PAUSED',
  PROMOTED: 'PROMOTED',
  ROLLED_BACK: 'ROLLED_BACK',
} as const;
export type RolloutPhase = RolloutStateModule.RolloutPhase;

export const RolloutAction = {
  START: 'START',
  SET_WEIGHT: 'SET_WEIGHT',
  PROMOTE: 'PROMOTE',
  ROLLBACK: 'ROLLBACK',
  PAUSE: 'PAUSE',
  RESUME: 'RESUME',
  APPROVE: 'APPROVE',
} as const;
export type RolloutAction = RolloutCommandModule.RolloutAction;

export const IssuedBy = { DECISION: 'DECISION', OPERATOR: 'OPERATOR' } as const;
export type IssuedBy = RolloutCommandModule.IssuedBy;

export const CommandOutcomeKind = {
  APPLIED: 'APPLIED',
  DUPLICATE: 'DUPLICATE',
  REJECTED: 'REJECTED',
} as const;
export type CommandOutcomeKind = RolloutStateModule.CommandOutcomeKind;

export const DecisionAction = {
  ROLLBACK: 'ROLLBACK',
  ADVANCE: 'ADVANCE',
  PROMOTE: 'PROMOTE',
  HOLD: 'HOLD',
  PAUSE: 'PAUSE',
} as const;
export type DecisionAction = DecisionReportModule.DecisionAction;

export const MetricOutcome = {
  PASS: 'PASS',
  FAIL: 'FAIL',
  INCONCLUSIVE: 'INCONCLUSIVE',
  NOT_APPLICABLE: 'NOT_APPLICABLE',
} as const;
export type MetricOutcome = DecisionReportModule.MetricOutcome;

export type CommandOutcome = RolloutStateModule.CommandOutcome;

/** Where one candidate of an A/B/n rollout stands. */
export const CandidateStatus = {
  LIVE: 'LIVE',
  ROLLED_BACK: 'ROLLED_BACK',
  PROMOTED: 'PROMOTED',
  ENDED: 'ENDED',
} as const;
export type CandidateStatus = RolloutStateModule.CandidateStatus;
/** One candidate of an A/B/n rollout (`RolloutState.candidates`). */
export type Candidate = RolloutStateModule.Candidate;
export type MetricEvidence = DecisionReportModule.MetricEvidence;
