import {
  KanaryError,
  type EventCodec,
  type RoutedRequest,
  type TopicCatalog,
} from '@kanary/contracts';
import { ProcessorRunner, deadLetter, requestIdKey, type OutputRecord } from '@kanary/kafka';
import type { Logger, Registry } from '@kanary/observability';
import type { Kafka } from 'kafkajs';
import type { RolloutBook } from '@kanary/rollout';
import { routeRequest } from '@kanary/rollout';
import type { RouterMetrics } from './router-metrics.js';

/** A request for a model the router cannot route (no rollout state, no default variant). */
export class UnknownModelError extends KanaryError {
  constructor(message: string) {
    super('UNKNOWN_MODEL', message);
  }
}

export interface RequestIngressOptions {
  kafka: Kafka;
  codec: EventCodec;
  topics: Pick<TopicCatalog, 'requests' | 'routed' | 'dlq'>;
  book: RolloutBook;
  logger: Logger;
  metrics: RouterMetrics;
  registry: Registry;
  service: string;
  groupId: string;
  /**
   * Transactional ids are `<prefix>.p<partition>`, the same on every instance: whoever takes a
   * requests partition over fences its previous owner.
   */
  transactionalIdPrefix: string;
  /** See `KAFKA_COMMIT_INTERVAL_MS`. */
  commitIntervalMs: number;
  sessionTimeoutMs: number;
  /** Bounds one transaction's output (see ROUTER_MAX_BYTES_PER_PARTITION). */
  maxBytesPerPartition: number;
  clock: () => number;
}

/**
 * The Kafka ingress: `inference.requests` → `inference.routed` (the served record and one copy
 * per shadow), exactly once through the transactional processor runner. A request for an
 * unknown model is dead-lettered with the reason inside the same transaction, and so is one not
 * keyed by its requestId (plain UTF-8). The routed records are keyed by requestId whatever the
 * request's key, but the key contract is the same on every ingress from outside: a producer that
 * keys its requests wrongly keys its labels the same way, where the join depends on it, and a
 * dead letter on the first request says so at once.
 *
 * Routing reads the book's current table, so a batch retried after a failed transaction may be
 * routed by a newer state than the first attempt; only one attempt's records ever commit.
 * `kanary_routed_total` counts attempts, so a retried batch counts twice.
 */
export function requestIngress(
  options: RequestIngressOptions,
): ProcessorRunner<'InferenceRequest'> {
  const { topics, book, metrics, logger, codec, clock } = options;
  return new ProcessorRunner<'InferenceRequest'>({
    kafka: options.kafka,
    codec,
    logger,
    service: options.service,
    groupId: options.groupId,
    inputs: [topics.requests],
    keyedBy: { InferenceRequest: requestIdKey },
    dlq: topics.dlq,
    mode: 'exactly-once',
    transactionalIdPrefix: options.transactionalIdPrefix,
    commitIntervalMs: options.commitIntervalMs,
    metrics: options.registry,
    consumer: {
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(options.sessionTimeoutMs / 10)),
      maxBytesPerPartition: options.maxBytesPerPartition,
    },
    process: async (records) => {
      const outputs: OutputRecord[] = [];
      const routed: RoutedRequest[] = [];
      const routedAt = clock();
      for (const record of records) {
        const request = record.value;
        const outcome = routeRequest(book.table, request, routedAt, 'WORKER');
        if (outcome.kind === 'routed') {
          for (const value of outcome.records) {
            outputs.push({ topic: topics.routed, key: request.requestId, value });
            routed.push(value);
          }
          continue;
        }
        metrics.unknownModel('kafka');
        logger.warn(
          {
            event: 'router.unknown_model',
            model: request.model,
            requestId: request.requestId,
            partition: record.partition,
            offset: record.offset,
          },
          outcome.reason,
        );
        // The runner hands over decoded records; the dead letter carries them re-encoded.
        const letter = deadLetter(
          {
            topic: topics.requests.name,
            partition: record.partition,
            offset: record.offset,
            key: record.key === null ? null : Buffer.from(record.key),
            value: await codec.encode(topics.requests, request),
            headers: record.headers,
          },
          new UnknownModelError(outcome.reason),
          options.service,
        );
        outputs.push({
          topic: topics.dlq,
          key: record.key,
          bytes: letter.value,
          headers: letter.headers,
        });
      }
      metrics.routed(routed, 'kafka');
      return outputs;
    },
  });
}
