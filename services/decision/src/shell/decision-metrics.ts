import type { DecisionReport } from '@kanary/contracts';
import type { SourceProgress } from '@kanary/evidence';
import { Gauge, metricFactory, type Registry } from '@kanary/observability';
import type { EngineDiagnostics, RolloutSummary } from '@kanary/decision-engine';
import { rolloutGauges } from './rollout-gauges.js';

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
  const rollouts = rolloutGauges(m);

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
      rollouts.describe(summary);
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
