import type { DecisionReport, Evaluation, RolloutState, RoutedRequest } from '@kanary/contracts';
import { createDecisionEngine } from '@kanary/decision-engine';
import { EvidenceFolder, rolloutTerms, type RolloutTerms } from '@kanary/evidence';
import { keyPartition } from '@kanary/kafka';

/** What the evaluator folds and the decision service reads, as committed on the topics. */
export interface DecisionInputRecords {
  readonly states: readonly RolloutState[];
  readonly evaluations: readonly Evaluation[];
  readonly routed: readonly RoutedRequest[];
}

/** The evaluator's default relative accuracy of latency sketches. */
const LATENCY_ACCURACY = 0.01;
const ALL_INPUTS = 'all';

/**
 * What an uninterrupted pipeline judges at `final.at`: the committed routed requests and
 * evaluations folded into evidence once, in log order, by one folder per source partition (the
 * partition a record of that requestId lands on), every partition complete up to the evidence
 * time the service judged with (`final`'s details), and a fresh engine (the service's settings:
 * `holdReportIntervalMs` 0, so every tick reports) fed the states and that evidence and ticked
 * once at `final.at`.
 */
export function replayDecision(
  inputs: DecisionInputRecords,
  final: DecisionReport,
  partitions: number,
): readonly DecisionReport[] {
  const { evidenceTime } = JSON.parse(final.details ?? '{}') as { evidenceTime?: number };
  if (evidenceTime === undefined) throw new Error('the report names no evidence time');
  const engine = createDecisionEngine({ holdReportIntervalMs: 0 });
  const terms = new Map<string, RolloutTerms>();
  for (const state of inputs.states) {
    engine.onState(state);
    const known = terms.get(state.rolloutId);
    if (known === undefined || known.epoch <= state.seq) {
      terms.set(state.rolloutId, rolloutTerms(state));
    }
  }
  const folders = Array.from(
    { length: partitions },
    (_, partition) =>
      new EvidenceFolder({
        partition,
        partitions,
        inputs: [ALL_INPUTS],
        relativeAccuracy: LATENCY_ACCURACY,
        latenessMs: 0,
        terms: (rolloutId) => terms.get(rolloutId),
      }),
  );
  const folderOf = (requestId: string) => folders[keyPartition(requestId, partitions)]!;
  for (const routed of inputs.routed) folderOf(routed.requestId).onRouted(routed);
  for (const evaluation of inputs.evaluations) {
    folderOf(evaluation.requestId).onEvaluation(evaluation);
  }
  for (const folder of folders) {
    folder.caughtUp(ALL_INPUTS, evidenceTime);
    for (const record of folder.checkpoint(evidenceTime)) engine.onEvidence(record);
  }
  return engine.tick(final.at).reports;
}
