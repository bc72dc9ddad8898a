import kafkajs, { type Consumer, type Kafka, type PartitionAssigner } from 'kafkajs';
import { kafkaForTests } from './kafka-for-tests.js';
import { waitFor } from './wait-for.js';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { AssignerProtocol } = kafkajs;

const SQUATTER_PROTOCOL = 'KanaryTestSquatter';

/** An assignor no Kanary service speaks: it keeps every partition for itself. */
const squatterAssigner: PartitionAssigner = () => ({
  name: SQUATTER_PROTOCOL,
  version: 0,
  protocol: ({ topics }) => ({
    name: SQUATTER_PROTOCOL,
    metadata: AssignerProtocol.MemberMetadata.encode({
      version: 0,
      topics,
      userData: Buffer.alloc(0),
    }),
  }),
  assign: ({ members, topics }) =>
    Promise.resolve(
      members.map(({ memberId }, i) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: i === 0 ? Object.fromEntries(topics.map((t) => [t, [0]])) : {},
          userData: Buffer.alloc(0),
        }),
      })),
    ),
});

/**
 * Joins `groupId` with a partition assignor that no other member supports, so that any other
 * consumer joining the group is refused with INCONSISTENT_GROUP_PROTOCOL — an error kafkajs never
 * retries. The way to make a service's consumer stop for good, on purpose. Disconnect to leave.
 */
export async function squatGroup(
  groupId: string,
  topic: string,
  kafka: Kafka = kafkaForTests(),
): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [squatterAssigner],
    sessionTimeout: 30_000,
    heartbeatInterval: 1_000,
  });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachBatch: async () => {} });
  await waitFor(() => joined, {
    timeoutMs: 30_000,
    description: `the squatter to join ${groupId}`,
  });
  return consumer;
}
