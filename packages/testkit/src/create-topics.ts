import type { ITopicConfig } from 'kafkajs';
import { connectedAdmin } from './kafka-for-tests.js';

export type TestTopic = string | (Omit<ITopicConfig, 'topic'> & { topic: string });

/**
 * Creates topics (default one partition, replication factor 1) and returns their names once every
 * partition has a leader. The broker does not create topics on first use, as in production.
 */
export async function createTopics(
  topics: readonly TestTopic[],
  defaults: { numPartitions?: number } = {},
): Promise<string[]> {
  const specs = topics.map((t) => (typeof t === 'string' ? { topic: t } : t));
  const admin = await connectedAdmin();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: specs.map((s) => ({
        numPartitions: defaults.numPartitions ?? 1,
        replicationFactor: 1,
        ...s,
      })),
    });
    return specs.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}
