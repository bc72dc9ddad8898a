import type { DecisionReport, Evaluation, RolloutState, RoutedRequest } from '@kanary/contracts';
import { createDecisionEngine } from '@kanary/decision';

/** Everything the decision service reads, as committed on its input topics. */
export interface DecisionInputRecords {
  readonly states: readonly RolloutState[];
  readonly evaluations: readonly Evaluation[];
  readonly routed: readonly RoutedRequest[];
}

/**
 * What an uninterrupted decision service judges at `now` over the given inputs: a fresh engine
 * (with the defaults the service is configured with — `holdReportIntervalMs` 0, so every tick
 * reports) is fed the states first, then the data, as the service does on start, and ticked
 * once at `now`.
 */
export function replayDecision(
  inputs: DecisionInputRecords,
  now: number,
): readonly DecisionReport[] {
  const engine = createDecisionEngine({ holdReportIntervalMs: 0 });
  for (const state of inputs.states) engine.onState(state);
  for (const evaluation of inputs.evaluations) engine.onEvaluation(evaluation);
  // A routed request carries every field of the engine's routed observation.
  for (const routed of inputs.routed) engine.onRouted(routed);
  return engine.tick(now).reports;
}
