/**
 * The decision engine: one {@link RolloutTracker} per model (a model has at most one rollout at
 * a time; a state with a new rolloutId starts fresh statistics), fed by the driver — the Kafka
 * service or the offline replay — with states, evaluations, routed requests and, optionally,
 * predictions, and asked to `tick(now)` on a schedule. Deterministic: the outputs depend only on
 * the sequence of calls and their `now` values (trackers are judged in model order).
 */
import type { Evaluation, Prediction, RolloutState } from '@kanary/contracts';
import type { PolicyInput } from '@kanary/rollout';
import type {
  DecisionEngine,
  EngineDiagnostics,
  EngineOutput,
  RolloutSummary,
  RoutedObservation,
} from './engine-types.js';
import { summarise } from './rollout-summary.js';
import { RolloutTracker } from './rollout-tracker.js';
import type { Arm } from './tally.js';

export interface DecisionEngineOptions {
  /**
   * Policy fields that apply where a rollout's own policy (from its START) is silent; the
   * built-in defaults fill the rest. @default {} (built-in defaults only)
   */
  readonly defaultPolicy?: PolicyInput;
  /**
   * A HOLD ("need more data") report is published at most once per this interval per rollout,
   * and sooner only when the hold's reason code or the rollout's state changes. Decisions that
   * issue a command are always published. @default 60_000 (1 min)
   */
  readonly holdReportIntervalMs?: number;
  /**
   * Check the sample ratio (routed units per arm against the weight in force). False when the
   * routed requests were not split by the weights this engine commands — an offline replay of
   * recorded traffic keeps the recorded split whatever the replayed decisions set — so there is
   * no configured split to compare with; the check then reports NOT_APPLICABLE. @default true
   */
  readonly checkSampleRatio?: boolean;
}

interface Input {
  readonly model: string;
  readonly rolloutId: string | null;
  readonly role: string;
  readonly variant: string;
  readonly served: boolean;
}

type StatisticsCounts = Pick<
  EngineDiagnostics,
  'beforeStart' | 'lateLabels' | 'unpairedEvicted' | 'bucketOverflow'
>;

function addStatisticsCounts(
  totals: { -readonly [K in keyof StatisticsCounts]: number },
  tracker: RolloutTracker,
): void {
  const statistics = tracker.statistics;
  totals.beforeStart += statistics.counters.beforeStart;
  totals.lateLabels += statistics.counters.lateLabels;
  totals.unpairedEvicted += statistics.unpairedEvicted;
  totals.bucketOverflow += statistics.bucketOverflow;
}

export function createDecisionEngine(
  options: DecisionEngineOptions = {},
): DecisionEngine & { diagnostics(): EngineDiagnostics } {
  const holdReportIntervalMs = options.holdReportIntervalMs ?? 60_000;
  const trackers = new Map<string, RolloutTracker>();
  const ignored = { unknownRollout: 0, finishedRollout: 0, otherVariant: 0, staleStates: 0 };
  const retired = { beforeStart: 0, lateLabels: 0, unpairedEvicted: 0, bucketOverflow: 0 };

  const inModelOrder = (): RolloutTracker[] =>
    [...trackers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);

  /** The tracker and arm an input belongs to, or undefined (counted) when it is not judged. */
  function route(input: Input): { tracker: RolloutTracker; arm: Arm } | undefined {
    const tracker = trackers.get(input.model);
    if (tracker === undefined || input.rolloutId !== tracker.state.rolloutId) {
      ignored.unknownRollout += 1;
      return undefined;
    }
    if (!tracker.live) {
      ignored.finishedRollout += 1;
      return undefined;
    }
    const arm = tracker.armOf(input.role, input.variant, input.served);
    if (arm === null) {
      ignored.otherVariant += 1;
      return undefined;
    }
    return { tracker, arm };
  }

  return {
    onState(state: RolloutState): void {
      const tracker = trackers.get(state.model);
      if (tracker !== undefined && state.seq < tracker.state.seq) {
        ignored.staleStates += 1;
        return;
      }
      if (tracker === undefined || tracker.state.rolloutId !== state.rolloutId) {
        if (tracker !== undefined) addStatisticsCounts(retired, tracker);
        trackers.set(
          state.model,
          new RolloutTracker(state, options.defaultPolicy, options.checkSampleRatio ?? true),
        );
      } else {
        tracker.update(state);
      }
    },

    onEvaluation(evaluation: Evaluation): void {
      const target = route(evaluation);
      target?.tracker.statistics.onEvaluation(evaluation, target.arm);
    },

    onRouted(routed: RoutedObservation): void {
      const target = route(routed);
      target?.tracker.statistics.onRouted(routed, target.arm);
    },

    onPrediction(prediction: Prediction): void {
      const target = route(prediction);
      target?.tracker.statistics.onPrediction(prediction, target.arm);
    },

    tick(now: number): EngineOutput {
      const reports = [];
      const commands = [];
      for (const tracker of inModelOrder()) {
        const { report, command } = tracker.judge(now, holdReportIntervalMs);
        if (report !== null) reports.push(report);
        if (command !== null) commands.push(command);
      }
      return { reports, commands };
    },

    // Counts as of the last tick: a summary must not move the clock, or asking for one would
    // change later decisions and a replay would diverge from the run it replays.
    summary(_now: number): readonly RolloutSummary[] {
      return inModelOrder().map(summarise);
    },

    diagnostics(): EngineDiagnostics {
      const totals = { ...retired };
      for (const tracker of trackers.values()) addStatisticsCounts(totals, tracker);
      return { ...ignored, ...totals };
    },
  };
}
