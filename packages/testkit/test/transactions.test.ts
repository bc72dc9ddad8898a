import { afterAll, describe, expect, it } from 'vitest';
import {
  connectedAdmin,
  connectedProducer,
  createTopics,
  disconnectTestClients,
  uniqueGroupId,
  uniqueTopic,
  uniqueTransactionalId,
  waitForMessages,
} from '../src/index.js';

afterAll(disconnectTestClients);

const text = (value: Buffer | null): string => value?.toString() ?? '';

describe('Kafka transactions (exactly-once building blocks)', () => {
  it('hides aborted records from read_committed consumers and commits offsets only with the transaction', async () => {
    const [input, output] = await createTopics([uniqueTopic('txn-in'), uniqueTopic('txn-out')]);
    if (!input || !output) throw new Error('no topics');
    const groupId = uniqueGroupId('txn-processor');
    const plain = await connectedProducer();
    await plain.send({ topic: input, messages: ['a', 'b', 'c', 'd'].map((value) => ({ value })) });

    const producer = await connectedProducer({
      transactionalId: uniqueTransactionalId(),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    const inputOffset = (offset: number) => ({
      consumerGroupId: groupId,
      topics: [{ topic: input, partitions: [{ partition: 0, offset: String(offset) }] }],
    });

    // Processed a, b: outputs and the consumed position commit together.
    const committed = await producer.transaction();
    await committed.send({ topic: output, messages: [{ value: 'from-a' }, { value: 'from-b' }] });
    await committed.sendOffsets(inputOffset(2));
    await committed.commit();

    // Processed c, d, then failed: outputs and offsets are discarded together.
    const aborted = await producer.transaction();
    await aborted.send({ topic: output, messages: [{ value: 'from-c' }, { value: 'from-d' }] });
    await aborted.sendOffsets(inputOffset(4));
    await aborted.abort();

    // A later committed record: once it is visible, anything that was going to leak already has.
    const fence = await producer.transaction();
    await fence.send({ topic: output, messages: [{ value: 'fence' }] });
    await fence.commit();

    const committedView = await waitForMessages(
      output,
      (records) => records.some((r) => text(r.value) === 'fence'),
      {
        isolation: 'read_committed',
      },
    );
    expect(committedView.map((r) => text(r.value))).toEqual(['from-a', 'from-b', 'fence']);

    // The aborted records are in the log: a read_uncommitted consumer does see them.
    const uncommittedView = await waitForMessages(output, 5, { isolation: 'read_uncommitted' });
    expect(uncommittedView.map((r) => text(r.value))).toEqual([
      'from-a',
      'from-b',
      'from-c',
      'from-d',
      'fence',
    ]);

    const admin = await connectedAdmin();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(offsets?.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '2' })]);

    // A consumer of the group resumes after the committed position, not from the beginning.
    const resumed = await waitForMessages(input, 2, { groupId, fromBeginning: true });
    expect(resumed.map((r) => [r.offset, text(r.value)])).toEqual([
      ['2', 'c'],
      ['3', 'd'],
    ]);
  });
});
