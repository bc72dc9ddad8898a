export type { RolloutClientContext } from './client-context.js';
export {
  RolloutView,
  StateWaitTimeoutError,
  type RolloutViewOptions,
  type ViewEvent,
} from './rollout-view.js';
export { awaitCommandOutcome, type CommandOutcome } from './command-outcome.js';
export {
  RolloutHistory,
  type RolloutHistoryLimits,
  type RolloutRecord,
  type StatePoint,
} from './rollout-history.js';
export { publishCommand } from './publish-command.js';
