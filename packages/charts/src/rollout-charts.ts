import type { VariantMetrics } from '@kanary/contracts';
import { accuracyInterval } from './arm-interval.js';
import { lineChart, type ChartSeries } from './svg-chart.js';

/** What the charts of one rollout are drawn from, oldest first. */
export interface RolloutTimeline {
  readonly rolloutId: string;
  readonly stable: string;
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
  }>;
  /** The evaluator's snapshots; those of other rollouts are ignored. */
  readonly metrics: readonly VariantMetrics[];
}

/** One `<svg>` string per chart. */
export interface RolloutCharts {
  readonly weight: string;
  readonly accuracy: string;
  readonly latency: string;
  readonly coverage: string;
}

export const ARM_COLORS = { stable: '#1f6feb', canary: '#d9480f' } as const;
const seconds = (at: number, t0: number) => Math.round((at - t0) / 100) / 10;
export const percent = (y: number): string => `${Math.round(y * 1000) / 10}%`;

function armSeries(t: RolloutTimeline, variant: string, role: 'stable' | 'canary') {
  const rows = t.metrics.filter((m) => m.variant === variant && m.rolloutId === t.rolloutId);
  const x = (m: VariantMetrics) => seconds(m.at, t.startedAt);
  const accuracy: ChartSeries = {
    name: `${role} ${variant}`,
    color: ARM_COLORS[role],
    points: rows.filter((m) => m.accuracy !== null).map((m) => ({ x: x(m), y: m.accuracy! })),
    band: rows.flatMap((m) => {
      const interval = accuracyInterval(m);
      return interval === null ? [] : [{ x: x(m), lo: interval.lower, hi: interval.upper }];
    }),
  };
  const latency = (q: 'latencyP50' | 'latencyP95', dashed: boolean): ChartSeries => ({
    name: `${role} ${q === 'latencyP50' ? 'p50' : 'p95'}`,
    color: ARM_COLORS[role],
    dashed,
    points: rows.filter((m) => m[q] !== null).map((m) => ({ x: x(m), y: m[q]! })),
  });
  const coverage: ChartSeries = {
    name: `${role} ${variant}`,
    color: ARM_COLORS[role],
    // Share of predictions joined with a label so far (the rest are pending or expired).
    points: rows
      .filter((m) => m.predictions > 0)
      .map((m) => ({ x: x(m), y: m.labelled / m.predictions })),
  };
  return {
    accuracy,
    p50: latency('latencyP50', true),
    p95: latency('latencyP95', false),
    coverage,
  };
}

/**
 * The charts of a rollout: canary weight over time, accuracy per arm with the always-valid 95 %
 * interval band, latency p50/p95 per arm, and the share of each arm's predictions labelled so far.
 */
export function rolloutCharts(t: RolloutTimeline): RolloutCharts {
  const stable = armSeries(t, t.stable, 'stable');
  const canary = t.canary === null ? null : armSeries(t, t.canary, 'canary');
  const arms = <K extends 'accuracy' | 'p50' | 'p95' | 'coverage'>(key: K) =>
    canary === null ? [stable[key]] : [stable[key], canary[key]];
  // Once promoted the canary is the stable variant and serves everything: plot 100 %, not the
  // state's weight of 0 (which then means "no canary").
  const newVersionShare = (st: RolloutTimeline['states'][number] | undefined) =>
    st === undefined ? 0 : st.phase === 'PROMOTED' ? 1 : st.canaryWeight;
  const weight: ChartSeries = {
    name: `share of ${t.canary ?? 'the canary'}`,
    color: ARM_COLORS.canary,
    step: true,
    points: [
      ...t.states.map((st) => ({ x: seconds(st.at, t.startedAt), y: newVersionShare(st) })),
      { x: seconds(t.endedAt, t.startedAt), y: newVersionShare(t.states.at(-1)) },
    ],
  };
  const xLabel = 'seconds since start';
  return {
    weight: lineChart({
      title: 'Canary weight (100 % once promoted, 0 % once rolled back)',
      xLabel,
      yLabel: 'share of traffic',
      series: [weight],
      yMin: 0,
      yMax: 1,
      yFormat: percent,
    }),
    accuracy: lineChart({
      title: 'Accuracy per arm (band: always-valid 95 % interval)',
      xLabel,
      yLabel: 'accuracy',
      series: arms('accuracy'),
      yFormat: percent,
    }),
    latency: lineChart({
      title: 'Latency quantiles (dashed p50, solid p95)',
      xLabel,
      yLabel: 'ms',
      series: [stable, ...(canary === null ? [] : [canary])].flatMap((a) => [a.p50, a.p95]),
      yMin: 0,
    }),
    coverage: lineChart({
      title: 'Label coverage (share of predictions labelled so far)',
      xLabel,
      yLabel: 'labelled',
      series: arms('coverage'),
      yMin: 0,
      yMax: 1,
      yFormat: percent,
    }),
  };
}
