import { randomUUID } from 'node:crypto';
import {
  EventCodec,
  exampleEvents,
  topicCatalog,
  type Prediction,
  type RoutedRequest,
  type TopicCatalog,
} from '@kanary/contracts';
import { ensureTopics } from '@kanary/kafka';
import {
  collectMessages,
  connectedAdmin,
  connectedProducer,
  testInfra,
  uniqueTopic,
} from '@kanary/testkit';

export interface WorkerFixture {
  readonly prefix: string;
  /** Environment for the worker: connection, prefix and partitions (add WORKER_* on top). */
  readonly env: Record<string, string>;
  readonly catalog: TopicCatalog;
  readonly codec: EventCodec;
}

export const PARTITIONS = 2;

/**
 * Every catalog topic created on a topic prefix: a fresh one unless another test bed's is given
 * (with its data partition count).
 */
export async function workerFixture(
  on: { readonly prefix: string; readonly partitions: number } = {
    prefix: uniqueTopic('mw'),
    partitions: PARTITIONS,
  },
): Promise<WorkerFixture> {
  const { prefix, partitions } = on;
  const infra = testInfra();
  const catalog = topicCatalog({ prefix, dataPartitions: partitions });
  const admin = await connectedAdmin();
  await ensureTopics(admin, catalog);
  return {
    prefix,
    env: {
      KAFKA_BROKERS: infra.brokers.join(','),
      SCHEMA_REGISTRY_URL: infra.registryUrl,
      KANARY_TOPIC_PREFIX: prefix,
      KANARY_DATA_PARTITIONS: String(partitions),
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
    },
    catalog,
    codec: new EventCodec({ url: infra.registryUrl }),
  };
}

const t0 = Date.UTC(2026, 0, 1);

/** A routed request for a simulated variant: its features carry the true label. */
export const routed = (
  i: number,
  variant: string,
  trueLabel = i % 3 === 0 ? 'b' : 'a',
): RoutedRequest => ({
  segment: null,
  requestId: `r-${i}`,
  model: 'm',
  routingKey: `u-${i % 17}`,
  features: JSON.stringify({ trueLabel }),
  timestamp: t0 + i,
  rolloutId: 'ro-1',
  variant,
  role: 'STABLE',
  served: true,
  routedAt: t0 + i + 1,
  dispatch: 'WORKER',
});

export async function produceRouted(
  f: WorkerFixture,
  requests: readonly RoutedRequest[],
): Promise<void> {
  const producer = await connectedProducer({ idempotent: true });
  try {
    for (let i = 0; i < requests.length; i += 500) {
      const messages = await Promise.all(
        requests.slice(i, i + 500).map(async (r) => ({
          key: r.requestId,
          value: await f.codec.encode(f.catalog.routed, r),
        })),
      );
      await producer.send({ topic: f.catalog.routed.name, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}

const END = '__end-of-test__';

/**
 * Every committed prediction on the topic. Call it once nothing writes predictions any more: it
 * appends an end marker to each partition and reads (read_committed) until every marker is seen,
 * so whatever was committed before is complete, duplicates included.
 */
export async function readAllPredictions(f: WorkerFixture): Promise<Prediction[]> {
  const producer = await connectedProducer({ idempotent: true });
  const markerId = `${END}${randomUUID()}`;
  const { partitions } = f.catalog.predictions;
  const marker: Prediction = { ...exampleEvents.Prediction, requestId: markerId };
  const value = await f.codec.encode(f.catalog.predictions, marker);
  await producer.send({
    topic: f.catalog.predictions.name,
    messages: Array.from({ length: partitions }, (_, partition) => ({
      key: markerId,
      value,
      partition,
    })),
    acks: -1,
  });
  await producer.disconnect();
  const collector = await collectMessages<Prediction>(f.catalog.predictions.name, {
    map: (r) => f.codec.decode(f.catalog.predictions, r.value),
  });
  try {
    const records = await collector.waitFor(
      (rs) => rs.filter((p) => p.requestId === markerId).length >= partitions,
      60_000,
    );
    return records.filter((p) => !p.requestId.startsWith(END));
  } finally {
    await collector.stop();
  }
}

/** Predictions per `requestId|variant`. */
export function countByRequestAndVariant(predictions: readonly Prediction[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of predictions) {
    const key = `${p.requestId}|${p.variant}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
