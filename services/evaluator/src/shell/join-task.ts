import {
  KanaryError,
  type ArmEvidence,
  type EventCodec,
  type TopicCatalog,
} from '@kanary/contracts';
import { EvidenceFolder, type EvidencePublishing } from '@kanary/evidence';
import {
  keyPartition,
  type BatchContext,
  type InputRecord,
  type OutputRecord,
} from '@kanary/kafka';
import type { Logger } from '@kanary/observability';
import type { Kafka } from 'kafkajs';
import {
  MetricsAggregator,
  changelogText,
  isEvidenceStateKey,
  isReservedKey,
  parseUnitKey,
  unitKey,
  type ChangelogEntry,
  type JoinConfig,
  type JoinInput,
  type JoinProcessor,
} from '@kanary/join';
import { evidenceFromChangelog, evidenceStateEntry } from './evidence-state.js';
import { readToEnd, type RawRecord } from './read-to-end.js';
import type { EvaluatorMetrics } from './evaluator-metrics.js';
import type { InputProgress } from './input-progress.js';
import { PartitionOutputs, metricsRecords } from './join-outputs.js';
import { PartitionJoins, type PartitionTask } from './partition-joins.js';
import type { RolloutTermsTable } from './rollout-terms-table.js';

export type JoinEvent = 'Prediction' | 'GroundTruthLabel' | 'RoutedRequest';

/** The records a task forwards to the partition their requestId belongs on. */
type Misplaced = InputRecord<'Prediction'> | InputRecord<'GroundTruthLabel'>;

export interface JoinTaskOptions {
  kafka: Kafka;
  codec: EventCodec;
  catalog: TopicCatalog;
  /** The terms each rollout's evidence is folded with. */
  rollouts: RolloutTermsTable;
  /** Which input partitions are read to their end (idle inputs' watermarks). */
  progress: InputProgress;
  /** See EVALUATOR_WATERMARK_LATENESS_MS. */
  watermarkLatenessMs: number;
  /** See EVALUATOR_EVIDENCE_OPEN_INTERVAL_MS and EVALUATOR_EVIDENCE_CLOSED_INTERVAL_MS. */
  evidencePublishing: EvidencePublishing;
  /** Partitions of the data topics, as found by the start-up check. */
  partitions(): number;
  join: JoinConfig;
  /** Prefix of the restore readers' consumer groups. */
  groupId: string;
  restoreTimeoutMs: number;
  logger: Logger;
  metrics: EvaluatorMetrics;
  clock: () => number;
}

/**
 * Changelog records carry the requestId and a join entry's bytes (or an older version's UTF-8
 * JSON), or a reserved key and UTF-8 JSON, or a tombstone. An entry's bytes are copied: the
 * record's are a view of the whole fetched batch, which the store would otherwise keep alive.
 */
const changelogEntry = (record: RawRecord): ChangelogEntry => {
  const key = record.key?.toString('utf8') ?? '';
  const { value } = record;
  if (value === null) return { key, value: null };
  return { key, value: isReservedKey(key) ? value.toString('utf8') : Buffer.from(value) };
};

/** How long a batch that names an unknown rollout waits for `rollout.state` to be read further. */
const STATE_CATCH_UP_MS = 10_000;

/** The join input of a prediction or label record; null for a routed request. */
function joinInput(record: InputRecord<JoinEvent>): JoinInput | null {
  switch (record.topic.event) {
    case 'Prediction':
      return { kind: 'prediction', value: (record as InputRecord<'Prediction'>).value };
    case 'GroundTruthLabel':
      return { kind: 'label', value: (record as InputRecord<'GroundTruthLabel'>).value };
    default:
      return null;
  }
}

/** The event time of an input record: when it was routed, predicted or labelled. */
function eventTime(record: InputRecord<JoinEvent>): number {
  return record.topic.event === 'RoutedRequest'
    ? (record as InputRecord<'RoutedRequest'>).value.routedAt
    : (record as InputRecord<'Prediction' | 'GroundTruthLabel'>).value.timestamp;
}

/** The rollout an input record names, if it names one (labels do not). */
function rolloutOf(record: InputRecord<JoinEvent>): string | null {
  return record.topic.event === 'GroundTruthLabel'
    ? null
    : (record as InputRecord<'Prediction' | 'RoutedRequest'>).value.rolloutId;
}

