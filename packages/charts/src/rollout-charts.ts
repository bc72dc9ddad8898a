import type { VariantMetrics } from '@kanary/contracts';
import { accuracyInterval } from './arm-interval.js';
import { lineChart, type ChartSeries } from './svg-chart.js';

/** What every set of a rollout's charts shares: its weight history and its time span. */
export interface RolloutSpan {
  /** Null before the canary is known (only its decisions or metrics were seen). */
  readonly canary: string | null;
  /** Epoch ms: the x axis counts seconds from `startedAt` to `endedAt`. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly states: ReadonlyArray<{
    readonly at: number;
    readonly phase: string;
    readonly canaryWeight: number;
    readonly stepIndex: number;
    /** A/B/n rollouts: each candidate's weight and status (LIVE, PROMOTED, …). */
    readonly candidates?: ReadonlyArray<{
      readonly variant: string;
      readonly weight: number;
      readonly status: string;
    }>;
  }>;
  /** A/B/n rollouts: the candidates, in START order (`canary` is then null). @default none */
  readonly candidates?: readonly string[];
}

/** What the charts of one rollout are drawn from when they come from metrics snapshots. */
export interface RolloutTimeline extends RolloutSpan {
  readonly rolloutId: string;
  readonly stable: string;
  /** The evaluator's snapshots; those of other rollouts are ignored. */
  readonly metrics: readonly VariantMetrics[];
}

/** One moment of an arm's lines; a null value leaves that line out at this moment. */
export interface ArmTracePoint {
  /** Epoch ms. */
  readonly at: number;
  readonly accuracy: number | null;
  /** The always-valid 95 % interval of `accuracy`. */
  readonly interval: { readonly lower: number; readonly upper: number } | null;
  readonly latencyP50: number | null;
  readonly latencyP95: number | null;
  /** Share of the arm's requests labelled, 0..1. */
  readonly coverage: number | null;
}

/** One arm's lines, oldest point first. */
export interface ArmTrace {
  /** Legend text, e.g. `canary v2`. */
  readonly name: string;
  /** Legend text where the chart has several lines per arm (latency), e.g. `canary`. */
  readonly shortName: string;
  readonly color: string;
  readonly points: readonly ArmTracePoint[];
}

/** The words that depend on what the arms' points are. */
export interface ChartWording {
  readonly xLabel: string;
  readonly latencyTitle: string;
  readonly coverageTitle: string;
}

/** What the charts are drawn from when the caller has computed each arm's points. */
export interface ArmTimeline extends RolloutSpan {
  readonly arms: readonly ArmTrace[];
  /** @default the wording of {@link rolloutCharts} (snapshots over wall-clock time) */
  readonly wording?: Partial<ChartWording>;
}

/** One `<svg>` string per chart. */
export interface RolloutCharts {
  readonly weight: string;
  readonly accuracy: string;
  readonly latency: string;
  readonly coverage: string;
}

export const ARM_COLORS = { stable: '#1f6feb', canary: '#d9480f', shadow: '#8250df' } as const;
/** Colours of an A/B/n rollout's candidates, in START order (the first is the canary's). */
export const CANDIDATE_COLORS = ['#d9480f', '#1a7f37', '#9a6700', '#bf3989', '#57606a'] as const;
const candidateColor = (index: number): string =>
  CANDIDATE_COLORS[index % CANDIDATE_COLORS.length] as string;
const seconds = (at: number, t0: number) => Math.round((at - t0) / 100) / 10;
export const percent = (y: number): string => `${Math.round(y * 1000) / 10}%`;

const SNAPSHOT_WORDING: ChartWording = {
  xLabel: 'seconds since start',
  latencyTitle: 'Latency quantiles (dashed p50, solid p95)',
  coverageTitle: 'Label coverage (share of predictions labelled so far)',
};

/** The snapshots of one variant as an arm's points. */
function snapshotTrace(
  t: RolloutTimeline,
  variant: string,
  role: 'stable' | 'canary',
  color: string = ARM_COLORS[role],
  shortName: string = role,
): ArmTrace {
  return {
    name: `${role} ${variant}`,
    shortName,
    color,
    points: t.metrics
      .filter((m) => m.variant === variant && m.rolloutId === t.rolloutId)
      .map((m) => ({
        at: m.at,
        accuracy: m.accuracy,
        interval: accuracyInterval(m),
        latencyP50: m.latencyP50,
        latencyP95: m.latencyP95,
        // Share of predictions joined with a label so far (the rest are pending or expired).
        coverage: m.predictions > 0 ? m.labelled / m.predictions : null,
      })),
  };
}

