import { EventCodec, topicCatalog } from '@kanary/contracts';
import { createKafka, ProcessorRunner, requestIdKey } from '@kanary/kafka';
import {
  createLogger,
  createMetricsRegistry,
  startOpsServer,
  type Logger,
  type OpsServer,
  type Registry,
} from '@kanary/observability';
import type { Kafka } from 'kafkajs';
import { SERVICE, type EvaluatorConfig } from '../config.js';
import type { JoinStats } from '@kanary/join';
import { CoPartitionedAssigner } from './co-partitioned-assigner.js';
import { evaluatorMetrics } from './evaluator-metrics.js';
import { InputProgress } from './input-progress.js';
import { joinTask, type JoinEvent } from './join-task.js';
import { RolloutTermsTable } from './rollout-terms-table.js';
import { checkTopicLayout, type TopicLayout } from './topic-layout.js';

/** Collaborators a caller may supply (tests, the demo); each defaults from the config. */
export interface EvaluatorDeps {
  logger?: Logger;
  /** Prometheus registry for the evaluator's metrics. @default a new one with process metrics */
  registry?: Registry;
  kafka?: Kafka;
  codec?: EventCodec;
  /** Epoch ms. @default Date.now */
  clock?: () => number;
  /**
   * Called once if the consumer stops for good (kafkajs restarts it only after retriable errors;
   * after a broker restart it can give up on the group coordinator); `/healthz` turns 503 either
   * way. @default logs the error
   */
  onFatal?: (error: Error) => void;
}

/** A running evaluator. */
export interface Evaluator {
  /**
   * Resolves once the topics passed the start-up checks and the consumer runs (`/readyz` turns
   * 200); rejects with the reason otherwise (e.g. a `TopicLayoutError`).
   */
  readonly ready: Promise<TopicLayout>;
  isReady(): boolean;
  /** Port of /metrics, /healthz and /readyz. */
  readonly opsPort: number;
  readonly registry: Registry;
  readonly runner: ProcessorRunner<JoinEvent>;
  /** Join state summed over the partitions loaded now. */
  stats(): JoinStats & { readonly partitions: readonly number[] };
  /** Graceful: finishes and commits the in-flight batch, leaves the group, closes /metrics. */
  stop(): Promise<void>;
}

/**
 * Starts an evaluator: the ops server at once (`/readyz` 503), then the start-up checks (topics
 * exist, routed requests, predictions and labels co-partitioned, changelog created or matching),
 * the rollout states (read in full), and the exactly-once consumer of routed requests,
 * predictions and labels.
 *
 * Several instances share one consumer group; a co-partitioning assigner gives each member the
 * same partition numbers of both inputs, so each join partition has one owner at a time.
 */
