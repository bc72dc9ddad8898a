import { waitFor } from '@kanary/testkit';
import type { Admin, Kafka } from 'kafkajs';

/** A consumer group and the topics it consumes. */
export interface GroupInput {
  readonly groupId: string;
  readonly topics: readonly string[];
  /**
   * Topics written by transactional producers. Their partitions end with a commit marker, which
   * takes an offset of its own: a group that has consumed every record has committed the
   * marker's offset, one below the end.
   */
  readonly transactional?: readonly string[];
}

/** Committed offsets of the groups, against their topics' last stable offsets. */
async function behind(admin: Admin, groups: readonly GroupInput[]): Promise<string[]> {
  const lagging: string[] = [];
  for (const { groupId, topics, transactional = [] } of groups) {
    const committed = new Map<string, number>();
    for (const t of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
      for (const p of t.partitions) committed.set(`${t.topic}:${p.partition}`, Number(p.offset));
    }
    for (const topic of topics) {
      const marker = transactional.includes(topic) ? 1 : 0;
      for (const end of await admin.fetchTopicOffsets(topic)) {
        const at = committed.get(`${topic}:${end.partition}`) ?? -1;
        // An empty partition needs no commit; otherwise everything up to the end must be.
        if (Number(end.offset) > Number(end.low) && at < Number(end.offset) - marker) {
          lagging.push(`${groupId} ${topic} p${end.partition} at ${at} of ${end.offset}`);
        }
      }
    }
  }
  return lagging;
}

/**
 * Waits until every group has committed every record on its topics: for exactly-once services
 * the outputs of all their input are then committed too (offsets and outputs commit together).
 */
export async function waitForGroupsCaughtUp(
  kafka: Kafka,
  groups: readonly GroupInput[],
  timeoutMs: number,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  let lagging: string[] = [];
  try {
    await waitFor(
      async () => {
        lagging = await behind(admin, groups);
        return lagging.length === 0;
      },
      {
        timeoutMs,
        intervalMs: 500,
        description: () => `committed inputs (behind: ${lagging.slice(0, 6).join('; ')})`,
      },
    );
  } finally {
    await admin.disconnect();
  }
}