/**
 * The charts of a rollout from the evaluator's metrics snapshots: canary weight over time,
 * accuracy per arm with the always-valid 95 % interval band, latency p50/p95 per arm, and the
 * share of each arm's predictions labelled so far.
 */
export function rolloutCharts(t: RolloutTimeline): RolloutCharts {
  const arms = [snapshotTrace(t, t.stable, 'stable')];
  if (t.canary !== null) arms.push(snapshotTrace(t, t.canary, 'canary'));
  (t.candidates ?? []).forEach((variant, i) =>
    arms.push(snapshotTrace(t, variant, 'canary', candidateColor(i), variant)),
  );
  return armCharts({ ...t, arms });
}

/** The lines of one arm, each with the points where its value is known. */
function armSeries(arm: ArmTrace, t0: number) {
  const line = (value: (p: ArmTracePoint) => number | null) =>
    arm.points.flatMap((p) => {
      const y = value(p);
      return y === null ? [] : [{ x: seconds(p.at, t0), y }];
    });
  const accuracy: ChartSeries = {
    name: arm.name,
    color: arm.color,
    points: line((p) => p.accuracy),
    band: arm.points.flatMap((p) =>
      p.interval === null
        ? []
        : [{ x: seconds(p.at, t0), lo: p.interval.lower, hi: p.interval.upper }],
    ),
  };
  return {
    accuracy,
    p50: {
      name: `${arm.shortName} p50`,
      color: arm.color,
      dashed: true,
      points: line((p) => p.latencyP50),
    },
    p95: { name: `${arm.shortName} p95`, color: arm.color, points: line((p) => p.latencyP95) },
    coverage: { name: arm.name, color: arm.color, points: line((p) => p.coverage) },
  } satisfies Record<string, ChartSeries>;
}

/**
 * The charts of a rollout from each arm's points: canary weight over time, accuracy per arm
 * with its interval band, latency p50/p95 per arm, and label coverage per arm.
 */
export function armCharts(t: ArmTimeline): RolloutCharts {
  const wording = { ...SNAPSHOT_WORDING, ...t.wording };
  const arms = t.arms.map((arm) => armSeries(arm, t.startedAt));
  // Once promoted the canary is the stable variant and serves everything: plot 100 %, not the
  // state's weight of 0 (which then means "no canary").
  const newVersionShare = (st: RolloutSpan['states'][number] | undefined) =>
    st === undefined ? 0 : st.phase === 'PROMOTED' ? 1 : st.canaryWeight;
  const stepLine = (share: (st: RolloutSpan['states'][number] | undefined) => number) => [
    ...t.states.map((st) => ({ x: seconds(st.at, t.startedAt), y: share(st) })),
    { x: seconds(t.endedAt, t.startedAt), y: share(t.states.at(-1)) },
  ];
  const candidates = t.candidates ?? [];
  // A/B/n: one line per candidate (100 % for the promoted one).
  const weights: ChartSeries[] =
    candidates.length > 0
      ? candidates.map((variant, i) => ({
          name: `share of ${variant}`,
          color: candidateColor(i),
          step: true,
          points: stepLine((st) => {
            const c = st?.candidates?.find((x) => x.variant === variant);
            return c === undefined ? 0 : c.status === 'PROMOTED' ? 1 : c.weight;
          }),
        }))
      : [
          {
            name: `share of ${t.canary ?? 'the canary'}`,
            color: ARM_COLORS.canary,
            step: true,
            points: stepLine(newVersionShare),
          },
        ];
  return {
    weight: lineChart({
      title: 'Canary weight (100 % once promoted, 0 % once rolled back)',
      xLabel: 'seconds since start',
      yLabel: 'share of traffic',
      series: weights,
      yMin: 0,
      yMax: 1,
      yFormat: percent,
    }),
    accuracy: lineChart({
      title: 'Accuracy per arm (band: always-valid 95 % interval)',
      xLabel: wording.xLabel,
      yLabel: 'accuracy',
      series: arms.map((a) => a.accuracy),
      yFormat: percent,
    }),
    latency: lineChart({
      title: wording.latencyTitle,
      xLabel: wording.xLabel,
      yLabel: 'ms',
      series: arms.flatMap((a) => [a.p50, a.p95]),
      yMin: 0,
    }),
    coverage: lineChart({
      title: wording.coverageTitle,
      xLabel: wording.xLabel,
      yLabel: 'labelled',
      series: arms.map((a) => a.coverage),
      yMin: 0,
      yMax: 1,
      yFormat: percent,
    }),
  };
}