export async function startEvaluator(
  config: EvaluatorConfig,
  deps: EvaluatorDeps = {},
): Promise<Evaluator> {
  const logger = deps.logger ?? createLogger({ service: SERVICE, level: config.logLevel });
  const registry = deps.registry ?? createMetricsRegistry(SERVICE);
  const kafka = deps.kafka ?? createKafka(config.connection, logger);
  const codec = deps.codec ?? new EventCodec(config.connection.registry);
  const clock = deps.clock ?? Date.now;
  const catalog = topicCatalog({
    prefix: config.connection.topicPrefix,
    dataPartitions: config.connection.dataPartitions,
  });
  const metrics = evaluatorMetrics(registry);
  const rollouts = new RolloutTermsTable({
    kafka,
    codec,
    catalog,
    logger,
    groupIdPrefix: `${config.groupId}.state.${config.connection.instanceId}`,
    defaultPolicy: config.defaultPolicy,
  });
  const inputs = [
    catalog.routed,
    catalog.predictions,
    catalog.labels,
    catalog.predictionsRepartition,
    catalog.labelsRepartition,
  ];
  let dataPartitions = catalog.predictions.partitions;
  const progress = new InputProgress({
    kafka,
    groupId: config.groupId,
    topics: inputs.map((t) => t.name),
    clock,
    readPosition: (topic, partition) => runner.position(topic, partition),
  });
  const task = joinTask({
    kafka,
    codec,
    catalog,
    rollouts,
    progress,
    watermarkLatenessMs: config.watermarkLatenessMs,
    evidencePublishing: config.evidencePublishing,
    partitions: () => dataPartitions,
    join: config.join,
    groupId: config.groupId,
    restoreTimeoutMs: config.restoreTimeoutMs,
    logger,
    metrics,
    clock,
  });
  // kafkajs restarts a consumer only after retriable errors; after any other, /healthz turns 503.
  let fatal: Error | undefined;
  const runner = new ProcessorRunner<JoinEvent>({
    kafka,
    codec,
    logger,
    service: SERVICE,
    groupId: config.groupId,
    inputs,
    // The join and the evidence are partition-local by requestId: a record keyed otherwise (or
    // not at all) is dead-lettered, not left to wait on a partition its other side never reaches.
    keyedBy: {
      RoutedRequest: requestIdKey,
      Prediction: requestIdKey,
      GroundTruthLabel: requestIdKey,
    },
    dlq: catalog.dlq,
    mode: 'exactly-once',
    transactionalIdPrefix: config.transactionalIdPrefix,
    commitIntervalMs: config.connection.commitIntervalMs,
    metrics: registry,
    consumer: {
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: config.heartbeatIntervalMs,
      maxBytesPerPartition: config.maxBytesPerPartition,
      partitionAssigners: [CoPartitionedAssigner],
    },
    process: (records, context) => task.process(records, context),
    onAssignment: (assignment) => task.onAssignment(assignment),
    onAbort: (error, partition) => task.onAbort(error, partition),
    onFatal: (error) => {
      if (fatal !== undefined) return;
      fatal = error;
      logger.fatal(
        { event: 'evaluator.consumer_stopped', err: error },
        'consumer stopped for good',
      );
      deps.onFatal?.(error);
    },
    tick: { intervalMs: config.punctuateIntervalMs, run: (started) => task.tick(started) },
  });

  let running = false;
  let stopping = false;
  const ops: OpsServer = await startOpsServer({
    port: config.opsPort,
    registry,
    ready: () => running,
    live: () => fatal === undefined,
  });

  const start = async (): Promise<TopicLayout> => {
    const admin = kafka.admin();
    await admin.connect();
    let layout: TopicLayout;
    try {
      layout = await checkTopicLayout(admin, catalog);
    } finally {
      await admin.disconnect();
    }
    if (stopping) return layout;
    dataPartitions = layout.partitions;
    await rollouts.start(config.restoreTimeoutMs);
    if (stopping) return layout;
    await runner.start();
    running = true;
    logger.info(
      {
        event: 'evaluator.started',
        groupId: config.groupId,
        transactionalIdPrefix: config.transactionalIdPrefix,
        partitions: layout.partitions,
        createdChangelog: layout.createdChangelog,
        ttlMs: config.join.ttlMs,
        maxPending: config.join.maxPending,
        opsPort: ops.port,
      },
      'evaluator started',
    );
    return layout;
  };
  const ready = start();
  // A failed start is reported through `ready`; keep it from also surfacing as unhandled.
  ready.catch((err: unknown) =>
    logger.error({ event: 'evaluator.start_failed', err }, 'evaluator failed to start'),
  );

  return {
    ready,
    isReady: () => running,
    opsPort: ops.port,
    registry,
    runner,
    stats() {
      const processors = task.partitions.processors();
      const total = { entries: 0, pendingPredictions: 0, pendingLabels: 0, approximateBytes: 0 };
      for (const [, processor] of processors) {
        const s = processor.stats();
        total.entries += s.entries;
        total.pendingPredictions += s.pendingPredictions;
        total.pendingLabels += s.pendingLabels;
        total.approximateBytes += s.approximateBytes;
      }
      return { ...total, partitions: processors.map(([p]) => p) };
    },
    async stop() {
      stopping = true;
      running = false;
      await ready.catch(() => undefined);
      await runner.stop();
      task.partitions.reset([]);
      await Promise.allSettled([rollouts.stop(), progress.close()]);
      await ops.close();
    },
  };
}
