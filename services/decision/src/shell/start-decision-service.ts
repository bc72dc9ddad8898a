import { EventCodec, topicCatalog } from '@kanary/contracts';
import { createKafka } from '@kanary/kafka';
import {
  createLogger,
  createMetricsRegistry,
  startOpsServer,
  type Logger,
  type Registry,
} from '@kanary/observability';
import type { Kafka } from 'kafkajs';
import { SERVICE, type DecisionConfig } from '../config.js';
import {
  createDecisionEngine,
  type DecisionEngine,
  type EngineOutput,
} from '@kanary/decision-engine';
import { DecisionInputs } from './decision-inputs.js';
import { decisionMetrics } from './decision-metrics.js';
import { DecisionPublisher } from './decision-publisher.js';
import { startNotifications } from './notifications.js';

/** Collaborators a caller may supply (tests, the demo); each defaults from the config. */
export interface DecisionServiceDeps {
  logger?: Logger;
  /** Prometheus registry for the service's metrics. @default a new one with process metrics */
  registry?: Registry;
  kafka?: Kafka;
  codec?: EventCodec;
  /** Epoch ms, the `now` of every tick. @default Date.now */
  clock?: () => number;
  /** @default createDecisionEngine with the configured default policy and hold interval */
  engine?: DecisionEngine;
  /**
   * Called once if a consumer stops for good (kafkajs does not restart after a non-retriable
   * error); `/healthz` turns 503 either way. @default logs the error
   */
  onFatal?: (error: Error) => void;
}

/** A running decision service. */
export interface DecisionService {
  /**
   * Resolves once the statistics are rebuilt from everything on the input topics at start-up
   * and the schedule runs (`/readyz` turns 200); rejects if that fails.
   */
  readonly ready: Promise<void>;
  isReady(): boolean;
  readonly engine: DecisionEngine;
  readonly registry: Registry;
  /** Port of /metrics, /healthz and /readyz. */
  readonly opsPort: number;
  /** Judges every rollout now and publishes the outcome, as the schedule does (after `ready`). */
  tick(): Promise<EngineOutput>;
  /** Graceful: stops the schedule, publishes what is queued, leaves and deletes its groups. */
  stop(): Promise<void>;
}

/**
 * Starts the decision service: the ops server at once (`/readyz` 503), then in the background
 * rebuilds the engine's statistics from the input topics ({@link DecisionInputs}) and only then
 * starts judging every `intervalMs`: a half-rebuilt view never issues a command. Each tick's
 * reports and commands are published by the {@link DecisionPublisher}.
 */
