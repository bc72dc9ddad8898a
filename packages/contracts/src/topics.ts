import type { EventName } from './events.js';

/** Logical topics of the pipeline (ARCHITECTURE §2). */
export const TopicKey = {
  requests: 'requests',
  routed: 'routed',
  predictions: 'predictions',
  labels: 'labels',
  evaluations: 'evaluations',
  metrics: 'metrics',
  commands: 'commands',
  state: 'state',
  decisions: 'decisions',
  dlq: 'dlq',
  joinChangelog: 'joinChangelog',
  evidence: 'evidence',
  predictionsRepartition: 'predictionsRepartition',
  labelsRepartition: 'labelsRepartition',
} as const;
export type TopicKey = (typeof TopicKey)[keyof typeof TopicKey];

export interface TopicSpec<E extends EventName | null = EventName | null> {
  /** Full topic name, prefix included. */
  readonly name: string;
  /** Event carried as the Avro value, or null for raw bytes (dead letters, changelogs). */
  readonly event: E;
  readonly partitions: number;
  /** Topic-level configuration applied on creation (`cleanup.policy`, retention...). */
  readonly config: Readonly<Record<string, string>>;
  /** What the record key holds. */
  readonly key: string;
}

export interface TopicCatalog {
  readonly requests: TopicSpec<'InferenceRequest'>;
  readonly routed: TopicSpec<'RoutedRequest'>;
  readonly predictions: TopicSpec<'Prediction'>;
  readonly labels: TopicSpec<'GroundTruthLabel'>;
  readonly evaluations: TopicSpec<'Evaluation'>;
  readonly metrics: TopicSpec<'VariantMetrics'>;
  readonly commands: TopicSpec<'RolloutCommand'>;
  readonly state: TopicSpec<'RolloutState'>;
  readonly decisions: TopicSpec<'DecisionReport'>;
  readonly dlq: TopicSpec<null>;
  readonly joinChangelog: TopicSpec<null>;
  /**
   * Compacted: the evaluator's per-(rollout, arm, event-time bucket) evidence, one record per
   * source partition, pinned to that partition; what the decision service, CLI and console read.
   */
  readonly evidence: TopicSpec<'ArmEvidence'>;
  /**
   * The evaluator's internal repartition topics: a prediction or label from outside that is not
   * on the partition its requestId hashes to (a producer with another partitioner, such as
   * librdkafka's CRC32 default) is forwarded here, to that partition, exactly once.
   */
  readonly predictionsRepartition: TopicSpec<'Prediction'>;
  readonly labelsRepartition: TopicSpec<'GroundTruthLabel'>;
}

export interface TopicCatalogOptions {
  /** Prefix of every topic name. @default "kanary" */
  prefix?: string;
  /**
   * Partitions of the request/prediction/label data topics. Predictions and labels must be
   * co-partitioned for the evaluator's partition-local join, so they share this one number.
   * @default 4
   */
  dataPartitions?: number;
  /** Partitions of the per-model control topics (commands, state, decisions, metrics). @default 1 */
  controlPartitions?: number;
}

const compacted = { 'cleanup.policy': 'compact' } as const;

/**
 * The evidence topic is rewritten on every commit of the evaluator (the buckets a batch
 * changed), and start-up reads it whole: keep few versions of a key. Segments roll every minute
 * (the cleaner never compacts the active one) and a log with 10 % superseded records is cleaned;
 * every version is compacted away within 5 minutes.
 */
const frequentlyCompacted = {
  ...compacted,
  'segment.ms': '60000',
  'min.cleanable.dirty.ratio': '0.1',
  'max.compaction.lag.ms': '300000',
} as const;

/** Builds the topic catalog; names are `<prefix>.<topic>`. */
export function topicCatalog(options: TopicCatalogOptions = {}): TopicCatalog {
  const prefix = options.prefix ?? 'kanary';
  const data = options.dataPartitions ?? 4;
  const control = options.controlPartitions ?? 1;
  if (!/^[a-zA-Z0-9._-]+$/.test(prefix))
    throw new Error(`topic prefix "${prefix}" has characters Kafka does not allow`);
  if (!Number.isInteger(data) || data < 1)
    throw new Error(`dataPartitions must be a positive integer, got ${data}`);
  if (!Number.isInteger(control) || control < 1)
    throw new Error(`controlPartitions must be a positive integer, got ${control}`);
  const t = <E extends EventName | null>(
    suffix: string,
    event: E,
    partitions: number,
    key: string,
    config: Record<string, string> = {},
  ): TopicSpec<E> =>
    Object.freeze({
      name: `${prefix}.${suffix}`,
      event,
      partitions,
      key,
      config: Object.freeze({ ...config }),
    });
  return Object.freeze({
    requests: t('inference.requests', 'InferenceRequest', data, 'requestId'),
    routed: t('inference.routed', 'RoutedRequest', data, 'requestId'),
    predictions: t('inference.predictions', 'Prediction', data, 'requestId'),
    labels: t('labels', 'GroundTruthLabel', data, 'requestId'),
    evaluations: t('evaluations', 'Evaluation', data, 'requestId'),
    metrics: t('metrics', 'VariantMetrics', control, 'rolloutId'),
    commands: t('rollout.commands', 'RolloutCommand', control, 'model'),
    state: t('rollout.state', 'RolloutState', control, 'model', compacted),
    decisions: t('rollout.decisions', 'DecisionReport', control, 'rolloutId'),
    dlq: t('dlq', null, control, 'original key'),
    joinChangelog: t('evaluator.join-changelog', null, data, 'requestId', compacted),
    evidence: t('evidence', 'ArmEvidence', data, 'evidence key', frequentlyCompacted),
    predictionsRepartition: t('evaluator.repartition.predictions', 'Prediction', data, 'requestId'),
    labelsRepartition: t('evaluator.repartition.labels', 'GroundTruthLabel', data, 'requestId'),
  });
}

/** Confluent's TopicNameStrategy: the value schema of topic T is registered under `T-value`. */
export const valueSubject = (topic: TopicSpec | string): string =>
  `${typeof topic === 'string' ? topic : topic.name}-value`;
