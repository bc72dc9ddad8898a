export type * from './core/engine-types.js';
export { createDecisionEngine, type DecisionEngineOptions } from './core/engine.js';
export { loadDecisionConfig, SERVICE, type DecisionConfig } from './config.js';
export {
  startDecisionService,
  type DecisionService,
  type DecisionServiceDeps,
} from './shell/start-decision-service.js';
