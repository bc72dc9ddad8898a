import { accuracyInterval } from '@kanary/charts';
import type { DecisionReport, RolloutState, VariantMetrics } from '@kanary/contracts';
import { OperatorVerb } from '@kanary/rollout';
import type { RolloutRecord } from '@kanary/rollout-client';

/** One arm as the console shows it: the evaluator's latest snapshot of the variant. */
export interface ArmView {
  readonly role: 'stable' | 'canary';
  readonly variant: string;
  readonly predictions: number;
  readonly labelled: number;
  readonly accuracy: number | null;
  /** Always-valid 95 % interval of the accuracy (null before the first label). */
  readonly accuracyLower: number | null;
  readonly accuracyUpper: number | null;
  readonly errorRate: number | null;
  readonly latencyP50: number | null;
  readonly latencyP95: number | null;
  readonly latencyP99: number | null;
  readonly pending: number;
  readonly expired: number;
  /** labelled / (labelled + expired), as the evaluator defines it. */
  readonly labelCoverage: number | null;
  /** Epoch ms of the snapshot. */
  readonly at: number;
}

/** A rollout as listed and as served by the JSON API. */
export interface RolloutSummary {
  readonly rolloutId: string;
  readonly model: string;
  /** True while it is its model's current rollout (only then do operator actions apply). */
  readonly current: boolean;
  readonly phase: RolloutState['phase'] | null;
  readonly canaryWeight: number | null;
  readonly stepIndex: number | null;
  readonly stable: string | null;
  readonly canary: string | null;
  readonly seq: number | null;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly lastCommand: RolloutState['lastCommand'];
  readonly lastDecision: DecisionReport | null;
  readonly arms: readonly ArmView[];
  /** Operator verbs that make sense in the current phase (empty for past rollouts). */
  readonly actions: readonly OperatorVerb[];
}

const TERMINAL: ReadonlySet<string> = new Set(['PROMOTED', 'ROLLED_BACK']);

export const isTerminal = (phase: string | null | undefined): boolean =>
  phase !== null && phase !== undefined && TERMINAL.has(phase);

/** The verbs a button is shown for; the router's state machine still has the last word. */
export function actionsFor(state: RolloutState | undefined): OperatorVerb[] {
  if (state === undefined || isTerminal(state.phase)) return [];
  const verbs = Object.keys(OperatorVerb) as OperatorVerb[];
  return verbs.filter((verb) => (state.phase === 'PAUSED' ? verb !== 'pause' : verb !== 'resume'));
}

function armView(role: ArmView['role'], m: VariantMetrics): ArmView {
  const interval = accuracyInterval(m);
  return {
    role,
    variant: m.variant,
    predictions: m.predictions,
    labelled: m.labelled,
    accuracy: m.accuracy,
    accuracyLower: interval?.lower ?? null,
    accuracyUpper: interval?.upper ?? null,
    errorRate: m.errorRate,
    latencyP50: m.latencyP50,
    latencyP95: m.latencyP95,
    latencyP99: m.latencyP99,
    pending: m.pending,
    expired: m.expiredPredictions,
    labelCoverage: m.labelCoverage,
    at: m.at,
  };
}

/** The newest snapshot of a variant in the rollout. */
function latest(record: RolloutRecord, variant: string | null): VariantMetrics | undefined {
  if (variant === null) return undefined;
  for (let i = record.metrics.length - 1; i >= 0; i--) {
    if (record.metrics[i]!.variant === variant) return record.metrics[i];
  }
  return undefined;
}

/** What the console knows of a rollout; `current` is its model's state on `rollout.state`. */
export function summarise(
  record: RolloutRecord,
  current: RolloutState | undefined,
): RolloutSummary {
  const isCurrent = current?.rolloutId === record.rolloutId;
  const state = isCurrent ? current : record.state;
  const arms: ArmView[] = [];
  const stableMetrics = latest(record, record.stable);
  const canaryMetrics = latest(record, record.canary);
  if (stableMetrics) arms.push(armView('stable', stableMetrics));
  if (canaryMetrics) arms.push(armView('canary', canaryMetrics));
  return {
    rolloutId: record.rolloutId,
    model: record.model,
    current: isCurrent,
    phase: state?.phase ?? null,
    canaryWeight: state?.canaryWeight ?? null,
    stepIndex: state?.stepIndex ?? null,
    stable: record.stable,
    canary: record.canary,
    seq: state?.seq ?? null,
    startedAt: state?.startedAt ?? record.firstAt,
    updatedAt: Math.max(record.lastAt, state?.updatedAt ?? 0),
    lastCommand: state?.lastCommand ?? null,
    lastDecision: record.decisions.at(-1) ?? null,
    arms,
    actions: isCurrent ? actionsFor(state) : [],
  };
}
