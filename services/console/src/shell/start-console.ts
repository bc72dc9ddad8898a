import type { AddressInfo } from 'node:net';
import { EventCodec, topicCatalog } from '@kanary/contracts';
import { createKafka, watchFirstConsumerFailure } from '@kanary/kafka';
import {
  createLogger,
  createMetricsRegistry,
  type Logger,
  type Registry,
} from '@kanary/observability';
import { RolloutHistory, RolloutView, type RolloutClientContext } from '@kanary/rollout-client';
import type { Kafka } from 'kafkajs';
import { SERVICE, type ConsoleConfig } from '../config.js';
import { buildConsoleServer } from './console-server.js';
import { consoleMetrics } from './console-metrics.js';
import { LiveUpdates } from './live-updates.js';
import { OperatorActions } from './operator-actions.js';

/** Collaborators a caller may supply (tests); each defaults from the config. */
export interface ConsoleDeps {
  logger?: Logger;
  registry?: Registry;
  kafka?: Kafka;
  codec?: EventCodec;
  /** Epoch ms. @default Date.now */
  clock?: () => number;
  /** Called once if a consumer stops for good; `/healthz` turns 503 either way. */
  onFatal?: (error: Error) => void;
}

/** A running console. */
export interface WebConsole {
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Resolves once the rollout topics are read to their end (`/readyz` turns 200). */
  readonly ready: Promise<void>;
  readonly registry: Registry;
  /** Ends the live streams, closes the HTTP server and the consumers. */
  stop(): Promise<void>;
}

/**
 * Starts the web console: the HTTP server at once (`/readyz` 503), then follows
 * `rollout.state`, `rollout.decisions` and the evaluator's `evidence` from the beginning of the
 * topics, in consumer groups of its own (every instance sees everything; they commit nothing, so
 * any number of instances can run behind a load balancer).
 */
export async function startConsole(
  config: ConsoleConfig,
  deps: ConsoleDeps = {},
): Promise<WebConsole> {
  const logger = deps.logger ?? createLogger({ service: SERVICE, level: config.logLevel });
  const registry = deps.registry ?? createMetricsRegistry(SERVICE);
  const { kafka, failure } = watchFirstConsumerFailure(
    deps.kafka ?? createKafka(config.connection, logger),
    { service: SERVICE, logger, onFatal: deps.onFatal },
  );
  const clock = deps.clock ?? Date.now;
  const { topicPrefix, dataPartitions, instanceId } = config.connection;
  const ctx: RolloutClientContext = {
    kafka,
    codec: deps.codec ?? new EventCodec(config.connection.registry),
    logger,
    catalog: topicCatalog({ prefix: topicPrefix, dataPartitions }),
    connection: { topicPrefix },
  };
  const metrics = consoleMetrics(registry);
  const history = new RolloutHistory(config.history);
  const live = new LiveUpdates(config.pushIntervalMs, (n) => metrics.clients(n));
  // Per-arm numbers come from the evidence topic, where every source partition publishes its own
  // exact share; the evaluator's `metrics` snapshots are per instance and are not read.
  const view = new RolloutView(ctx, {
    evidence: true,
    groupIdPrefix: `${topicPrefix}.console.${instanceId}`,
    onEvent: (event) => {
      history.record(event);
      metrics.record(event.kind);
    },
  });
  const offChange = view.onChange(() => live.changed());
  const actions = new OperatorActions(ctx, view, { waitMs: config.commandWaitMs, clock, logger });

  let readyFlag = false;
  let stopping = false;
  const app = buildConsoleServer({
    history,
    view,
    actions,
    live,
    registry,
    metrics,
    logger,
    operatorToken: config.operatorToken,
    chartPoints: config.history.points,
    clock,
    isReady: () => readyFlag && !stopping,
    isLive: () => failure() === undefined,
  });
  await app.listen({ port: config.http.port, host: config.http.host });
  const port = (app.server.address() as AddressInfo).port;
  logger.info(
    { event: 'console.listening', port, operatorActions: config.operatorToken !== undefined },
    'web console listening',
  );

  const ready = (async () => {
    await view.open(config.restoreTimeoutMs);
    if (stopping) throw new Error('the console was stopped while starting');
    readyFlag = true;
    logger.info({ event: 'console.ready', rollouts: history.list().length }, 'console ready');
  })();
  ready.catch((err: unknown) =>
    logger.error({ event: 'console.start_failed', err }, 'console failed to start'),
  );

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    ready,
    registry,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      offChange();
      // Open event streams would keep the server from closing.
      live.close();
      await app.close();
      await ready.catch(() => undefined);
      await view.close();
    },
  };
}
