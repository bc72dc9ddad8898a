import { EventCodec, topicCatalog } from '@kanary/contracts';
import { createKafka, ProcessorRunner } from '@kanary/kafka';
import { createBackend, type ModelBackend } from '@kanary/models';
import {
  createMetricsRegistry,
  startOpsServer,
  type Logger,
  type OpsServer,
  type Registry,
} from '@kanary/observability';
import { SERVICE, type WorkerConfig } from '../config.js';
import { predictionProcessor } from './prediction-processor.js';
import { workerMetrics } from './worker-metrics.js';

export interface RunningWorker {
  readonly runner: ProcessorRunner<'RoutedRequest'>;
  readonly ops: OpsServer;
  readonly registry: Registry;
  /** True once the consumer runs. */
  ready(): boolean;
  /** Stops fetching, finishes and commits the in-flight batch, leaves the group, closes /metrics. */
  stop(): Promise<void>;
}

/** What the caller may add to a worker. */
export interface WorkerHooks {
  /**
   * Called once if the consumer stops for good (kafkajs restarts it only after retriable errors;
   * after a broker restart it can give up on the group coordinator); `/healthz` turns 503 either
   * way. The process should exit, so that its supervisor starts a working one.
   */
  onFatal?: (error: Error) => void;
}

/**
 * Starts a model worker: builds each variant's backend, then consumes routed requests and
 * publishes one prediction per request of a served variant, exactly once (outputs and consumed
 * offsets commit in one Kafka transaction).
 */
export async function startModelWorker(
  config: WorkerConfig,
  logger: Logger,
  hooks: WorkerHooks = {},
): Promise<RunningWorker> {
  const backends = new Map<string, ModelBackend>();
  for (const [variant, backendConfig] of Object.entries(config.variants)) {
    const options = config.artifactsDir ? { artifactsDir: config.artifactsDir } : {};
    backends.set(variant, await createBackend(backendConfig, options));
  }
  const registry = createMetricsRegistry(SERVICE);
  const catalog = topicCatalog({
    prefix: config.connection.topicPrefix,
    dataPartitions: config.connection.dataPartitions,
  });
  let running = false;
  let fatal: Error | undefined;
  const ops = await startOpsServer({
    port: config.opsPort,
    registry,
    ready: () => running,
    live: () => fatal === undefined,
  });
  const runner = new ProcessorRunner<'RoutedRequest'>({
    kafka: createKafka(config.connection, logger),
    codec: new EventCodec(config.connection.registry),
    logger,
    service: SERVICE,
    groupId: config.groupId,
    inputs: [catalog.routed],
    dlq: catalog.dlq,
    mode: 'exactly-once',
    transactionalIdPrefix: config.transactionalIdPrefix,
    commitIntervalMs: config.connection.commitIntervalMs,
    metrics: registry,
    consumer: {
      maxBytesPerPartition: config.maxBytesPerPartition,
      sessionTimeout: config.sessionTimeoutMs,
      heartbeatInterval: Math.floor(config.sessionTimeoutMs / 10),
    },
    onFatal: (error) => {
      if (fatal !== undefined) return;
      fatal = error;
      running = false;
      logger.fatal({ event: 'worker.consumer_stopped', err: error }, 'consumer stopped for good');
      hooks.onFatal?.(error);
    },
    process: predictionProcessor({
      backends,
      concurrency: config.concurrency,
      timeoutMs: config.timeoutMs,
      simulateLatency: config.simulateLatency,
      predictions: catalog.predictions,
      logger,
      metrics: workerMetrics(registry),
    }),
  });
  try {
    await runner.start();
  } catch (e) {
    await ops.close();
    await runner.stop().catch(() => undefined);
    throw e;
  }
  running = true;
  logger.info(
    {
      event: 'worker.started',
      variants: [...backends.keys()],
      groupId: config.groupId,
      transactionalIdPrefix: config.transactionalIdPrefix,
      concurrency: config.concurrency,
      timeoutMs: config.timeoutMs,
      simulateLatency: config.simulateLatency,
      opsPort: ops.port,
    },
    'model worker started',
  );
  return {
    runner,
    ops,
    registry,
    ready: () => running,
    async stop() {
      running = false;
      await runner.stop();
      await ops.close();
    },
  };
}
