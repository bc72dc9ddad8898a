import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventCodec, topicCatalog, type TopicCatalog } from '@kanary/contracts';
import { ensureInfra, type InfraHandle } from '@kanary/infra';
import {
  createKafka,
  ensureTopics,
  loadEnvConfig,
  kafkaEnvSchema,
  toKafkaConnection,
} from '@kanary/kafka';
import { createLogger, type Logger } from '@kanary/observability';
import type { Admin, Kafka } from 'kafkajs';

/** Partitions of every data topic in bench/ (the services' default, KANARY_DATA_PARTITIONS). */
export const PARTITIONS = 4;

/** The broker and registry every benchmark of one run uses, and the clients to them. */
export interface BenchStack {
  readonly brokers: string;
  readonly registryUrl: string;
  readonly kafka: Kafka;
  readonly codec: EventCodec;
  readonly admin: Admin;
  /** Quiet: services and clients log errors only, so logging costs nothing in the numbers. */
  readonly logger: Logger;
  /** Whether this run started the local stack (and stops it at the end). */
  readonly startedByUs: boolean;
  /** A fresh topic prefix with its topics created; `dispose` deletes them. */
  topics(label: string): Promise<BenchTopics>;
  close(): Promise<void>;
}

export interface BenchTopics {
  readonly prefix: string;
  readonly catalog: TopicCatalog;
  /** Environment for a service on these topics (connection, prefix, partitions, quiet logs). */
  readonly env: Record<string, string>;
  /** Creates an extra raw topic `<prefix>.<suffix>` (passthrough outputs) and returns its name. */
  extra(suffix: string): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * Connects to KAFKA_BROKERS / SCHEMA_REGISTRY_URL when set; otherwise starts (or reuses) the
 * local stack with `ensureInfra()` and stops it at the end if this run started it.
 */
export async function openStack(log: (line: string) => void): Promise<BenchStack> {
  let infra: InfraHandle | undefined;
  let brokers = process.env.KAFKA_BROKERS;
  let registryUrl = process.env.SCHEMA_REGISTRY_URL;
  if (brokers === undefined || registryUrl === undefined) {
    log('KAFKA_BROKERS / SCHEMA_REGISTRY_URL not set: starting or reusing the local stack');
    infra = await ensureInfra();
    brokers = infra.brokers.join(',');
    registryUrl = infra.registryUrl;
  }
  const env = { KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registryUrl };
  const connection = toKafkaConnection(loadEnvConfig(kafkaEnvSchema, env), 'bench');
  const logger = createLogger({ service: 'bench', level: 'error', pretty: false });
  const kafka = createKafka(connection, logger);
  const codec = new EventCodec(connection.registry);
  const admin = kafka.admin();
  await admin.connect();
  const live = new Set<BenchTopics>();

  return {
    brokers,
    registryUrl,
    kafka,
    codec,
    admin,
    logger,
    startedByUs: infra?.startedByUs ?? false,
    async topics(label) {
      const prefix = `bench-${label}-${randomUUID().slice(0, 8)}`;
      const catalog = topicCatalog({ prefix, dataPartitions: PARTITIONS });
      await withRetries(() => ensureTopics(admin, catalog));
      const names = Object.values(catalog).map((t) => t.name);
      const handle: BenchTopics = {
        prefix,
        catalog,
        env: {
          KAFKA_BROKERS: brokers,
          SCHEMA_REGISTRY_URL: registryUrl,
          KANARY_TOPIC_PREFIX: prefix,
          KANARY_DATA_PARTITIONS: String(PARTITIONS),
          LOG_LEVEL: 'error',
        },
        async extra(suffix) {
          const name = `${prefix}.${suffix}`;
          names.push(name);
          await admin.createTopics({
            topics: [{ topic: name, numPartitions: PARTITIONS, replicationFactor: 1 }],
            waitForLeaders: false,
          });
          await waitForLeaders(admin, name);
          return name;
        },
        async dispose() {
          live.delete(handle);
          await admin.deleteTopics({ topics: names }).catch(() => undefined);
          // Groups of this prefix hold offsets of deleted topics; remove them too.
          const { groups } = await admin.listGroups().catch(() => ({ groups: [] }));
          const mine = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
          if (mine.length > 0) await admin.deleteGroups(mine).catch(() => undefined);
        },
      };
      live.add(handle);
      return handle;
    },
    async close() {
      for (const handle of [...live]) await handle.dispose();
      await admin.disconnect();
      // Stops only what this run started; a reused stack is left running (its lease released).
      await infra?.stop();
    },
  };
}

/**
 * Waits until every partition of a new topic has a leader. (kafkajs' own `waitForLeaders` gives
 * up with UNKNOWN_TOPIC_OR_PARTITION when the broker is busy and the metadata lags behind.)
 */
async function waitForLeaders(admin: Admin, topic: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      if (offsets.length === PARTITIONS) return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await sleep(100);
  }
}

/**
 * Retries `work` (idempotent) on kafkajs' retriable errors: on a busy broker, topic creation can
 * fail with UNKNOWN_TOPIC_OR_PARTITION while the metadata of the new topics lags behind.
 */
async function withRetries<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (attempt >= attempts || (e as { retriable?: boolean }).retriable !== true) throw e;
      await sleep(500 * attempt);
    }
  }
}
