import type { DecisionReport, Evaluation } from '@kanary/contracts';
import { Gauge, metricFactory, type Registry } from '@kanary/observability';
import type { EngineDiagnostics, RolloutSummary } from '../core/index.js';

const LIVE_PHASES: ReadonlySet<string> = new Set(['SHADOW', 'CANARY']);

/** The decision service's Prometheus metrics. */
export function decisionMetrics(registry: Registry, clock: () => number) {
  const m = metricFactory(registry);
  const decisions = m.counter(
    'kanary_decisions_total',
    'Decisions made (reports issued), by action',
    ['action'],
  );
  const evaluations = m.counter(
    'kanary_decision_evaluations_total',
    'Evaluations read into the rollout statistics (including those of unknown rollouts)',
  );
  let latestLabeledAt: number | null = null;
  new Gauge({
    name: 'kanary_decision_lag_seconds',
    help: 'Seconds from the labeledAt of the newest evaluation read to now: how far behind the labels the statistics are',
    registers: [registry],
    collect() {
      if (latestLabeledAt !== null) this.set(Math.max(0, clock() - latestLabeledAt) / 1_000);
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

  return {
    evaluation(evaluation: Evaluation): void {
      evaluations.inc();
      if (latestLabeledAt === null || evaluation.labeledAt > latestLabeledAt) {
        latestLabeledAt = evaluation.labeledAt;
      }
    },
    decided(reports: readonly DecisionReport[]): void {
      for (const report of reports) decisions.inc({ action: report.action });
    },
    /** After a tick: the rollouts known and the engine's ignored-input counters. */
    ticked(summary: readonly RolloutSummary[], diagnostics: EngineDiagnostics | undefined): void {
      judged.set(summary.filter((s) => LIVE_PHASES.has(s.phase)).length);
      if (diagnostics === undefined) return;
      for (const [reason, total] of Object.entries(diagnostics) as Array<
        [keyof EngineDiagnostics, number]
      >) {
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
