import type { TopicCatalog, TopicSpec } from '@kanary/contracts';
import kafkajs, { type Admin } from 'kafkajs';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { ConfigResourceTypes } = kafkajs;

export interface TopicMismatch {
  readonly topic: string;
  readonly problem: string;
}

export interface BootstrapReport {
  readonly created: readonly string[];
  readonly existing: readonly string[];
  /** Existing topics whose settings differ from the catalog; Kanary never alters them itself. */
  readonly mismatches: readonly TopicMismatch[];
}

/**
 * Creates the catalog's missing topics with its partition counts and configuration, and reports
 * existing topics whose partition count or cleanup policy differ. Safe to run any number of
 * times, and concurrently with another instance (a topic created meanwhile counts as existing).
 */
export async function ensureTopics(
  admin: Admin,
  topics: TopicCatalog | readonly TopicSpec[],
  options: { replicationFactor?: number } = {},
): Promise<BootstrapReport> {
  const specs: TopicSpec[] = Array.isArray(topics)
    ? [...topics]
    : Object.values(topics as TopicCatalog);
  const existingNames = new Set(await admin.listTopics());
  const missing = specs.filter((t) => !existingNames.has(t.name));
  const created: string[] = [];
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: options.replicationFactor ?? -1,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
    created.push(...missing.map((t) => t.name));
  }
  const existing = specs.filter((t) => existingNames.has(t.name));
  const mismatches: TopicMismatch[] = [];
  if (existing.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: existing.map((t) => t.name) });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: existing.map((t) => ({
        type: ConfigResourceTypes.TOPIC,
        name: t.name,
        configNames: ['cleanup.policy'],
      })),
    });
    for (const spec of existing) {
      const meta = metadata.topics.find((m) => m.name === spec.name);
      if (meta && meta.partitions.length !== spec.partitions) {
        mismatches.push({
          topic: spec.name,
          problem: `has ${meta.partitions.length} partitions, expected ${spec.partitions}`,
        });
      }
      const policy = configs.resources
        .find((r) => r.resourceName === spec.name)
        ?.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue;
      const wanted = spec.config['cleanup.policy'] ?? 'delete';
      if (policy !== undefined && policy !== wanted) {
        mismatches.push({
          topic: spec.name,
          problem: `cleanup.policy is ${policy}, expected ${wanted}`,
        });
      }
    }
  }
  return { created, existing: existing.map((t) => t.name), mismatches };
}