export async function startDecisionService(
  config: DecisionConfig,
  deps: DecisionServiceDeps = {},
): Promise<DecisionService> {
  const logger = deps.logger ?? createLogger({ service: SERVICE, level: config.logLevel });
  const registry = deps.registry ?? createMetricsRegistry(SERVICE);
  const kafka = deps.kafka ?? createKafka(config.connection, logger);
  const codec = deps.codec ?? new EventCodec(config.connection.registry);
  const clock = deps.clock ?? Date.now;
  const engine =
    deps.engine ??
    createDecisionEngine({
      ...(config.defaultPolicy !== undefined ? { defaultPolicy: config.defaultPolicy } : {}),
      holdReportIntervalMs: config.holdReportIntervalMs,
      maxEvidenceLagMs: config.maxEvidenceLagMs,
    });
  const { topicPrefix, dataPartitions, instanceId } = config.connection;
  const topics = topicCatalog({ prefix: topicPrefix, dataPartitions });
  const metrics = decisionMetrics(registry, clock);

  const publisher = new DecisionPublisher(kafka, codec, topics);
  // Ticks never overlap: a scheduled and a requested one run one after the other, and so do
  // the approvals of confirm webhooks.
  let chain: Promise<unknown> = Promise.resolve();
  const serially = <T>(run: () => Promise<T>): Promise<T> => {
    const next = chain.then(run);
    chain = next.catch(() => undefined);
    return next;
  };
  let fatal: Error | undefined;
  const onFatal = (error: Error): void => {
    if (fatal !== undefined) return;
    fatal = error;
    logger.fatal({ event: 'decision.consumer_stopped', err: error }, 'a consumer stopped for good');
    deps.onFatal?.(error);
  };
  const notifications = startNotifications({
    config: config.notifications,
    defaultPolicy: config.defaultPolicy,
    engine,
    kafka,
    codec,
    groupId: `${config.groupIdPrefix}.notifications`,
    onFatal,
    publisher,
    publishCommand: (command) =>
      serially(() => publisher.publish({ reports: [], commands: [command], awaitingApproval: [] })),
    topics,
    registry,
    logger,
    service: SERVICE,
    clock,
  });

  const inputs = new DecisionInputs({
    kafka,
    codec,
    topics,
    engine,
    logger,
    registry,
    metrics,
    service: SERVICE,
    groupIdPrefix: `${config.groupIdPrefix}.${instanceId}`,
    onFatal,
  });
  let readyFlag = false;
  let stopping = false;
  const ops = await startOpsServer({
    port: config.ops.port,
    host: config.ops.host,
    registry,
    ready: () => readyFlag && !stopping,
    live: () => fatal === undefined,
  });

  const judge = async (): Promise<EngineOutput> => {
    const now = clock();
    const output = engine.tick(now);
    for (const report of output.reports) {
      logger.info(
        {
          event: 'decision.made',
          rolloutId: report.rolloutId,
          model: report.model,
          action: report.action,
          reason: report.reason,
          stepIndex: report.stepIndex,
          commandId: report.commandId,
        },
        `${report.model}: ${report.action}`,
      );
    }
    metrics.decided(output.reports);
    metrics.ticked(engine.summary(now), engine.diagnostics(), engine.evidenceProgress());
    // Hands the webhooks their share and returns: deliveries never hold the tick up.
    notifications.onTick(output);
    try {
      await publisher.publish(output);
    } catch (err) {
      metrics.publishFailed();
      logger.error(
        { event: 'decision.publish_failed', pending: publisher.pending, err },
        'could not publish decisions; retrying at the next tick',
      );
    }
    return output;
  };

  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    if (stopping) return;
    timer = setTimeout(() => {
      void serially(judge).finally(schedule);
    }, config.intervalMs);
  };

  const ready = (async () => {
    const started = Date.now();
    await publisher.connect();
    if (stopping) throw new Error('the decision service was stopped while starting');
    await inputs.start(config.restoreTimeoutMs);
    if (stopping) throw new Error('the decision service was stopped while starting');
    // After the rebuild, so the engine knows every rollout a decision report names.
    await notifications.start();
    if (stopping) throw new Error('the decision service was stopped while starting');
    readyFlag = true;
    logger.info(
      {
        event: 'decision.ready',
        ...inputs.stats(),
        rollouts: engine.summary(clock()).length,
        ms: Date.now() - started,
        instanceId,
      },
      'rollout states and evidence read; judging',
    );
    // Judge at once on what was read, then on the schedule.
    void serially(judge).finally(schedule);
  })();
  // Observed here so an early failure is never an unhandled rejection; callers await `ready`.
  ready.catch((err: unknown) =>
    logger.error({ event: 'decision.start_failed', err }, 'decision service failed to start'),
  );

  return {
    ready,
    isReady: () => readyFlag && !stopping,
    engine,
    registry,
    opsPort: ops.port,
    tick: async () => {
      await ready;
      return serially(judge);
    },
    stop: async () => {
      if (stopping) return;
      stopping = true;
      clearTimeout(timer);
      const stopped = await Promise.allSettled([inputs.stop()]);
      await ready.catch(() => undefined);
      await chain;
      await notifications.stop();
      await chain;
      const flushed = await Promise.allSettled([
        publisher.flush().finally(() => publisher.disconnect()),
      ]);
      await ops.close();
      const failed = [...stopped, ...flushed].find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
