import type { Evaluation } from '@kanary/contracts';
import { FoldOutcome } from '@kanary/evidence';
import { metricFactory, type Registry } from '@kanary/observability';
import type { JoinProcessor, MetricsSnapshot } from '@kanary/join';
import type { PartitionOutputs } from './join-outputs.js';

/** Restore durations in seconds, from 10 ms to 5 min. */
const RESTORE_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

interface EvaluationCount {
  readonly labels: { readonly model: string; readonly variant: string; readonly role: string };
  n: number;
}

/**
 * Evaluations per label set. prom-client hashes the labels on every `inc`; a batch's evaluations
 * share a few label sets, so counting them here first costs one `inc` per set instead of one per
 * evaluation (found by comparing fields, not by building a key per evaluation).
 */
function evaluationCounts(evaluations: readonly Evaluation[]): EvaluationCount[] {
  const counts: EvaluationCount[] = [];
  for (const { model, variant, role } of evaluations) {
    let count: EvaluationCount | undefined;
    for (const c of counts) {
      if (c.labels.variant === variant && c.labels.model === model && c.labels.role === role) {
        count = c;
        break;
      }
    }
    if (count === undefined) counts.push({ labels: { model, variant, role }, n: 1 });
    else count.n += 1;
  }
  return counts;
}

/**
 * The evaluator's Prometheus metrics. Counters are updated when outputs are produced, before
 * their transaction commits, so work redone after an aborted transaction counts twice here
 * while it appears once on the topics (which remain the exact record).
 */
export function evaluatorMetrics(registry: Registry) {
  const m = metricFactory(registry);
  const metrics = {
    pending: m.gauge('kanary_join_pending', 'Items waiting for their other side', ['kind']),
    memory: m.gauge('kanary_join_memory_bytes', 'Approximate bytes held by the join stores'),
    partitions: m.gauge('kanary_join_partitions_loaded', 'Input partitions with a loaded join'),
    // `reason` EVICTED means the store was full (EVALUATOR_MAX_PENDING): the memory bound is
    // costing label coverage, which TTL expiries alone would not say.
    expired: m.counter(
      'kanary_join_expired_total',
      'Items dropped without a match: TTL reached, or EVICTED from a full store',
      ['kind', 'reason'],
    ),
    ignored: m.counter('kanary_join_ignored_total', 'Input records ignored by the join', [
      'kind',
      'reason',
    ]),
    evaluations: m.counter('kanary_evaluations_total', 'Evaluations produced', [
      'model',
      'variant',
      'role',
    ]),
    restoreSeconds: m.histogram(
      'kanary_join_restore_seconds',
      'Time to restore one partition from the changelog',
      [],
      RESTORE_BUCKETS,
    ),
    restoredRecords: m.counter(
      'kanary_join_restored_records_total',
      'Changelog and evidence records read in restores',
    ),
    repartitioned: m.counter(
      'kanary_evaluator_repartitioned_total',
      'Predictions and labels read from a partition other than the one their requestId hashes to (murmur2), forwarded to it through the repartition topics',
      ['topic'],
    ),
    evidenceSkipped: m.counter(
      'kanary_evidence_skipped_total',
      'Routed requests and evaluations not folded into evidence: outside a rollout, of a rollout whose state is unknown, or from before its start',
      ['reason'],
    ),
  };
  // Cumulative totals of the metrics snapshots (checkpointed in the changelog, so they survive
  // restarts, unlike counters). Each instance reports the partitions it holds: sum over instances.
  const variantLabels = ['model', 'rollout_id', 'variant', 'role'] as const;
  const variantGauges = {
    predictions: m.gauge(
      'kanary_variant_predictions',
      "Predictions seen, per rollout and variant (this instance's partitions, cumulative)",
      variantLabels,
    ),
    labelled: m.gauge(
      'kanary_variant_labelled',
      'Predictions joined with a label, per rollout and variant (cumulative)',
      variantLabels,
    ),
    correct: m.gauge(
      'kanary_variant_correct',
      'Joined predictions that were correct, per rollout and variant (cumulative)',
      variantLabels,
    ),
    expired: m.gauge(
      'kanary_variant_expired_predictions',
      'Predictions that expired without a label, per rollout and variant (cumulative); label coverage = labelled / (labelled + expired)',
      variantLabels,
    ),
    pending: m.gauge(
      'kanary_variant_pending',
      'Predictions waiting for their label, per rollout and variant',
      variantLabels,
    ),
  };
  return {
    ...metrics,
    /** Counts what one processor produced. */
    count(outputs: PartitionOutputs): void {
      for (const { labels, n } of evaluationCounts(outputs.evaluations)) {
        metrics.evaluations.inc(labels, n);
      }
      for (const x of outputs.expired) metrics.expired.inc({ kind: x.kind, reason: x.reason });
      for (const x of outputs.ignored) metrics.ignored.inc({ kind: x.kind, reason: x.reason });
    },
    /** Sets the per-variant gauges from a metrics snapshot of every loaded partition. */
    snapshot(snapshot: MetricsSnapshot): void {
      for (const gauge of Object.values(variantGauges)) gauge.reset();
      for (const v of snapshot.variants) {
        const labels = {
          model: v.model,
          rollout_id: v.rolloutId ?? '',
          variant: v.variant,
          role: v.role,
        };
        variantGauges.predictions.set(labels, v.predictions);
        variantGauges.labelled.set(labels, v.labelled);
        variantGauges.correct.set(labels, v.correct);
        variantGauges.expired.set(labels, v.expiredPredictions);
        variantGauges.pending.set(labels, v.pending);
      }
    },
    /** Counts an input the evidence folder did not fold. */
    folded(outcome: FoldOutcome): void {
      if (outcome !== FoldOutcome.FOLDED) metrics.evidenceSkipped.inc({ reason: outcome });
    },
    /** Sets the gauges from the loaded processors. */
    observe(processors: ReadonlyArray<[number, JoinProcessor]>): void {
      let predictions = 0;
      let labels = 0;
      let bytes = 0;
      for (const [, processor] of processors) {
        const s = processor.stats();
        predictions += s.pendingPredictions;
        labels += s.pendingLabels;
        bytes += s.approximateBytes;
      }
      metrics.pending.set({ kind: 'prediction' }, predictions);
      metrics.pending.set({ kind: 'label' }, labels);
      metrics.memory.set(bytes);
      metrics.partitions.set(processors.length);
    },
  };
}

export type EvaluatorMetrics = ReturnType<typeof evaluatorMetrics>;
