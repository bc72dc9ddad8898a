import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { collectMessages } from './wait-for-messages.js';
import { waitFor } from './wait-for.js';

const EVENTS = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' } as const;

/** The part of a kafkajs consumer the collector uses, driven by the test. */
class FakeConsumer {
  readonly events = EVENTS;
  disconnected = false;
  private readonly listeners = new Map<string, Array<(event: unknown) => void>>();
  private eachMessage: ((payload: EachMessagePayload) => Promise<void>) | undefined;

  constructor(readonly groupId: string) {}

  connect = () => Promise.resolve();
  subscribe = () => Promise.resolve();
  disconnect = () => {
    this.disconnected = true;
    return Promise.resolve();
  };

  on(event: string, listener: (event: unknown) => void): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  run(config: { eachMessage: (payload: EachMessagePayload) => Promise<void> }): Promise<void> {
    this.eachMessage = config.eachMessage;
    this.emit(EVENTS.GROUP_JOIN, { payload: { memberAssignment: { t: [0] } } });
    return Promise.resolve();
  }

  emit(event: string, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  /** Hands the collector the records at `offsets` of partition 0 of topic `t`. */
  async deliver(...offsets: number[]): Promise<void> {
    for (const offset of offsets) {
      await this.eachMessage!({
        topic: 't',
        partition: 0,
        message: {
          key: null,
          value: Buffer.from(`v${offset}`),
          offset: String(offset),
          timestamp: '0',
          attributes: 0,
          headers: {},
        },
        heartbeat: () => Promise.resolve(),
        pause: () => () => undefined,
      });
    }
  }

  /** What kafkajs emits when it gives the consumer up (restart false) or restarts it. */
  crash(restart: boolean): void {
    const error = new Error('Failed to find group coordinator');
    this.emit(EVENTS.CRASH, { payload: { error, groupId: this.groupId, restart } });
  }
}

/** A kafkajs client whose consumers are fakes, in creation order. */
function fakeKafka(): { kafka: Kafka; consumers: FakeConsumer[] } {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    consumer: ({ groupId }: { groupId: string }) => {
      const consumer = new FakeConsumer(groupId);
      consumers.push(consumer);
      return consumer as unknown as Consumer;
    },
  } as unknown as Kafka;
  return { kafka, consumers };
}

const values = (records: readonly { value: Buffer | null }[]) =>
  records.map((r) => r.value?.toString());

describe('collectMessages', () => {
  it('replaces a consumer kafkajs gave up for good, in the same group, collecting each record once', async () => {
    const { kafka, consumers } = fakeKafka();
    const collector = await collectMessages('t', { kafka });
    await consumers[0]!.deliver(0, 1);
    consumers[0]!.crash(false);
    await waitFor(() => consumers.length === 2, { timeoutMs: 5_000 });
    const [first, second] = consumers as [FakeConsumer, FakeConsumer];
    expect(first.disconnected).toBe(true);
    expect(second.groupId).toBe(first.groupId);
    // The replacement resumes from the group's committed offset, behind what was collected.
    await waitFor(() => collector.restarts === 1, { timeoutMs: 5_000 });
    await second.deliver(1, 2);
    const records = await collector.waitFor(3, 5_000);
    expect(values(records)).toEqual(['v0', 'v1', 'v2']);
    await collector.stop();
    expect(second.disconnected).toBe(true);
  });

  it('leaves a consumer kafkajs restarts itself alone', async () => {
    const { kafka, consumers } = fakeKafka();
    const collector = await collectMessages('t', { kafka });
    consumers[0]!.crash(true);
    await consumers[0]!.deliver(0);
    expect(values(await collector.waitFor(1, 5_000))).toEqual(['v0']);
    expect(consumers).toHaveLength(1);
    expect(collector.restarts).toBe(0);
    await collector.stop();
  });

  it('starts no replacement once stopped', async () => {
    const { kafka, consumers } = fakeKafka();
    const collector = await collectMessages('t', { kafka });
    await collector.stop();
    consumers[0]!.crash(false);
    expect(consumers).toHaveLength(1);
    expect(collector.restarts).toBe(0);
  });
});
