import type { DecisionReport } from '@kanary/contracts';
import type { SourceProgress } from '@kanary/evidence';
import { Gauge, metricFactory, type Registry } from '@kanary/observability';
import type { EngineDiagnostics, RolloutSummary } from '@kanary/decision-engine';

const LIVE_PHASES: ReadonlySet<string> = new Set(['SHADOW', 'CANARY']);

/** The decision service's Prometheus metrics. */
export function decisionMetrics(registry: Registry, clock: () => number) {
  const m = metricFactory(registry);
  const decisions = m.counter(
    'kanary_decisions_total',
    'Decisions made (reports issued), by action and model',
    ['action', 'model'],
  );
  const evidenceRecords = m.counter(
    'kanary_decision_evidence_records_total',
    'Evidence records read (per-(rollout, arm, bucket) aggregates and watermarks of the source partitions)',
  );
  let progress: SourceProgress | null = null;
  new Gauge({
    name: 'kanary_decision_lag_seconds',
    help: 'Seconds from the evidence watermark (the lowest of all source partitions) to now: how far behind the complete evidence is',
    registers: [registry],
    collect() {
      if (progress?.low != null) this.set(Math.max(0, clock() - progress.low) / 1_000);
    },
  });
  new Gauge({
    name: 'kanary_decision_evidence_lag_seconds',
    help: "Seconds from a source partition's evidence watermark to now",
    labelNames: ['partition'],
    registers: [registry],
    collect() {
      this.reset();
      if (progress === null) return;
      const now = clock();
      for (const [partition, watermark] of progress.watermarks) {
        this.set({ partition: String(partition) }, Math.max(0, now - watermark) / 1_000);
      }
    },
  });
  const judged = m.gauge(
    'kanary_decision_rollouts_judged',
    'Live rollouts (SHADOW or CANARY) known at the last tick',
  );
  const ignored = m.counter(
    'kanary_decision_ignored_inputs_total',
    'Inputs the statistics did not count, by reason (unknown or finished rollout, late label, ...)',
    ['reason'],
  );
  const publishFailures = m.counter(
    'kanary_decision_publish_failures_total',
    'Failed attempts to publish decisions and commands (they are retried at the next tick)',
  );
  const counted: Partial<Record<keyof EngineDiagnostics, number>> = {};
  const rolloutInfo = m.gauge(
    'kanary_rollout_info',
    "1 for each model's current rollout as the decision service knows it (phase, variants)",
    ['model', 'rollout_id', 'phase', 'stable', 'canary'],
  );
  const step = m.gauge('kanary_rollout_step', "Index of the rollout's current weight step", [
    'model',
  ]);
  const armLabels = ['model', 'rollout_id', 'variant', 'role'] as const;
  const arm = {
    labelled: m.gauge(
      'kanary_rollout_arm_labelled',
      'Mature labelled samples the policy counts, per arm of the current rollout',
      armLabels,
    ),
    accuracy: m.gauge(
      'kanary_rollout_arm_accuracy',
      'Accuracy of the mature labelled samples, per arm of the current rollout',
      armLabels,
    ),
    lower: m.gauge(
      'kanary_rollout_arm_accuracy_lower',
      'Lower bound of the always-valid confidence interval of the arm accuracy',
      armLabels,
    ),
    upper: m.gauge(
      'kanary_rollout_arm_accuracy_upper',
      'Upper bound of the always-valid confidence interval of the arm accuracy',
      armLabels,
    ),
    errorRate: m.gauge(
      'kanary_rollout_arm_error_rate',
      'Share of ERROR and TIMEOUT among the mature labelled samples, per arm',
      armLabels,
    ),
    latency: m.gauge(
      'kanary_rollout_arm_latency_seconds',
      'Latency quantiles of the arm (mergeable sketch of the samples the policy judges)',
      [...armLabels, 'quantile'],
    ),
  };

  /** Gauges of every model's current rollout; rollouts no longer current disappear. */
  function describeRollouts(summary: readonly RolloutSummary[]): void {
    rolloutInfo.reset();
    step.reset();
    for (const gauge of Object.values(arm)) gauge.reset();
    for (const s of summary) {
      const canary = s.arms.find((a) => a.role !== 'STABLE')?.variant ?? '';
      const stable = s.arms.find((a) => a.role === 'STABLE')?.variant ?? '';
      rolloutInfo.set(
        { model: s.model, rollout_id: s.rolloutId, phase: s.phase, stable, canary },
        1,
      );
      step.set({ model: s.model }, s.stepIndex);
      for (const a of s.arms) {
        const labels = {
          model: s.model,
          rollout_id: s.rolloutId,
          variant: a.variant,
          role: a.role,
        };
        arm.labelled.set(labels, a.labelled);
        const optional: Array<[Gauge<(typeof armLabels)[number]>, number | null]> = [
          [arm.accuracy, a.accuracy],
          [arm.lower, a.accuracyLower],
          [arm.upper, a.accuracyUpper],
          [arm.errorRate, a.errorRate],
        ];
        for (const [gauge, value] of optional) if (value !== null) gauge.set(labels, value);
        const quantiles: Array<[string, number | null]> = [
          ['0.5', a.latencyP50],
          ['0.95', a.latencyP95],
          ['0.99', a.latencyP99],
        ];
        for (const [quantile, ms] of quantiles) {
          if (ms !== null) arm.latency.set({ ...labels, quantile }, ms / 1_000);
        }
      }
    }
  }

  return {
    evidenceRead(records: number): void {
      evidenceRecords.inc(records);
    },
    decided(reports: readonly DecisionReport[]): void {
      for (const report of reports) decisions.inc({ action: report.action, model: report.model });
    },
    /** After a tick: the rollouts known and the engine's ignored-input counters. */
    ticked(
      summary: readonly RolloutSummary[],
      diagnostics: EngineDiagnostics | undefined,
      sources: SourceProgress,
    ): void {
      progress = sources;
      judged.set(summary.filter((s) => LIVE_PHASES.has(s.phase)).length);
      describeRollouts(summary);
      if (diagnostics === undefined) return;
      for (const [reason, total] of Object.entries(diagnostics) as Array<
        [keyof EngineDiagnostics, number]
      >) {
        if (reason === 'evidenceRecords') continue;
        const delta = total - (counted[reason] ?? 0);
        if (delta > 0) ignored.inc({ reason }, delta);
        counted[reason] = total;
      }
    },
    publishFailed(): void {
      publishFailures.inc();
    },
  };
}
export type DecisionMetrics = ReturnType<typeof decisionMetrics>;
