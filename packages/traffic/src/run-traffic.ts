import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventCodec, InferenceRequest, TopicCatalog } from '@kanary/contracts';
import type { Logger } from '@kanary/observability';
import { DefaultPartitioner } from '@kanary/kafka';
import type { Kafka, Producer } from 'kafkajs';
import { LabelFeeder } from './label-feeder.js';
import type { LabelPlan } from './label-plan.js';
import { createRequestSource, type SourceConfig } from './request-source.js';
import { dueOffsetMs, requestIdFor, requestsDue, routingKeyFor } from './traffic-plan.js';

export interface TrafficLabels extends LabelPlan {
  /**
   * With an outcome-dependent delay: how long to wait for a request's served prediction before
   * scheduling its label as if the prediction were right. @default 60000
   */
  readonly predictionWaitMs?: number;
  /** Wait until every pending label is produced before resolving. @default true */
  readonly waitForLabels?: boolean;
}

export interface TrafficOptions {
  readonly kafka: Kafka;
  readonly codec: EventCodec;
  /** Requests go to `requests`, labels to `labels`; `predictions` is read for outcome-dependent delays. */
  readonly catalog: Pick<TopicCatalog, 'requests' | 'labels' | 'predictions'>;
  readonly logger?: Logger | undefined;
  /** Logical model name of the requests. @default 'weather' */
  readonly model?: string;
  readonly source: SourceConfig;
  /** Target requests per second. */
  readonly rate: number;
  /** Stop after this many requests (at least one of `count` and `durationMs` is required). */
  readonly count?: number | undefined;
  /** Stop after this long, in milliseconds. */
  readonly durationMs?: number | undefined;
  /** Size of the user population the routing keys are drawn from. @default 1000 */
  readonly users?: number;
  /** Seed of every draw (features, users, unlabelled requests, delays). @default 1 */
  readonly seed?: number;
  /** Prefix of the request ids (`<runId>-<i>`). @default a random id */
  readonly runId?: string;
  /** Ground-truth labels to publish for the requests; omitted: none. */
  readonly labels?: TrafficLabels | undefined;
  /** Stops sending; pending labels are dropped and counted. */
  readonly signal?: AbortSignal | undefined;
  /** Called about every `progressIntervalMs` and once at the end. */
  readonly onProgress?: ((progress: TrafficProgress) => void) | undefined;
  /** @default 1000 */
  readonly progressIntervalMs?: number;
  /** Requests per produce request, at most. @default 1000 */
  readonly maxBatch?: number;
}

export interface TrafficProgress {
  readonly phase: 'sending' | 'labelling' | 'done';
  readonly runId: string;
  readonly requests: number;
  /** Requests the run will send; undefined for a run bounded by duration only. */
  readonly target: number | undefined;
  readonly labelsSent: number;
  readonly labelsPending: number;
  readonly elapsedMs: number;
  /** Requests per second so far. */
  readonly rate: number;
}

export interface TrafficReport {
  readonly runId: string;
  readonly requests: number;
  readonly labelsSent: number;
  readonly unlabelled: number;
  /** Labels not produced because the run was aborted. */
  readonly labelsDropped: number;
  readonly servedRight: number;
  readonly servedWrong: number;
  readonly withoutPrediction: number;
  /** Time spent sending requests, in milliseconds. */
  readonly sendMs: number;
  /** Requests per second achieved while sending. */
  readonly achievedRate: number;
  readonly aborted: boolean;
}

/**
 * Sends InferenceRequests at a constant target rate, keyed by request id, with routing keys
 * drawn from a user population, and — with `labels` — publishes each request's true label
 * after its delay. Requests are produced by an idempotent producer; a label is scheduled only
 * once its request is acknowledged, so it always follows its request.
 */
