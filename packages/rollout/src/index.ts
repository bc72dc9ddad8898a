/**
 * `@kanary/rollout`: the pure core of a rollout. The state machine applies `rollout.commands`
 * to a model's `RolloutState`; assignment routes requests by that state with a sticky hash.
 * No I/O and no clock: callers pass `now`.
 *
 * @packageDocumentation
 */

// The wire enums, re-exported from @kanary/contracts (one definition, derived from schemas/).
export {
  CommandOutcomeKind,
  IssuedBy,
  Role as VariantRole,
  RolloutAction,
  RolloutPhase,
  type CommandOutcome,
} from '@kanary/contracts';

// State machine
export { isTerminalPhase } from './state-machine/rollout-phase.js';
export type { ResumablePhase } from './state-machine/rollout-phase.js';
export { RejectionCode } from './state-machine/rejection.js';
export type { Rejection } from './state-machine/rejection.js';
export { rolloutCommandSchema } from './state-machine/rollout-command.js';
export { checkCandidateSet, checkVariantSet } from './state-machine/schema-primitives.js';
export type { RolloutCommand } from './state-machine/rollout-command.js';
export { rolloutStateSchema, RECENT_COMMAND_IDS_LIMIT } from './state-machine/rollout-state.js';
export type { RolloutState } from './state-machine/rollout-state.js';
export { TRANSITIONS, NO_ROLLOUT } from './state-machine/transition-table.js';
export type {
  TransitionCell,
  TransitionSource,
  TransitionTarget,
} from './state-machine/transition-table.js';
export { applyCommand } from './state-machine/apply-command.js';
export type { ApplyResult } from './state-machine/apply-command.js';
export { commandOnState, OperatorVerb } from './state-machine/command-on-state.js';
export {
  CandidateStatus,
  candidateOfBucket,
  candidateList,
  candidateSliceSize,
  candidateView,
  commandTarget,
  hasCandidates,
  liveCandidates,
  maxCandidateWeight,
  stableShare,
  type Candidate,
  type CommandTarget,
} from './state-machine/candidates.js';
export type { CommandIssue, LiveAction } from './state-machine/command-on-state.js';

// Assignment
export { BUCKET_COUNT, bucketOf, canaryBucketLimit } from './assignment/bucket.js';
export { createRoutingTable } from './assignment/routing-table.js';
export type { RoutingEntry, RoutingTable } from './assignment/routing-table.js';
export { assign } from './assignment/assign.js';
export { RolloutBook, type BookChange } from './assignment/rollout-book.js';
export { describeIssues } from './describe-issues.js';
export {
  answerOf,
  routeRequest,
  type AssignAnswer,
  type RoutingOutcome,
} from './assignment/route-request.js';
export type {
  Assignment,
  AssignmentRequest,
  ServedTarget,
  ShadowTarget,
} from './assignment/assign.js';

// Policy
export {
  DEFAULT_POLICY,
  RolloutMode,
  StepTimeoutAction,
  policySchema,
} from './policy/policy-schema.js';
export type { Policy, PolicyInput } from './policy/policy-schema.js';
export { MetricName, OUTCOME_PREFIX, PrimaryTest } from './policy/scorecard-schema.js';
export type { Scorecard, SegmentsPolicy } from './policy/scorecard-schema.js';
export { defaultPolicyProblems, parsePolicy, PolicyError } from './policy/parse-policy.js';
export { nextStep, startingWeight } from './policy/step-plan.js';
export type { StepTarget } from './policy/step-plan.js';
export type {
  ArmCounts,
  LatencyThreshold,
  MeanCounts,
  RolloutObservations,
  SegmentCounts,
  WindowCounts,
} from './policy/observations.js';
export {
  dataShape,
  isProportion,
  momentsKey,
  momentsOf,
  resolveScorecard,
} from './policy/scorecard.js';
export type { DataShape, MetricSpec, ResolvedScorecard, SegmentGuard } from './policy/scorecard.js';
export { DecisionCode } from './policy/decision.js';
export type { Decision } from './policy/decision.js';
export { decide } from './policy/decide.js';
export { gateApproval } from './policy/approval-gate.js';
export {
  NotificationEvent,
  NotificationFormat,
  confirmWebhookSchema,
  notificationTargetSchema,
  secretName,
  targetName,
  webhookUrl,
} from './policy/webhook-schema.js';
export type { ConfirmWebhook, NotificationTarget } from './policy/webhook-schema.js';
export { latencyMetricName } from './policy/assess-guardrails.js';
export { evidenceLabel } from './policy/metric-evidence.js';
export { PLANNED_CANARY_SAMPLES, PLANNED_SRM_UNITS, twoArmPlan } from './policy/test-plan.js';
