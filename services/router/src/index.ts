/**
 * `@kanary/router`: assigns each inference request a variant by the applied rollout state
 * (Kafka ingress and HTTP assignment API), applies `rollout.commands` through the rollout state
 * machine and publishes the compacted `rollout.state`.
 *
 * @packageDocumentation
 */
export { loadRouterConfig, SERVICE, type RouterConfig } from './config.js';
export { startRouter, type Router, type RouterDeps } from './shell/start-router.js';
export { RolloutBook, routeRequest, type BookChange, type RoutingOutcome } from '@kanary/rollout';
export {
  applyCommandBatch,
  type CommandBatchOutcome,
  type CommandResult,
} from './core/command-batch.js';
export { UnknownModelError } from './shell/request-ingress.js';
export { CommandRejectedError } from './shell/command-applier.js';
