import {
  EventCodec,
  topicCatalog,
  type Evaluation,
  type GroundTruthLabel,
  type Prediction,
  type TopicCatalog,
} from '@kanary/contracts';
import { ensureTopics } from '@kanary/kafka';
import { createLogger, type Logger } from '@kanary/observability';
import {
  connectedAdmin,
  connectedProducer,
  kafkaForTests,
  testInfra,
  uniqueTopic,
  waitFor,
} from '@kanary/testkit';
import type { ICustomPartitioner, Message } from 'kafkajs';
import { loadConfig, readToEnd, type EvaluatorConfig, type RawRecord } from '../src/index.js';

export interface EvaluatorFixture {
  readonly prefix: string;
  /** Environment of an evaluator on this prefix (add EVALUATOR_* and KANARY_INSTANCE_ID on top). */
  readonly env: Record<string, string>;
  readonly catalog: TopicCatalog;
  readonly codec: EventCodec;
  readonly partitions: number;
  config(overrides?: Record<string, string>): EvaluatorConfig;
}

/** Deviations from the catalog's topic layout, to test the start-up checks. */
export interface BrokenLayout {
  /** Another partition count for the labels topic. */
  readonly labelPartitions?: number;
  /** Topic configs of a changelog created before the evaluator starts. */
  readonly changelogConfig?: Readonly<Record<string, string>>;
}

/** A fresh topic prefix with every catalog topic created, the deviations of `broken` applied. */
export async function evaluatorFixture(
  partitions = 4,
  broken: BrokenLayout = {},
): Promise<EvaluatorFixture> {
  const labelPartitions = broken.labelPartitions ?? partitions;
  const prefix = uniqueTopic('ev');
  const infra = testInfra();
  const catalog = topicCatalog({ prefix, dataPartitions: partitions });
  const admin = await connectedAdmin();
  if (labelPartitions !== partitions) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: catalog.labels.name, numPartitions: labelPartitions }],
    });
  }
  if (broken.changelogConfig !== undefined) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: catalog.joinChangelog.name,
          numPartitions: partitions,
          configEntries: Object.entries(broken.changelogConfig).map(([name, value]) => ({
            name,
            value,
          })),
        },
      ],
    });
  }
  await ensureTopics(admin, catalog);
  const env = {
    KAFKA_BROKERS: infra.brokers.join(','),
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    KANARY_TOPIC_PREFIX: prefix,
    KANARY_DATA_PARTITIONS: String(partitions),
    OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    EVALUATOR_SESSION_TIMEOUT_MS: '6000',
    EVALUATOR_HEARTBEAT_INTERVAL_MS: '500',
    EVALUATOR_PUNCTUATE_INTERVAL_MS: '200',
    EVALUATOR_EVIDENCE_CLOSED_INTERVAL_MS: '500',
  };
  return {
    prefix,
    env,
    catalog,
    codec: new EventCodec({ url: infra.registryUrl }),
    partitions,
    config: (overrides = {}) => loadConfig({ ...env, ...overrides }),
  };
}

export const quietLogger = (): Logger =>
  createLogger({ service: 'evaluator-test', level: process.env.KANARY_TEST_LOG ?? 'silent' });

/** mulberry32 (Tommy Ettinger, public domain): a seeded PRNG so a failing run replays. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A prediction of model "m" (rollout ro-1, variant v1, STABLE, output "a", OK) with overrides. */
export function predicted(
  requestId: string,
  overrides: Partial<Prediction> = {},
): { readonly kind: 'prediction'; readonly value: Prediction } {
  return {
    kind: 'prediction',
    value: {
      scores: null,
      segment: null,
      requestId,
      model: 'm',
      rolloutId: 'ro-1',
      variant: 'v1',
      role: 'STABLE',
      served: true,
      output: 'a',
      score: null,
      latencyMs: 5,
      status: 'OK',
      error: null,
      timestamp: Date.now(),
      ...overrides,
    },
  };
}

/** A label "a" of model "m", with overrides. */
export function labelled(
  requestId: string,
  overrides: Partial<GroundTruthLabel> = {},
): { readonly kind: 'label'; readonly value: GroundTruthLabel } {
  return {
    kind: 'label',
    value: {
      requestId,
      model: 'm',
      label: 'a',
      timestamp: Date.now(),
      outcomes: null,
      ...overrides,
    },
  };
}

export type JoinRecord =
  | { readonly kind: 'prediction'; readonly value: Prediction }
  | { readonly kind: 'label'; readonly value: GroundTruthLabel };

export interface Workload {
  /** Predictions and labels in the (random) order they are produced. */
  readonly records: readonly JoinRecord[];
  /** `requestId|variant|correct` of every evaluation an exact join produces. */
  readonly expected: ReadonlySet<string>;
}

export const evaluationId = (e: Pick<Evaluation, 'requestId' | 'variant' | 'correct'>): string =>
  `${e.requestId}|${e.variant}|${String(e.correct)}`;

/**
 * `requests` requests of model "m": a stable prediction each, a shadow one for ~30 %, ~5 % of
 * calls failed, a label for ~90 % of requests; all shuffled, so labels often come first.
 */
