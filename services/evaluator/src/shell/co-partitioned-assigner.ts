import kafkajs, { type PartitionAssigner } from 'kafkajs';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { AssignerProtocol } = kafkajs;

/** Partition numbers → member, round robin over the sorted member ids. */
export function coPartitionedAssignment(
  memberIds: readonly string[],
  partitionCounts: Readonly<Record<string, number>>,
): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const result = new Map<string, Record<string, number[]>>(
    members.map((m) => [m, Object.fromEntries(Object.keys(partitionCounts).map((t) => [t, []]))]),
  );
  if (members.length === 0) return result;
  const partitions = Math.max(0, ...Object.values(partitionCounts));
  for (let p = 0; p < partitions; p++) {
    const owned = result.get(members[p % members.length]!)!;
    for (const [topic, count] of Object.entries(partitionCounts)) {
      if (p < count) owned[topic]!.push(p);
    }
  }
  return result;
}

/**
 * A kafkajs partition assigner that hands partition p of every subscribed topic to the same
 * member. The join is partition-local — prediction and label partition p feed one processor and
 * one changelog partition — and kafkajs' round-robin assigner spreads topic-partitions without
 * regard to their number (with 3 partitions and 2 members, predictions p0 and labels p0 land on
 * different members), which would split a join and let two members write one changelog partition.
 */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'KanaryCoPartitioned',
  version: 0,
  assign({ members, topics }) {
    const counts = Object.fromEntries(
      topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).length]),
    );
    const assignment = coPartitionedAssignment(
      members.map((m) => m.memberId),
      counts,
    );
    return Promise.resolve(
      [...assignment].map(([memberId, topicPartitions]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: topicPartitions,
          userData: Buffer.alloc(0),
        }),
      })),
    );
  },
  protocol({ topics }) {
    return {
      name: 'KanaryCoPartitioned',
      metadata: AssignerProtocol.MemberMetadata.encode({
        version: 0,
        topics,
        userData: Buffer.alloc(0),
      }),
    };
  },
});
