/**
 * The decision engine: one {@link ModelTracker} per model (a model has at most one rollout at a
 * time; a state with a new rolloutId starts fresh statistics), judging from merged evidence
 * ({@link EvidenceBook}) on a schedule. Deterministic: the outputs depend only on the sequence of
 * calls and their `now` values (trackers are judged in model order).
 *
 * Two ways to feed evidence, one per engine:
 * - `onEvidence`: records of the evidence topic, as the evaluator folded them per source
 *   partition (the decision service);
 * - `onEvaluation`, `onRouted`, `onOutputPair`, `onLabelledPair`: raw observations, folded here by
 *   the same code the evaluator runs, as one source partition whose inputs are complete up to
 *   each `tick`'s `now` (the offline replay, simulations, tests).
 */
import type { ArmEvidence, Evaluation, RolloutState, RoutedRequest } from '@kanary/contracts';
import {
  EvidenceBook,
  EvidenceFolder,
  rolloutTerms,
  type LabelledPairInput,
  type OutputPairInput,
  type RolloutTerms,
} from '@kanary/evidence';
import type { PolicyInput } from '@kanary/rollout';
import type {
  DecisionEngine,
  EngineDiagnostics,
  EngineOutput,
  RolloutSummary,
} from './engine-types.js';
import { summarise } from './rollout-summary.js';
import { RolloutTracker } from './rollout-tracker.js';
import { CandidateGroup } from './candidate-group.js';
import type { ModelTracker } from './model-tracker.js';

export interface DecisionEngineOptions {
  /**
   * Policy fields that apply where a rollout's own policy (from its START) is silent; the
   * built-in defaults fill the rest. The evaluator must fold evidence with the same default
   * (its label maturity window). @default {} (built-in defaults only)
   */
  readonly defaultPolicy?: PolicyInput;
  /**
   * A HOLD ("need more data") report is published at most once per this interval per rollout,
   * and sooner only when the hold's reason code or the rollout's state changes. Decisions that
   * issue a command are always published. @default 60_000 (1 min)
   */
  readonly holdReportIntervalMs?: number;
  /**
   * No ADVANCE or PROMOTE while a source partition's evidence watermark lags the clock by more
   * than this (a stalled or far-behind evaluator partition): HOLD, naming it. @default 120_000
   */
  readonly maxEvidenceLagMs?: number;
  /**
   * Check the sample ratio (routed units per arm against the weight in force). False when the
   * routed requests were not split by the weights this engine commands — an offline replay of
   * recorded traffic keeps the recorded split whatever the replayed decisions set — so there is
   * no configured split to compare with; the check then reports NOT_APPLICABLE. @default true
   */
  readonly checkSampleRatio?: boolean;
  /** Relative accuracy of the latency sketches folded in process. @default 0.01 */
  readonly latencyRelativeAccuracy?: number;
}

/** The topics an in-process folder's watermark is made of (all caught up at every tick). */
const LOCAL_INPUTS = ['local'];

export function createDecisionEngine(options: DecisionEngineOptions = {}): DecisionEngine {
  const rules = {
    holdReportIntervalMs: options.holdReportIntervalMs ?? 60_000,
    maxEvidenceLagMs: options.maxEvidenceLagMs ?? 120_000,
  };
  const book = new EvidenceBook();
  const trackers = new Map<string, ModelTracker>();
  const terms = new Map<string, RolloutTerms>();
  const counts = { staleStates: 0, evidenceRecords: 0 };
  let local: EvidenceFolder | undefined;
  let progress = book.progress();

  const inModelOrder = (): ModelTracker[] =>
    [...trackers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);

  /** The in-process folder, made on first use. */
  const folder = (): EvidenceFolder =>
    (local ??= new EvidenceFolder({
      partition: 0,
      partitions: 1,
      inputs: LOCAL_INPUTS,
      relativeAccuracy: options.latencyRelativeAccuracy ?? 0.01,
      latenessMs: 0,
      terms: (rolloutId) => terms.get(rolloutId),
    }));

  return {
    onState(state: RolloutState): void {
      const tracker = trackers.get(state.model);
      if (tracker !== undefined && state.seq < tracker.state.seq) {
        counts.staleStates += 1;
        return;
      }
      terms.set(state.rolloutId, rolloutTerms(state, options.defaultPolicy));
      if (tracker === undefined || tracker.state.rolloutId !== state.rolloutId) {
        const checkSampleRatio = options.checkSampleRatio ?? true;
        trackers.set(
          state.model,
          state.candidates.length > 0
            ? new CandidateGroup(state, book, options.defaultPolicy, checkSampleRatio)
            : new RolloutTracker(state, book, options.defaultPolicy, checkSampleRatio),
        );
      } else {
        tracker.update(state);
      }
    },

    onEvidence(record: ArmEvidence): void {
      counts.evidenceRecords += 1;
      book.apply(record);
    },

    onEvaluation(evaluation: Evaluation): void {
      folder().onEvaluation(evaluation);
    },

    onRouted(routed: RoutedRequest): void {
      folder().onRouted(routed);
    },

    onOutputPair(pair: OutputPairInput): void {
      folder().onOutputPair(pair);
    },

    onLabelledPair(pair: LabelledPairInput): void {
      folder().onLabelledPair(pair);
    },

    tick(now: number): EngineOutput {
      // In process (no evidence records read), the engine's own folder is the one source
      // partition, complete up to now.
      if (counts.evidenceRecords === 0) {
        const own = folder();
        own.caughtUp(LOCAL_INPUTS[0] as string, now);
        for (const record of own.checkpoint(now)) book.apply(record);
      }
      progress = book.progress();
      const reports = [];
      const commands = [];
      const awaitingApproval = [];
      for (const tracker of inModelOrder()) {
        const judged = tracker.judgeRollout(now, rules, progress);
        reports.push(...judged.reports);
        if (judged.command !== null) commands.push(judged.command);
        awaitingApproval.push(...judged.awaiting);
      }
      return { reports, commands, awaitingApproval };
    },

    // Counts as of the last tick: a summary must not move the clock, or asking for one would
    // change later decisions and a replay would diverge from the run it replays.
    summary(_now: number): readonly RolloutSummary[] {
      return inModelOrder().flatMap((tracker) => tracker.trackers.map(summarise));
    },

    evidenceProgress() {
      return progress;
    },

    policyOf(model: string) {
      return trackers.get(model)?.policy;
    },

    diagnostics(): EngineDiagnostics {
      const skipped = local?.skipped ?? { noRollout: 0, unknownRollout: 0, beforeStart: 0 };
      return {
        staleStates: counts.staleStates,
        evidenceRecords: counts.evidenceRecords,
        unknownRollout: skipped.unknownRollout,
        noRollout: skipped.noRollout,
        beforeStart: skipped.beforeStart,
      };
    },
  };
}
