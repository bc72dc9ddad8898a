export { loadDecisionConfig, SERVICE, type DecisionConfig } from './config.js';
export {
  startDecisionService,
  type DecisionService,
  type DecisionServiceDeps,
} from './shell/start-decision-service.js';