/**
 * The evaluator's side of the processor runner: one join processor and one evidence folder per
 * input partition, fed one batch at a time, and a periodic punctuation for what no batch
 * triggers.
 *
 * A batch of partition p: `punctuate(now)` (expiries due), every record — predictions and labels
 * into the join, routed requests and the join's evaluations and shadow pairs into the folder,
 * every record's event time into the folder's watermark — then `flush()` and the folder's
 * `checkpoint`; the evaluations, the changelog entries and the evidence records (both pinned to
 * partition p of their topics) go out with the consumed offsets in one transaction. A record
 * naming a rollout whose state has not been read yet makes the batch wait (up to 10 s) for
 * `rollout.state` to be read further: the router writes a rollout's state before routing any of
 * its requests, so this only waits out the state reader's own lag.
 *
 * Punctuation (`tick`): TTL expiry must progress while the inputs are idle, and the runner calls
 * `process` only for batches. The runner runs `tick` between batches, never during one, and
 * commits each partition's outputs — changelog tombstones and checkpoints, evidence; the merged
 * metrics snapshot with the first partition's — in a transaction of that partition's own.
 * Exactly-once for expiries: an expiry exists only as state, so it counts once the transaction
 * holding its tombstone and metrics checkpoint commits; if that fails, the partition's processor
 * is dropped and restored from the changelog, and the next punctuation
 * expires the same items again (their deadline has passed), counting them once. Which of
 * "matched" and "expired" an item near its deadline gets depends on processing time, as for any
 * processing-time TTL; each item still gets exactly one.
 */