export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const { rate } = options;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError('rate must be a positive number');
  if (options.count === undefined && options.durationMs === undefined)
    throw new RangeError('give a request count, a duration, or both');
  const seed = options.seed ?? 1;
  const users = options.users ?? 1_000;
  const model = options.model ?? 'weather';
  const runId = options.runId ?? randomUUID().slice(0, 8);
  const maxBatch = options.maxBatch ?? 1_000;
  const source = await createRequestSource(options.source, seed);
  const total = Math.min(
    options.count ?? Number.POSITIVE_INFINITY,
    options.durationMs === undefined
      ? Number.POSITIVE_INFINITY
      : Math.ceil((options.durationMs * rate) / 1_000),
  );

  const producer: Producer = options.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: DefaultPartitioner,
  });
  await producer.connect();
  const feeder = options.labels
    ? new LabelFeeder({
        producer,
        codec: options.codec,
        labels: options.catalog.labels,
        plan: options.labels,
        outcome: {
          kafka: options.kafka,
          predictions: options.catalog.predictions,
          waitMs: options.labels.predictionWaitMs ?? 60_000,
        },
        logger: options.logger,
      })
    : undefined;

  let sent = 0;
  const started = Date.now();
  let sendMs = 0;
  let lastProgress = 0;
  const progress = (phase: TrafficProgress['phase']) => {
    const elapsedMs = Date.now() - started;
    options.onProgress?.({
      phase,
      runId,
      requests: sent,
      target: Number.isFinite(total) ? total : undefined,
      labelsSent: feeder?.stats.sent ?? 0,
      labelsPending: feeder?.pending ?? 0,
      elapsedMs,
      rate: sent / Math.max(0.001, (phase === 'sending' ? elapsedMs : sendMs) / 1_000),
    });
  };
  const maybeProgress = (phase: TrafficProgress['phase']) => {
    if (Date.now() - lastProgress >= (options.progressIntervalMs ?? 1_000)) {
      lastProgress = Date.now();
      progress(phase);
    }
  };

  let dropped = 0;
  try {
    await feeder?.start();
    const runStart = Date.now();
    while (sent < total && !options.signal?.aborted) {
      const due = Math.min(requestsDue(Date.now() - runStart, rate, total), sent + maxBatch);
      if (due <= sent) {
        const wait = runStart + dueOffsetMs(sent, rate) - Date.now();
        await sleep(Math.max(1, wait), undefined, { signal: options.signal }).catch(
          () => undefined,
        );
        continue;
      }
      const batch: Array<{ request: InferenceRequest; trueLabel: string }> = [];
      for (let i = sent; i < due; i += 1) {
        const sample = source(i);
        batch.push({
          trueLabel: sample.trueLabel,
          request: {
            requestId: requestIdFor(runId, i),
            model,
            routingKey: routingKeyFor(seed, i, users),
            features: sample.features,
            timestamp: Date.now(),
          },
        });
      }
      const messages = await Promise.all(
        batch.map(async ({ request }) => ({
          key: request.requestId,
          value: await options.codec.encode(options.catalog.requests, request),
        })),
      );
      await producer.send({ topic: options.catalog.requests.name, messages, acks: -1 });
      const ackedAt = Date.now();
      for (const { request, trueLabel } of batch) {
        feeder?.offer({ requestId: request.requestId, model, trueLabel, sentAt: ackedAt });
      }
      sent = due;
      maybeProgress('sending');
    }
    sendMs = Date.now() - runStart;
    if (feeder && (options.labels?.waitForLabels ?? true) && !options.signal?.aborted) {
      const labelsDone = feeder.drain();
      // Awaited below unless the run is aborted first; a later failure must not go unhandled.
      labelsDone.catch(() => undefined);
      while (feeder.pending > 0 && !options.signal?.aborted) {
        const tick = sleep(options.progressIntervalMs ?? 1_000, undefined, {
          signal: options.signal,
        });
        await Promise.race([labelsDone, tick.catch(() => undefined)]);
        maybeProgress('labelling');
      }
      if (!options.signal?.aborted) await labelsDone;
    }
  } finally {
    if (feeder) dropped = (await feeder.stop()).dropped;
    await producer.disconnect();
  }
  progress('done');
  return {
    runId,
    requests: sent,
    labelsSent: feeder?.stats.sent ?? 0,
    unlabelled: feeder?.stats.unlabelled ?? 0,
    labelsDropped: dropped,
    servedRight: feeder?.stats.servedRight ?? 0,
    servedWrong: feeder?.stats.servedWrong ?? 0,
    withoutPrediction: feeder?.stats.withoutPrediction ?? 0,
    sendMs,
    achievedRate: sent / Math.max(0.001, sendMs / 1_000),
    aborted: options.signal?.aborted ?? false,
  };
}
