export type * from './core/engine-types.js';
export { createDecisionEngine, type DecisionEngineOptions } from './core/engine.js';
