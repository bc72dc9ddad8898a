import type { TopicCatalog } from '@kanary/contracts';
import type { BatchContext, InputRecord, OutputRecord } from '@kanary/kafka';
import type { Logger } from '@kanary/observability';
import type { Kafka } from 'kafkajs';
import {
  MetricsAggregator,
  type ChangelogEntry,
  type JoinConfig,
  type JoinInput,
  type JoinProcessor,
} from '../core/index.js';
import { readToEnd, type RawRecord } from './read-to-end.js';
import type { EvaluatorMetrics } from './evaluator-metrics.js';
import { PartitionOutputs, metricsRecords } from './join-outputs.js';
import { PartitionJoins } from './partition-joins.js';

export type JoinEvent = 'Prediction' | 'GroundTruthLabel';

export interface JoinTaskOptions {
  kafka: Kafka;
  catalog: TopicCatalog;
  join: JoinConfig;
  /** Prefix of the restore readers' consumer groups. */
  groupId: string;
  restoreTimeoutMs: number;
  logger: Logger;
  metrics: EvaluatorMetrics;
  clock: () => number;
}

/** Changelog records carry the requestId (or a reserved key) and UTF-8 JSON, or a tombstone. */
const changelogEntry = (record: RawRecord): ChangelogEntry => ({
  key: record.key?.toString('utf8') ?? '',
  value: record.value?.toString('utf8') ?? null,
});

const isPrediction = (record: InputRecord<JoinEvent>): record is InputRecord<'Prediction'> =>
  record.topic.event === 'Prediction';

const toInput = (record: InputRecord<JoinEvent>): JoinInput =>
  isPrediction(record)
    ? { kind: 'prediction', value: record.value }
    : { kind: 'label', value: (record as InputRecord<'GroundTruthLabel'>).value };

/**
 * The evaluator's side of the processor runner: one join processor per input partition, fed
 * one batch at a time, and a periodic punctuation for what no batch triggers.
 *
 * A batch of partition p: `punctuate(now)` (expiries due), every record, then `flush()`; the
 * evaluations and the changelog entries (pinned to changelog partition p) go out with the
 * consumed offsets in one transaction.
 *
 * Punctuation (`tick`): TTL expiry must progress while the inputs are idle, and the runner calls
 * `process` only for batches. The runner runs `tick` between batches, never during one, and
 * commits its outputs — changelog tombstones and checkpoints, and the merged metrics snapshot —
 * in a transaction of their own. Exactly-once for expiries: an expiry exists only as state, so
 * it counts once the transaction holding its tombstone and metrics checkpoint commits; if that
 * fails, the processors are dropped and restored from the changelog, and the next punctuation
 * expires the same items again (their deadline has passed), counting them once. Which of
 * "matched" and "expired" an item near its deadline gets depends on processing time, as for any
 * processing-time TTL; each item still gets exactly one.
 */
export function joinTask(options: JoinTaskOptions) {
  const { catalog, clock, logger, metrics } = options;
  const partitions = new PartitionJoins({
    join: options.join,
    clock,
    logger,
    restore: async (partition, processor, signal) => {
      const started = performance.now();
      const report = await readToEnd({
        kafka: options.kafka,
        topic: catalog.joinChangelog.name,
        partitions: [partition],
        groupIdPrefix: `${options.groupId}.restore`,
        onRecords: (_, records) => processor.restore(records.map(changelogEntry)),
        timeoutMs: options.restoreTimeoutMs,
        signal,
      });
      const seconds = (performance.now() - started) / 1000;
      metrics.restoreSeconds.observe(seconds);
      metrics.restoredRecords.inc(report.records);
      logger.info(
        { event: 'evaluator.partition_restored', partition, ...report, seconds },
        'join state restored',
      );
    },
  });
  let nextSnapshotAt = clock() + options.join.metricsIntervalMs;

  const finish = (out: PartitionOutputs): OutputRecord[] => {
    metrics.count(out);
    for (const item of out.expired) {
      logger.debug({ event: 'evaluator.join_expired', partition: out.partition, ...item });
    }
    return out.records(catalog);
  };

  const snapshot = (now: number, processors: ReadonlyArray<[number, JoinProcessor]>) => {
    const merged = MetricsAggregator.combine(
      processors.map(([, p]) => p.metrics),
      now,
    );
    logger.info(
      {
        event: 'evaluator.metrics_snapshot',
        partitions: processors.map(([p]) => p),
        variants: merged.variants.length,
        labels: merged.labels,
      },
      'metrics snapshot',
    );
    metrics.snapshot(merged);
    return metricsRecords(merged, catalog.metrics);
  };

  return {
    partitions,

    async process(
      records: ReadonlyArray<InputRecord<JoinEvent>>,
      context: BatchContext<JoinEvent>,
    ): Promise<readonly OutputRecord[]> {
      const processor = await partitions.get(context.partition, () => context.heartbeat());
      const now = clock();
      const out = new PartitionOutputs(context.partition);
      out.add(processor.punctuate(now));
      out.add(processor.processAll(records.map(toInput), now));
      out.addChangelog(processor.flush());
      const result = finish(out);
      metrics.observe(partitions.processors());
      return result;
    },

    tick(): Promise<readonly OutputRecord[]> {
      partitions.loadAssigned();
      const now = clock();
      const processors = partitions.processors();
      const records: OutputRecord[] = [];
      for (const [partition, processor] of processors) {
        const out = new PartitionOutputs(partition);
        out.add(processor.punctuate(now));
        out.addChangelog(processor.flush());
        // Not push(...): a punctuation can expire more items than a call has room for arguments.
        for (const record of finish(out)) records.push(record);
      }
      if (now >= nextSnapshotAt) {
        nextSnapshotAt = now + options.join.metricsIntervalMs;
        if (processors.length > 0) for (const r of snapshot(now, processors)) records.push(r);
      }
      metrics.observe(processors);
      return Promise.resolve(records);
    },

    /** After every (re)join: the new assignment replaces every processor. */
    onAssignment(assignment: Readonly<Record<string, number[]>>): void {
      const owned = new Set([
        ...(assignment[catalog.predictions.name] ?? []),
        ...(assignment[catalog.labels.name] ?? []),
      ]);
      partitions.reset([...owned]);
      metrics.observe([]);
      logger.info(
        { event: 'evaluator.assigned', partitions: partitions.assignedPartitions },
        'partitions assigned',
      );
    },

    /** Outputs were not committed: the processors ran ahead of the changelog; drop them. */
    onAbort(error: unknown): void {
      partitions.reset();
      metrics.observe([]);
      logger.warn(
        { event: 'evaluator.state_dropped', err: error },
        'outputs not committed; join state will be restored from the changelog',
      );
    },
  };
}

export type JoinTask = ReturnType<typeof joinTask>;
