import { topicCatalog, type EventCodec } from '@kanary/contracts';
import { createLogger } from '@kanary/observability';
import { KafkaJSNonRetriableError, KafkaJSProtocolError, type Admin, type Kafka } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { NotificationFeed } from './notification-feed.js';

/** A broker's answer as kafkajs raises it; `retriable` comes from its table of error codes. */
const protocolError = (type: string, code: number, retriable: boolean) =>
  new KafkaJSProtocolError(
    Object.assign(new Error(`${type} from the broker`), { type, code, retriable }),
  );
const NOT_COORDINATOR = () => protocolError('NOT_COORDINATOR_FOR_GROUP', 16, true);
const LOADING = () => protocolError('GROUP_LOAD_IN_PROGRESS', 14, true);

const topics = topicCatalog({ prefix: 't', dataPartitions: 1 });
const NEVER_COMMITTED = [topics.decisions.name, topics.state.name].map((topic) => ({
  topic,
  partitions: [{ partition: 0, offset: '-1', metadata: null }],
}));

/**
 * A Kafka stand-in: the admin answers OffsetFetch with `answers` in turn (an error is thrown),
 * the topics end at offset 7, and the consumer accepts everything.
 */
function fakeKafka(answers: ReadonlyArray<Error | typeof NEVER_COMMITTED>) {
  let call = 0;
  const fetchOffsets = vi.fn(() => {
    const answer = answers[Math.min(call, answers.length - 1)]!;
    call += 1;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  });
  const setOffsets = vi.fn(() => Promise.resolve());
  const admin = {
    connect: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
    fetchOffsets,
    fetchTopicOffsets: () => Promise.resolve([{ partition: 0, offset: '7', high: '7', low: '0' }]),
    setOffsets,
  } as unknown as Admin;
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: () => () => undefined,
    connect: () => Promise.resolve(),
    subscribe: () => Promise.resolve(),
    run: () => Promise.resolve(),
    disconnect: () => Promise.resolve(),
  };
  const consumerFor = vi.fn(() => consumer);
  const kafka = { admin: () => admin, consumer: consumerFor } as unknown as Kafka;
  return { kafka, fetchOffsets, setOffsets, consumerFor };
}

const feedOn = (kafka: Kafka) =>
  new NotificationFeed({
    kafka,
    codec: {} as EventCodec,
    topics,
    groupId: 'kanary.decision.notifications',
    commitIntervalMs: 60_000,
    logger: createLogger({ service: 'decision', level: 'silent' }),
    service: 'decision',
    onReport: () => Promise.resolve(true),
    onState: () => Promise.resolve(true),
    deadLetter: () => Promise.resolve(),
    onFatal: () => undefined,
    // Waits of a millisecond: what is tested is which errors are retried and how often.
    offsetsRetry: { retries: 3, minDelayMs: 1, maxDelayMs: 1 },
  });

describe('NotificationFeed start-up', () => {
  it('retries the committed offsets while the group coordinator is moving or loading, then starts a new group at the end', async () => {
    const fake = fakeKafka([NOT_COORDINATOR(), LOADING(), NEVER_COMMITTED]);
    const feed = feedOn(fake.kafka);
    await feed.start();
    await feed.stop();
    expect(fake.fetchOffsets).toHaveBeenCalledTimes(3);
    expect(fake.setOffsets.mock.calls).toEqual(
      [topics.decisions.name, topics.state.name].map((topic) => [
        {
          groupId: 'kanary.decision.notifications',
          topic,
          partitions: [{ partition: 0, offset: '7' }],
        },
      ]),
    );
    expect(fake.consumerFor).toHaveBeenCalledTimes(1);
  });

  it('fails at once on an error that retrying cannot help, naming the group', async () => {
    const fake = fakeKafka([new KafkaJSNonRetriableError('Not authorized to access group')]);
    const start = feedOn(fake.kafka).start();
    await expect(start).rejects.toThrow(
      /consumer group "kanary\.decision\.notifications" .* after 1 attempt\(s\): Not authorized/,
    );
    await expect(start).rejects.toMatchObject({
      code: 'NOTIFICATION_OFFSETS_UNREADABLE',
      retriable: false,
    });
    expect(fake.fetchOffsets).toHaveBeenCalledTimes(1);
    expect(fake.consumerFor).not.toHaveBeenCalled();
  });

  it('gives up after the configured retries, naming the group and the last error', async () => {
    const fake = fakeKafka([NOT_COORDINATOR()]);
    const start = feedOn(fake.kafka).start();
    await expect(start).rejects.toThrow(
      /consumer group "kanary\.decision\.notifications" .* after 4 attempt\(s\): NOT_COORDINATOR_FOR_GROUP/,
    );
    await expect(start).rejects.toMatchObject({ cause: { type: 'NOT_COORDINATOR_FOR_GROUP' } });
    expect(fake.fetchOffsets).toHaveBeenCalledTimes(4);
    expect(fake.consumerFor).not.toHaveBeenCalled();
  });
});