export function workload(requests: number, seed: number, runId = uniqueTopic('w')): Workload {
  const random = seededRandom(seed);
  const now = Date.now();
  const records: JoinRecord[] = [];
  const expected = new Set<string>();
  const classes = ['a', 'b', 'c'];
  const pick = () => classes[Math.floor(random() * classes.length)]!;
  for (let i = 0; i < requests; i++) {
    const requestId = `${runId}-${i}`;
    const truth = pick();
    const labelled = random() < 0.9;
    const variants: Array<['stable-v1' | 'shadow-v2', 'STABLE' | 'SHADOW']> = [
      ['stable-v1', 'STABLE'],
    ];
    if (random() < 0.3) variants.push(['shadow-v2', 'SHADOW']);
    for (const [variant, role] of variants) {
      const failed = random() < 0.05;
      const output = failed ? null : random() < 0.8 ? truth : pick();
      records.push({
        kind: 'prediction',
        value: {
          requestId,
          model: 'm',
          rolloutId: 'ro-1',
          variant,
          role,
          served: role === 'STABLE',
          output,
          score: null,
          scores: null,
          segment: null,
          latencyMs: 1 + Math.floor(random() * 50),
          status: failed ? 'ERROR' : 'OK',
          error: failed ? 'backend failed' : null,
          timestamp: now + i,
        },
      });
      if (labelled) expected.add(evaluationId({ requestId, variant, correct: output === truth }));
    }
    if (labelled) {
      records.push({
        kind: 'label',
        value: { requestId, model: 'm', label: truth, timestamp: now + i + 1, outcomes: null },
      });
    }
  }
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [records[i], records[j]] = [records[j]!, records[i]!];
  }
  return { records, expected };
}

/** Encodes and produces records in order, a few thousand per request (both topics at once). */
export async function produceRecords(
  f: EvaluatorFixture,
  records: readonly JoinRecord[],
  chunk = 5_000,
  partitioner?: ICustomPartitioner,
): Promise<void> {
  const producer = await connectedProducer({
    idempotent: true,
    ...(partitioner !== undefined ? { createPartitioner: partitioner } : {}),
  });
  try {
    for (let start = 0; start < records.length; start += chunk) {
      const predictions: Message[] = [];
      const labels: Message[] = [];
      for (const r of records.slice(start, start + chunk)) {
        if (r.kind === 'prediction') {
          const value = await f.codec.encode(f.catalog.predictions, r.value);
          predictions.push({ key: r.value.requestId, value });
        } else {
          const value = await f.codec.encode(f.catalog.labels, r.value);
          labels.push({ key: r.value.requestId, value });
        }
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          { topic: f.catalog.predictions.name, messages: predictions },
          { topic: f.catalog.labels.name, messages: labels },
        ],
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Total committed offsets of `groupId` on the inputs, and the inputs' end offsets. */
export async function inputProgress(
  f: EvaluatorFixture,
  groupId: string,
  topics = [f.catalog.predictions.name, f.catalog.labels.name],
) {
  const admin = await connectedAdmin();
  let end = 0;
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) end += Number(p.offset);
  }
  let committed = 0;
  for (const t of await admin.fetchOffsets({ groupId, topics })) {
    for (const p of t.partitions) committed += Math.max(0, Number(p.offset));
  }
  return { committed, end };
}

/** Waits until the evaluator group has committed every input record (outputs included). */
export async function waitForInputsCommitted(
  f: EvaluatorFixture,
  groupId: string,
  timeoutMs: number,
  topics?: string[],
): Promise<void> {
  let last = { committed: 0, end: 0 };
  await waitFor(
    async () => {
      last = await inputProgress(f, groupId, topics);
      return last.end > 0 && last.committed === last.end;
    },
    {
      timeoutMs,
      intervalMs: 250,
      description: () => `${groupId} to commit its inputs (${last.committed} of ${last.end})`,
    },
  );
}

/** Every committed record of a topic as stored (read_committed, to its end). */
export async function readAllRaw(
  f: EvaluatorFixture,
  topic: { readonly name: string; readonly partitions: number },
): Promise<RawRecord[]> {
  const raw: RawRecord[] = [];
  await readToEnd({
    kafka: kafkaForTests(),
    topic: topic.name,
    partitions: Array.from({ length: topic.partitions }, (_, p) => p),
    groupIdPrefix: `${f.prefix}.check`,
    onRecords: (_, records) => raw.push(...records),
    timeoutMs: 60_000,
  });
  return raw;
}

/** Every committed record of a topic (read_committed, to its end), decoded. */
export async function readAll<T>(
  f: EvaluatorFixture,
  topic: { readonly name: string; readonly partitions: number },
  decode: (value: Buffer) => Promise<T>,
): Promise<T[]> {
  const raw = await readAllRaw(f, topic);
  return Promise.all(raw.flatMap((r) => (r.value === null ? [] : [decode(r.value)])));
}

/** Every committed evaluation, as `requestId|variant|correct`. */
export async function committedEvaluations(f: EvaluatorFixture): Promise<string[]> {
  const evaluations = await readAll(f, f.catalog.evaluations, (v) =>
    f.codec.decode(f.catalog.evaluations, v),
  );
  return evaluations.map(evaluationId);
}

/** Asserts helper-free: the multiset of `ids` equals the set `expected` (no duplicates). */
export function compareExact(ids: readonly string[], expected: ReadonlySet<string>) {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const id of ids) {
    if (seen.has(id)) duplicates.push(id);
    seen.add(id);
  }
  const missing = [...expected].filter((id) => !seen.has(id));
  const unexpected = [...seen].filter((id) => !expected.has(id));
  return { count: ids.length, duplicates, missing, unexpected };
}
