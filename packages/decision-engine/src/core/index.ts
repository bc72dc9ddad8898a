export type * from './engine-types.js';
export { createDecisionEngine, type DecisionEngineOptions } from './engine.js';
export type { ApprovalWait } from './rollout-tracker.js';