export function joinTask(options: JoinTaskOptions) {
  const { catalog, clock, logger, metrics } = options;
  const inputTopics = [
    catalog.routed.name,
    catalog.predictions.name,
    catalog.labels.name,
    catalog.predictionsRepartition.name,
    catalog.labelsRepartition.name,
  ];

  /**
   * The partition a prediction or label from outside belongs on, when it is not the one it was
   * read from (a producer with another partitioner); undefined when it is in place. Records of
   * the repartition topics were put in place by a task and are never moved again.
   */
  const misplacedTo = (record: InputRecord<JoinEvent>): number | undefined => {
    const { topic } = record;
    if (topic.name !== catalog.predictions.name && topic.name !== catalog.labels.name) {
      return undefined;
    }
    const owner = keyPartition((record as Misplaced).value.requestId, options.partitions());
    return owner === record.partition ? undefined : owner;
  };

  /** The record as forwarded: the same event, to its partition of the repartition topic. */
  const forwarded = (record: Misplaced, partition: number): OutputRecord =>
    record.topic.event === 'Prediction'
      ? {
          topic: catalog.predictionsRepartition,
          key: record.value.requestId,
          value: (record as InputRecord<'Prediction'>).value,
          partition,
        }
      : {
          topic: catalog.labelsRepartition,
          key: record.value.requestId,
          value: (record as InputRecord<'GroundTruthLabel'>).value,
          partition,
        };
  const restoreEvidence = async (
    partition: number,
    folder: EvidenceFolder,
    signal: AbortSignal,
  ) => {
    // Only each key's latest record counts (later ones win), so only that one is decoded: a
    // topic the log cleaner has not compacted yet holds many versions of each key.
    const latest = new Map<string, Buffer | null>();
    const report = await readToEnd({
      kafka: options.kafka,
      topic: catalog.evidence.name,
      partitions: [partition],
      groupIdPrefix: `${options.groupId}.restore`,
      onRecords: (_, records) => {
        for (const record of records) {
          const key = record.key?.toString() ?? '';
          latest.delete(key);
          latest.set(key, record.value);
        }
      },
      timeoutMs: options.restoreTimeoutMs,
      signal,
    });
    const decoded = await options.codec.decodeAll(catalog.evidence, [...latest.values()]);
    let unreadable = 0;
    for (const record of decoded) {
      // Not the evaluator's own (it writes only readable records): the decision service
      // dead-letters it; the restore skips it.
      if (record instanceof KanaryError) unreadable += 1;
      else folder.restore(record);
    }
    if (unreadable > 0) {
      logger.warn(
        { event: 'evaluator.evidence_unreadable', partition, records: unreadable },
        'records of the evidence topic that are not evidence were skipped',
      );
    }
    return report;
  };
  const partitions = new PartitionJoins({
    join: options.join,
    clock,
    logger,
    newFolder: (partition) =>
      new EvidenceFolder({
        partition,
        partitions: options.partitions(),
        inputs: inputTopics,
        relativeAccuracy: options.join.latencyRelativeAccuracy,
        latenessMs: options.watermarkLatenessMs,
        publishing: options.evidencePublishing,
        terms: (rolloutId) => options.rollouts.get(rolloutId),
      }),
    restore: async (partition, { processor, folder }, signal) => {
      const started = performance.now();
      const kept: ArmEvidence[] = [];
      const report = await readToEnd({
        kafka: options.kafka,
        topic: catalog.joinChangelog.name,
        partitions: [partition],
        groupIdPrefix: `${options.groupId}.restore`,
        onRecords: (_, records) => {
          const entries: ChangelogEntry[] = [];
          for (const record of records) {
            const entry = changelogEntry(record);
            if (isEvidenceStateKey(entry.key)) {
              if (entry.value !== null) kept.push(evidenceFromChangelog(entry));
              continue;
            }
            const unit = parseUnitKey(entry.key);
            if (unit === undefined) entries.push(entry);
            else if (entry.value !== null)
              folder.restoreUnit({ ...unit, epoch: Number(changelogText(entry.value)) });
          }
          processor.restore(entries);
        },
        timeoutMs: options.restoreTimeoutMs,
        signal,
      });
      // What was published, then every committed change since (the changelog is never behind).
      const evidence = await restoreEvidence(partition, folder, signal);
      for (const record of kept) folder.restore(record);
      const seconds = (performance.now() - started) / 1000;
      metrics.restoreSeconds.observe(seconds);
      metrics.restoredRecords.inc(report.records + evidence.records);
      logger.info(
        {
          event: 'evaluator.partition_restored',
          partition,
          ...report,
          evidenceRecords: evidence.records,
          buckets: folder.size,
          seconds,
        },
        'join state and evidence restored',
      );
    },
  });

  /** The folder's records of this commit, pinned to the folder's partition of the evidence topic. */
  const evidenceRecords = (partition: number, records: readonly ArmEvidence[]): OutputRecord[] =>
    records.map((value) => ({
      topic: catalog.evidence,
      key: EvidenceFolder.keyOf(value),
      value,
      partition,
    }));

  /** Folds what one join call produced into the partition's evidence. */
  const fold = (folder: EvidenceFolder, out: PartitionOutputs): void => {
    for (const evaluation of out.evaluations) metrics.folded(folder.onEvaluation(evaluation));
    for (const pair of out.outputPairs) metrics.folded(folder.onOutputPair(pair));
    for (const pair of out.labelledPairs) metrics.folded(folder.onLabelledPair(pair));
  };

  /**
   * What the folder must not lose, into the changelog of this commit: the units it counted and
   * its evidence changed since the last commit (the evidence topic has them only at their
   * publication points).
   */
  const keepState = (folder: EvidenceFolder, out: PartitionOutputs, now: number): void => {
    out.addChangelog(
      folder.drainUnits().map(({ rolloutId, routingKey, epoch }) => ({
        key: unitKey(rolloutId, routingKey),
        value: String(epoch),
      })),
    );
    out.addChangelog(folder.changes(now).map(evidenceStateEntry));
  };

  /** Rollouts still unknown after a catch-up, and until when they are not waited for again. */
  const unknownUntil = new Map<string, number>();
  /**
   * Waits for `rollout.state` when a record names a rollout the table does not know yet (once per
   * rollout and STATE_CATCH_UP_MS: records of a rollout that has no state are counted, not waited
   * for each time).
   */
  const knowRollouts = async (
    records: ReadonlyArray<InputRecord<JoinEvent>>,
    heartbeat: () => Promise<void>,
  ): Promise<void> => {
    const now = clock();
    for (const record of records) {
      const rolloutId = rolloutOf(record);
      if (rolloutId === null || options.rollouts.get(rolloutId) !== undefined) continue;
      if ((unknownUntil.get(rolloutId) ?? 0) > now) continue;
      try {
        await options.rollouts.catchUp(STATE_CATCH_UP_MS, heartbeat);
      } catch (err) {
        logger.warn(
          { event: 'evaluator.state_behind', rolloutId, err },
          'rollout.state could not be read further; inputs of unknown rollouts are not folded',
        );
      }
      if (options.rollouts.get(rolloutId) === undefined) {
        if (unknownUntil.size >= 10_000) unknownUntil.clear();
        unknownUntil.set(rolloutId, clock() + STATE_CATCH_UP_MS);
      }
    }
  };
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
      const heartbeat = () => context.heartbeat();
      const { processor, folder } = await partitions.get(context.partition, heartbeat);
      await knowRollouts(records, heartbeat);
      const now = clock();
      const out = new PartitionOutputs(context.partition);
      processor.punctuateInto(now, out);
      const inputs: JoinInput[] = [];
      const moved: OutputRecord[] = [];
      for (const record of records) {
        folder.observe(record.topic.name, eventTime(record), now);
        const owner = misplacedTo(record);
        if (owner !== undefined) {
          moved.push(forwarded(record as Misplaced, owner));
          metrics.repartitioned.inc({ topic: record.topic.name });
          continue;
        }
        const input = joinInput(record);
        if (input !== null) inputs.push(input);
        else metrics.folded(folder.onRouted((record as InputRecord<'RoutedRequest'>).value));
      }
      processor.processInto(inputs, now, out);
      out.addChangelog(processor.flush());
      fold(folder, out);
      keepState(folder, out, now);
      const result = finish(out);
      for (const r of evidenceRecords(context.partition, folder.checkpoint(now))) result.push(r);
      for (const r of moved) result.push(r);
      metrics.observe(partitions.processors());
      return result;
    },

    /**
     * Punctuation of the started partitions (`started`: those whose producer fenced earlier owners
     * in this generation, so state restored now is the committed one); outputs per partition, the
     * instance's metrics snapshot with the first partition's.
     */
    tick(started: readonly number[]): Promise<ReadonlyMap<number, readonly OutputRecord[]>> {
      partitions.loadAssigned(started);
      const now = clock();
      const tasks = partitions.tasks();
      const processors = tasks.map(([p, t]): [number, JoinProcessor] => [p, t.processor]);
      const byPartition = new Map<number, PartitionTask>(tasks);
      for (const { topic, partition, at } of options.progress.take()) {
        byPartition.get(partition)?.folder.caughtUp(topic, at);
      }
      options.progress.probe(tasks.map(([p]) => p));
      const outputs = new Map<number, OutputRecord[]>();
      for (const [partition, { processor, folder }] of tasks) {
        const out = new PartitionOutputs(partition);
        processor.punctuateInto(now, out);
        out.addChangelog(processor.flush());
        keepState(folder, out, now);
        const records = finish(out);
        for (const r of evidenceRecords(partition, folder.checkpoint(now))) records.push(r);
        outputs.set(partition, records);
      }
      if (now >= nextSnapshotAt && tasks.length > 0) {
        nextSnapshotAt = now + options.join.metricsIntervalMs;
        const first = outputs.get(tasks[0]![0])!;
        for (const r of snapshot(now, processors)) first.push(r);
      }
      metrics.observe(processors);
      return Promise.resolve(outputs);
    },

    /** After every (re)join: the new assignment replaces every processor. */
    onAssignment(assignment: Readonly<Record<string, number[]>>): void {
      const owned = new Set(inputTopics.flatMap((topic) => assignment[topic] ?? []));
      partitions.reset([...owned]);
      options.progress.reset();
      metrics.observe([]);
      logger.info(
        { event: 'evaluator.assigned', partitions: partitions.assignedPartitions },
        'partitions assigned',
      );
    },

    /**
     * The partition's outputs were not committed (or its producer was replaced): its processor ran
     * ahead of the changelog, or may have; drop it.
     */
    onAbort(error: unknown, partition: number): void {
      partitions.drop(partition);
      options.progress.reset(partition);
      metrics.observe(partitions.processors());
      logger.warn(
        { event: 'evaluator.state_dropped', partition, err: error },
        'outputs not committed; join state will be restored from the changelog',
      );
    },
  };
}

export type JoinTask = ReturnType<typeof joinTask>;
