import {
  EventCodec,
  topicCatalog,
  type EventName,
  type EventTypes,
  type TopicCatalog,
  type TopicSpec,
} from '@kanary/contracts';
import { ensureTopics } from '@kanary/kafka';
import { createLogger } from '@kanary/observability';
import { loadRouterConfig, startRouter, type Router } from '@kanary/router';
import {
  collectMessages,
  connectedAdmin,
  testInfra,
  uniqueTopic,
  type MessageCollector,
} from '@kanary/testkit';
import { buildProgram } from '../src/index.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

export interface CliFixture {
  readonly prefix: string;
  readonly catalog: TopicCatalog;
  readonly codec: EventCodec;
  /** Runs `kanary <args>` against the test broker and registry with this fixture's prefix. */
  kanary(...args: string[]): Promise<CliRun>;
}

/** A fresh topic prefix with its topics created (unless `topics` is false). */
export async function cliFixture({ partitions = 2, topics = true } = {}): Promise<CliFixture> {
  const prefix = uniqueTopic('cli');
  const infra = testInfra();
  const kanary = async (...args: string[]): Promise<CliRun> => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const { run } = buildProgram({ line: (t) => stdout.push(t), error: (t) => stderr.push(t) });
    const global = [
      '--brokers',
      infra.brokers.join(','),
      '--registry',
      infra.registryUrl,
      '--prefix',
      prefix,
      '--partitions',
      String(partitions),
    ];
    const code = await run([...global, ...args]);
    return { code, stdout, stderr };
  };
  const catalog = topicCatalog({ prefix, dataPartitions: partitions });
  if (topics) await ensureTopics(await connectedAdmin(), catalog);
  return {
    prefix,
    catalog,
    codec: new EventCodec({ url: infra.registryUrl }),
    kanary,
  };
}

/** Collects a topic's records (read_committed, from the beginning), decoded. */
export function collectDecoded<E extends EventName>(
  f: CliFixture,
  topic: TopicSpec<E>,
): Promise<MessageCollector<EventTypes[E]>> {
  return collectMessages<EventTypes[E]>(topic.name, { map: (r) => f.codec.decode(topic, r.value) });
}

/** A router on the fixture's topics, ready, for commands that wait for its outcome. */
export async function startFixtureRouter(
  f: CliFixture,
  env: Record<string, string> = {},
): Promise<Router> {
  const infra = testInfra();
  const config = loadRouterConfig({
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    KANARY_TOPIC_PREFIX: f.prefix,
    KANARY_DATA_PARTITIONS: '2',
    ROUTER_HTTP_PORT: '0',
    ROUTER_HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const router = await startRouter(config, {
    logger: createLogger({ service: 'router', level: 'silent' }),
  });
  await router.ready;
  return router;
}
