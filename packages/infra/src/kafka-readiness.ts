import { Kafka, logLevel } from 'kafkajs';
import { pollUntilReady, type ReadinessWait } from './poll-until-ready.js';

/** Group whose offsets the readiness check reads; one per `__consumer_offsets` partition is derived. */
const READINESS_GROUP = 'kanary.infra.readiness';

const quietClient = (brokers: readonly string[], requestTimeout: number, retries: number): Kafka =>
  new Kafka({
    clientId: 'kanary-infra',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(requestTimeout, 3_000),
    requestTimeout,
    retry: { retries, initialRetryTime: 100, maxRetryTime: 1_000 },
  });

/**
 * One bounded attempt to talk Kafka to `brokers`: the cluster id if a broker answered a metadata
 * request, undefined otherwise (nothing listening, or something that is not a Kafka broker).
 */
export async function probeKafka(
  brokers: readonly string[],
  timeoutMs = 3_000,
): Promise<{ clusterId: string } | undefined> {
  const admin = quietClient(brokers, timeoutMs, 0).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return { clusterId: cluster.clusterId };
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Java's `String.hashCode`, which Kafka uses to place a group on a `__consumer_offsets` partition. */
export function javaStringHash(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i += 1) hash = (Math.imul(31, hash) + value.charCodeAt(i)) | 0;
  return hash;
}

/**
 * For each of `partitions` coordinator partitions, an id that Kafka maps to it: groups and
 * transactional ids are placed by `Utils.abs(id.hashCode()) % partitions` (abs = `& 0x7fffffff`).
 */
export function idsCoveringPartitions(partitions: number, prefix = READINESS_GROUP): string[] {
  const found = new Map<number, string>();
  for (let i = 0; found.size < partitions; i += 1) {
    const id = `${prefix}.${i}`;
    const partition = (javaStringHash(id) & 0x7fffffff) % partitions;
    if (!found.has(partition)) found.set(partition, id);
  }
  return [...found.values()];
}

/**
 * Waits until the broker serves metadata and every partition of `__consumer_offsets` and
 * `__transaction_state` has a loaded coordinator. Right after a start these topics are still being
 * created and loaded; kafkajs does not retry NOT_COORDINATOR on `sendOffsets`, so a test that
 * begins a transaction at that moment would fail for reasons unrelated to it.
 */
export async function waitForKafkaReady(
  brokers: readonly string[],
  options: ReadinessWait,
): Promise<{ clusterId: string }> {
  return pollUntilReady(
    async () => {
      const probe = await probeKafka(brokers, 3_000);
      if (probe) await warmUpCoordinators(brokers);
      return probe;
    },
    brokers.join(','),
    options,
  );
}

async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Obtains a producer id from the transaction coordinator of `transactionalId`. kafkajs does that on
 * the first `transaction()`, not on `connect()`; the empty transaction is aborted locally.
 */
async function initTransactions(kafka: Kafka, transactionalId: string): Promise<void> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  try {
    await producer.connect();
    await (await producer.transaction()).abort();
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

async function warmUpCoordinators(brokers: readonly string[]): Promise<void> {
  const kafka = quietClient(brokers, 10_000, 8);
  const admin = kafka.admin();
  try {
    await admin.connect();
    // The first lookups create the internal topics; then each of their partitions must answer.
    await admin.fetchOffsets({ groupId: READINESS_GROUP, topics: [] });
    await initTransactions(kafka, READINESS_GROUP);
    const [groupPartitions, txnPartitions] = await Promise.all([
      partitionCount(kafka, '__consumer_offsets'),
      partitionCount(kafka, '__transaction_state'),
    ]);
    await Promise.all([
      ...idsCoveringPartitions(groupPartitions).map((groupId) =>
        admin.fetchOffsets({ groupId, topics: [] }),
      ),
      ...idsCoveringPartitions(txnPartitions).map((transactionalId) =>
        initTransactions(kafka, transactionalId),
      ),
    ]);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
