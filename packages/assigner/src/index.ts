/**
 * `@kanary/assigner`: the router's sticky assignment in the caller's process — follows the
 * compacted `rollout.state` and records assignments on `inference.routed` in the background —
 * and the rollout-state view the router itself routes by.
 *
 * @packageDocumentation
 */
export {
  InProcessAssigner,
  UnknownModelError,
  type AssignerStats,
  type AssignInput,
  type InProcessAssignerOptions,
} from './in-process-assigner.js';
export { StateView, type StateViewOptions } from './state-view.js';
export type { AssignAnswer } from '@kanary/rollout';
