import {
  EventCodec,
  topicCatalog,
  type EventName,
  type EventTypes,
  type TopicCatalog,
  type TopicSpec,
} from '@kanary/contracts';
import { ensureTopics } from '@kanary/kafka';
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
