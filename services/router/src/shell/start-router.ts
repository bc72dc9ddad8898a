import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { EventCodec, topicCatalog, type RolloutState } from '@kanary/contracts';
import { createKafka, watchFirstConsumerFailure } from '@kanary/kafka';
import {
  createLogger,
  createMetricsRegistry,
  type Logger,
  type Registry,
} from '@kanary/observability';
import type { Kafka } from 'kafkajs';
import { SERVICE, type RouterConfig } from '../config.js';
import { RecentAssignments } from '../core/recent-assignments.js';
import { RolloutBook } from '@kanary/rollout';
import { CommandApplier } from './command-applier.js';
import { buildHttpApi } from './http-api.js';
import { RecordPublisher } from './record-publisher.js';
import { requestIngress } from './request-ingress.js';
import { routerMetrics } from './router-metrics.js';
import { StateView } from '@kanary/assigner';

/** Collaborators a caller may supply (tests, the demo); each defaults from the config. */
export interface RouterDeps {
  logger?: Logger;
  /** Prometheus registry the router's metrics go to. @default a new one with process metrics */
  registry?: Registry;
  kafka?: Kafka;
  codec?: EventCodec;
  /** Epoch ms. @default Date.now */
  clock?: () => number;
  /**
   * Called once if a consumer stops for good (kafkajs does not restart after a non-retriable
   * error); `/healthz` turns 503 either way. @default logs the error
   */
  onFatal?: (error: Error) => void;
}

/** A running router. */
export interface Router {
  /** Port of the HTTP API (the configured one, or the one picked for port 0). */
  readonly port: number;
  /** `http://127.0.0.1:<port>`, for callers in the same host. */
  readonly url: string;
  /**
   * Resolves once `rollout.state` is restored and the consumers run (`/readyz` turns 200);
   * rejects if that fails.
   */
  readonly ready: Promise<void>;
  isReady(): boolean;
  /** The model's state as this instance routes by it. */
  rollout(model: string): RolloutState | undefined;
  rollouts(): RolloutState[];
  readonly registry: Registry;
  /** Graceful: stops the HTTP server, finishes and commits in-flight batches, leaves the groups. */
  stop(): Promise<void>;
}

/**
 * Starts a router: the HTTP server at once (`/readyz` 503), then, in the background, reads
 * `rollout.state` to its end into the routing table, and only then starts the command applier
 * and the request ingress. Nothing is routed from a half-restored table.
 *
 * Several instances: all share the request group (they split the request partitions) and the
 * command group (each commands partition has one applier at a time); every instance follows
 * `rollout.state` in a group of its own, so every instance routes by every applied command.
 */
export async function startRouter(config: RouterConfig, deps: RouterDeps = {}): Promise<Router> {
  const logger = deps.logger ?? createLogger({ service: SERVICE, level: config.logLevel });
  const registry = deps.registry ?? createMetricsRegistry(SERVICE);
  const { kafka, failure } = watchFirstConsumerFailure(
    deps.kafka ?? createKafka(config.connection, logger),
    { service: SERVICE, logger, onFatal: deps.onFatal },
  );
  const codec = deps.codec ?? new EventCodec(config.connection.registry);
  const clock = deps.clock ?? Date.now;
  const { topicPrefix, instanceId, dataPartitions } = config.connection;
  const topics = topicCatalog({ prefix: topicPrefix, dataPartitions });
  const metrics = routerMetrics(registry);
  const book = new RolloutBook(config.defaultVariants, config.defaultPolicy);
  const unfollow = metrics.follow(book);

  const view = new StateView({
    kafka,
    codec,
    topic: topics.state,
    book,
    logger,
    onInvalid: () => metrics.invalidState(),
    groupIdPrefix: `${config.groupId}.state-view.${instanceId}`,
    timeoutMs: config.restoreTimeoutMs,
  });
  const applier = new CommandApplier({
    kafka,
    codec,
    topics,
    book,
    view,
    logger,
    metrics,
    registry,
    service: SERVICE,
    groupId: `${config.groupId}.commands`,
    transactionalIdPrefix: `${config.groupId}.commands`,
    sessionTimeoutMs: config.sessionTimeoutMs,
    clock,
  });
  const ingress = requestIngress({
    kafka,
    codec,
    topics,
    book,
    logger,
    metrics,
    registry,
    service: SERVICE,
    groupId: config.groupId,
    transactionalIdPrefix: `${config.groupId}.requests`,
    commitIntervalMs: config.connection.commitIntervalMs,
    sessionTimeoutMs: config.sessionTimeoutMs,
    maxBytesPerPartition: config.maxBytesPerPartition,
    clock,
  });
  const publisher = new RecordPublisher(kafka, codec, topics, {
    ...config.assignGroup,
    onProduce: (records) => metrics.assignProduced(records),
  });

  let readyFlag = false;
  let stopping = false;
  const app = buildHttpApi({
    book,
    publisher,
    metrics,
    recentAssignments: new RecentAssignments(config.assignRetry),
    registry,
    logger,
    operatorToken: config.operatorToken,
    bodyLimitBytes: config.http.bodyLimitBytes,
    commandWaitMs: config.commandWaitMs,
    isReady: () => readyFlag && !stopping,
    isLive: () => failure() === undefined,
    clock,
    newId: randomUUID,
  });
  await app.listen({ port: config.http.port, host: config.http.host });
  const port = (app.server.address() as AddressInfo).port;
  logger.info({ event: 'router.listening', port }, 'HTTP API listening');

  const ready = (async () => {
    const step = async (run: () => Promise<void>) => {
      if (stopping) throw new Error('the router was stopped while starting');
      await run();
    };
    await step(() => publisher.connect());
    await step(() => view.start());
    const restoreStarted = Date.now();
    await step(() => view.catchUp());
    logger.info(
      {
        event: 'router.state_restored',
        models: book.list().length,
        ms: Date.now() - restoreStarted,
      },
      'rollout state restored',
    );
    await step(() => applier.start());
    await step(() => ingress.start());
    readyFlag = true;
    logger.info({ event: 'router.ready', instanceId }, 'router ready');
  })();
  // Observed here so an early failure is never an unhandled rejection; callers await `ready`.
  ready.catch((err: unknown) =>
    logger.error({ event: 'router.start_failed', err }, 'router failed to start'),
  );

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    ready,
    isReady: () => readyFlag && !stopping,
    rollout: (model) => book.get(model),
    rollouts: () => book.list(),
    registry,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      await app.close();
      await ready.catch(() => undefined);
      const results = await Promise.allSettled([
        ingress.stop(),
        applier.stop(),
        view.stop(),
        publisher.disconnect(),
      ]);
      unfollow();
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
