/**
 * The decision engine and what drives it without Kafka: the offline replay (`kanary replay`) and
 * the closed-loop rollout simulation. The decision service runs the same engine on the evidence
 * topic. Loads no Kafka client; only `replayFile` reads a file.
 *
 * @packageDocumentation
 */
export type * from './core/engine-types.js';
export { createDecisionEngine, type DecisionEngineOptions } from './core/engine.js';
export type { ApprovalWait } from './core/rollout-tracker.js';
export { Replayer, type ReplayCounts } from './replay/replayer.js';
export { replayLines } from './replay/replay-lines.js';
export type { ReplayOptions } from './replay/replay-options.js';
export type {
  EvidenceEntry,
  ReplayDecision,
  ReplayInput,
  ReplayResult,
  ReplayRollout,
  VariantSummary,
} from './replay/replay-result.js';
export type { ReplayFinal } from './replay/replay-track.js';
export {
  parseReplayLine,
  type LineIssue,
  type ParsedLine,
  type ReplayEvent,
  type ReplayLabel,
  type ReplayPrediction,
} from './replay/replay-line.js';
export { formatReplay } from './replay/format-replay.js';
export { replayScenarioLines, type ReplayScenario } from './replay/replay-scenario.js';
export { replayFile, type ReplayFileOptions, type ReplayProgress } from './shell/replay-file.js';
export {
  simulateRollout,
  type RolloutRun,
  type RolloutScenario,
  type VariantModel,
} from './simulation/simulate-rollout.js';
