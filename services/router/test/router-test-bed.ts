import { randomBytes, randomUUID } from 'node:crypto';
import {
  EventCodec,
  topicCatalog,
  type EventName,
  type EventTypes,
  type InferenceRequest,
  type RolloutCommand,
  type RolloutState,
  type TopicCatalog,
  type TopicSpec,
} from '@kanary/contracts';
import { ensureTopics } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import {
  collectMessages,
  connectedAdmin,
  connectedProducer,
  testInfra,
  uniqueTopic,
  waitFor,
  type MessageCollector,
} from '@kanary/testkit';
import { Partitioners, type Message, type Producer } from 'kafkajs';
import { commandOnState, type LiveAction } from '@kanary/rollout';
import { loadRouterConfig, startRouter, type Router } from '../src/index.js';

export const PARTITIONS = 4;
/** Made per run, like a real one: the router refuses fixed placeholder-like values. */
export const OPERATOR_TOKEN = randomBytes(16).toString('hex');

/** One test's topics (a fresh prefix), codec, producer and the routers it started. */
export interface RouterBed {
  readonly prefix: string;
  readonly catalog: TopicCatalog;
  readonly codec: EventCodec;
  /** Starts a router on this bed's topics and waits until it is ready. */
  start(env?: Record<string, string>): Promise<Router>;
  /** Produces events (keyed by `key`) in batches of 5,000. */
  produce<E extends EventName>(
    topic: TopicSpec<E>,
    values: readonly EventTypes[E][],
    key: (value: EventTypes[E]) => string,
  ): Promise<void>;
  /** Produces records as given (keys, partitions and bytes untouched). */
  send(topic: TopicSpec, messages: Message[]): Promise<void>;
  command(command: RolloutCommand): Promise<void>;
  requests(requests: readonly InferenceRequest[]): Promise<void>;
  /** Decoded records of a topic, collected in the background from the beginning. */
  collect<E extends EventName>(topic: TopicSpec<E>): Promise<MessageCollector<EventTypes[E]>>;
  /** Stops every router and collector it started. */
  close(): Promise<void>;
}

export async function routerBed(): Promise<RouterBed> {
  const prefix = uniqueTopic('router');
  const infra = testInfra();
  const catalog = topicCatalog({ prefix, dataPartitions: PARTITIONS });
  const admin = await connectedAdmin();
  // A just-created topic can answer "not the leader" for a moment; wait until every one serves.
  await waitFor(() => ensureTopics(admin, catalog).then(() => true), { timeoutMs: 60_000 });
  for (const topic of Object.values(catalog)) {
    await waitFor(() => admin.fetchTopicOffsets(topic.name), {
      timeoutMs: 60_000,
      description: `${topic.name} to have leaders`,
    });
  }
  const codec = new EventCodec({ url: infra.registryUrl });
  const producer: Producer = await connectedProducer({
    idempotent: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const routers: Router[] = [];
  const collectors: Array<{ stop(): Promise<void> }> = [];
  const baseEnv = {
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    KANARY_TOPIC_PREFIX: prefix,
    KANARY_DATA_PARTITIONS: String(PARTITIONS),
    ROUTER_HTTP_PORT: '0',
    ROUTER_HTTP_HOST: '127.0.0.1',
    ROUTER_OPERATOR_TOKEN: OPERATOR_TOKEN,
    ROUTER_DEFAULT_VARIANTS: 'weather=weather-logreg-v1',
    ROUTER_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: process.env.KANARY_TEST_DEBUG ? 'debug' : 'silent',
  };
  const produce: RouterBed['produce'] = async (topic, values, key) => {
    for (let i = 0; i < values.length; i += 5_000) {
      const messages = await Promise.all(
        values.slice(i, i + 5_000).map(async (value) => ({
          key: key(value),
          value: await codec.encode(topic, value),
        })),
      );
      await producer.sendBatch({ topicMessages: [{ topic: topic.name, messages }], acks: -1 });
    }
  };
  return {
    prefix,
    catalog,
    codec,
    start: async (env = {}) => {
      const config = loadRouterConfig({ ...baseEnv, ...env });
      const logger = createLogger({ service: 'router', level: config.logLevel, pretty: false });
      const router = await startRouter(config, { logger });
      routers.push(router);
      await router.ready;
      return router;
    },
    produce,
    send: async (topic, messages) => {
      await producer.send({ topic: topic.name, messages, acks: -1 });
    },
    command: (command) => produce(catalog.commands, [command], (c) => c.model),
    requests: (requests) => produce(catalog.requests, requests, (r) => r.requestId),
    collect: async (topic) => {
      const collector = await collectMessages(topic.name, {
        map: (record) => codec.decode(topic, record.value),
      });
      collectors.push(collector);
      return collector;
    },
    close: async () => {
      await Promise.allSettled(routers.map((r) => r.stop()));
      await Promise.allSettled(collectors.map((c) => c.stop()));
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

/** A command for `weather` issued now by the operator; START of rollout r1 unless overridden. */
export function command(overrides: Partial<RolloutCommand> = {}): RolloutCommand {
  return {
    commandId: randomUUID(),
    rolloutId: 'r1',
    model: 'weather',
    action: 'START',
    stable: 'weather-logreg-v1',
    canary: 'weather-tree-v2',
    shadows: [],
    canaryWeight: 0.1,
    stepIndex: null,
    basedOnSeq: null,
    issuedBy: 'OPERATOR',
    reason: 'integration test',
    policy: null,
    issuedAt: Date.now(),
    actor: null,
    candidates: [],
    ...overrides,
  };
}

/** A command of `action` against `state` (its rollout, variants and seq), issued now. */
export function commandOn(
  state: RolloutState,
  action: LiveAction,
  overrides: Partial<RolloutCommand> = {},
): RolloutCommand {
  const issue = {
    commandId: randomUUID(),
    issuedAt: Date.now(),
    issuedBy: 'OPERATOR',
    reason: 'integration test',
  } as const;
  return { ...commandOnState(state, action, issue), ...overrides };
}

/** `count` requests for `model`, each with its own routing key. */
export function requestsFor(count: number, tag: string, model = 'weather'): InferenceRequest[] {
  const timestamp = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    requestId: `${tag}-${i}`,
    model,
    routingKey: `${tag}-user-${i}`,
    features: '{"temp":12.5}',
    timestamp,
  }));
}
