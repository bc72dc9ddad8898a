export { loadConsoleConfig, SERVICE, type ConsoleConfig } from './config.js';
export { startConsole, type ConsoleDeps, type WebConsole } from './shell/start-console.js';
export type { ActionResult, ActionRequest } from './shell/operator-actions.js';
export type { ArmView, RolloutSummary, SegmentView } from './core/rollout-summary.js';
export type { ArmRole } from './core/arm-role.js';
export type { EvidenceJson, EvidenceSlotJson } from './core/evidence-json.js';
