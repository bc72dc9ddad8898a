import { KanaryError, type TopicCatalog } from '@kanary/contracts';
import kafkajs, { type Admin } from 'kafkajs';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { ConfigResourceTypes } = kafkajs;

/** The topics do not allow a partition-local join; the service refuses to start. */
export class TopicLayoutError extends KanaryError {
  constructor(message: string) {
    super('TOPIC_LAYOUT', message);
  }
}

export interface TopicLayout {
  /** Partitions of the inputs (and of the changelog and the evidence topic). */
  readonly partitions: number;
  /** True when this call created the changelog topic. */
  readonly createdChangelog: boolean;
}

/**
 * Start-up check. Routed requests, predictions and labels must be co-partitioned (same partition
 * count; all keyed by requestId with the default partitioner) so that a request's records meet
 * in the same partition number; the changelog and the evidence topic need that partition count
 * too, because their partition p holds the state and the evidence of input partition p (and the
 * evidence topic must be compacted: it is also the evidence's changelog). The changelog is the evaluator's own topic
 * and is created here if missing; the pipeline topics must exist (`kanary topics init`).
 *
 * An existing changelog must also be compacted and nothing else: with `delete` in its cleanup
 * policy, retention would remove the entries of requests that waited longer than
 * `retention.ms` (7 days by default, the default TTL) and the metrics checkpoints of quiet
 * series, and a restore would silently come back without them.
 */
export async function checkTopicLayout(admin: Admin, catalog: TopicCatalog): Promise<TopicLayout> {
  const required = [
    catalog.routed,
    catalog.predictions,
    catalog.labels,
    catalog.evaluations,
    catalog.metrics,
    catalog.evidence,
    catalog.predictionsRepartition,
    catalog.labelsRepartition,
    catalog.state,
    catalog.dlq,
  ];
  const existing = new Set(await admin.listTopics());
  const missing = required.filter((t) => !existing.has(t.name)).map((t) => t.name);
  if (missing.length > 0) {
    throw new TopicLayoutError(
      `missing topics: ${missing.join(', ')} (create them with \`kanary topics init\`)`,
    );
  }
  const coPartitioned = [
    catalog.routed,
    catalog.labels,
    catalog.evidence,
    catalog.predictionsRepartition,
    catalog.labelsRepartition,
  ];
  const names = [catalog.predictions.name, ...coPartitioned.map((t) => t.name)];
  const hasChangelog = existing.has(catalog.joinChangelog.name);
  if (hasChangelog) names.push(catalog.joinChangelog.name);
  const { topics } = await admin.fetchTopicMetadata({ topics: names });
  const count = (name: string) => topics.find((t) => t.name === name)?.partitions.length ?? 0;
  const partitions = count(catalog.predictions.name);
  for (const topic of coPartitioned) {
    const other = count(topic.name);
    if (other !== partitions) {
      throw new TopicLayoutError(
        `${catalog.predictions.name} has ${partitions} partitions and ${topic.name} has ` +
          `${other}: routed requests, predictions, labels, evidence and the repartition topics must be co-partitioned ` +
          `(same partition count, keyed by requestId) for the evaluator's partition-local join`,
      );
    }
  }
  await checkCompacted(admin, catalog.evidence.name);
  if (hasChangelog) {
    const changelog = count(catalog.joinChangelog.name);
    if (changelog !== partitions) {
      throw new TopicLayoutError(
        `${catalog.joinChangelog.name} has ${changelog} partitions, the inputs ${partitions}: ` +
          `changelog partition p holds the join state of input partition p`,
      );
    }
    await checkCompacted(admin, catalog.joinChangelog.name);
    return { partitions, createdChangelog: false };
  }
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: catalog.joinChangelog.name,
        numPartitions: partitions,
        replicationFactor: -1,
        configEntries: Object.entries(catalog.joinChangelog.config).map(([name, value]) => ({
          name,
          value,
        })),
      },
    ],
  });
  return { partitions, createdChangelog: true };
}

async function checkCompacted(admin: Admin, topic: string): Promise<void> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
  });
  const policy =
    resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue ?? '';
  const policies = policy.split(',').map((p) => p.trim());
  if (policies.length !== 1 || policies[0] !== 'compact') {
    throw new TopicLayoutError(
      `${topic} has cleanup.policy=${policy}, expected compact: retention would delete state ` +
        `that a restore needs (set cleanup.policy=compact on the topic)`,
    );
  }
}
