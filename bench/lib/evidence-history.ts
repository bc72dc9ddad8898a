/**
 * The evidence an evaluator would have written for a rollout's history, built in the bench
 * process and written to Kafka: each source partition's synthetic traffic folded by the real
 * `EvidenceFolder` in the evaluator's batches (`runEvaluatorLoop`), and the records of EVERY
 * checkpoint produced to the evidence topic in order — pinned to their source partition and keyed
 * as the evaluator keys them — which is what the topic holds until the log cleaner compacts it.
 * The latest record of each key goes to a second evidence topic: the same evidence once
 * compaction has run.
 */
import type { ArmEvidence, TopicSpec } from '@kanary/contracts';
import { EvidenceFolder, type RolloutTerms } from '@kanary/evidence';
import type { Message, Producer } from 'kafkajs';
import { benchProducer } from './backlog.js';
import { evaluatorFolder, runEvaluatorLoop, type EvaluatorPace } from './evaluator-loop.js';
import { PartitionTraffic, type TrafficShape } from './partition-traffic.js';
import type { BenchStack } from './stack.js';

/** Bytes per produce request, under the broker's default limit of a record batch (1 MiB). */
const SEND_BYTES = 512 * 1_024;

export interface HistoryStats {
  /** Evaluations folded (labels that arrived before the end). */
  readonly evaluations: number;
  /** Records written to the every-version topic. */
  readonly records: number;
  /** Of those, watermark-only records. */
  readonly watermarkRecords: number;
  /** Encoded bytes of those records (values only). */
  readonly bytes: number;
  /** Distinct keys: the records written to the compacted topic. */
  readonly keys: number;
  /** Wall time of folding, encoding and producing both topics, s. */
  readonly seconds: number;
}

/** Sends records to one topic in produce requests of at most ~SEND_BYTES. */
class EvidenceSender {
  private pending: Message[] = [];
  private bytes = 0;

  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  /** Queues one record; resolves once a full request, if one filled up, is acknowledged. */
  add(message: Message & { value: Buffer }): Promise<void> | undefined {
    this.pending.push(message);
    this.bytes += message.value.length;
    return this.bytes >= SEND_BYTES ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const messages = this.pending;
    this.pending = [];
    this.bytes = 0;
    await this.producer.send({ topic: this.topic, messages, acks: -1 });
  }
}

/**
 * Folds the traffic of every source partition over [startAt, endAt) and writes its evidence: every
 * version to `all`, the latest per key to `latest`.
 */
export async function writeEvidenceHistory(
  stack: BenchStack,
  topics: { readonly all: TopicSpec<'ArmEvidence'>; readonly latest: TopicSpec<'ArmEvidence'> },
  shape: TrafficShape,
  terms: RolloutTerms,
  pace: EvaluatorPace,
  window: { readonly startAt: number; readonly endAt: number; readonly seed: number },
): Promise<HistoryStats> {
  const started = performance.now();
  const encodeAll = await stack.codec.encoder(topics.all);
  const encodeLatest = await stack.codec.encoder(topics.latest);
  const producer = await benchProducer(stack.kafka);
  const latest = new Map<string, ArmEvidence>();
  let evaluations = 0;
  let records = 0;
  let watermarkRecords = 0;
  let bytes = 0;
  try {
    const all = new EvidenceSender(producer, topics.all.name);
    for (let partition = 0; partition < shape.partitions; partition++) {
      const folder = evaluatorFolder(partition, shape.partitions, terms);
      const traffic = new PartitionTraffic(
        shape,
        partition,
        window.startAt,
        window.endAt,
        window.seed,
      );
      const stats = await runEvaluatorLoop(
        traffic,
        folder,
        pace,
        window.startAt,
        window.endAt,
        async (checkpoint) => {
          for (const record of checkpoint) {
            const key = EvidenceFolder.keyOf(record);
            const value = encodeAll(record);
            bytes += value.length;
            latest.set(key, record);
            await all.add({ key, value, partition });
          }
        },
      );
      evaluations += traffic.evaluations;
      records += stats.records;
      watermarkRecords += stats.watermarkRecords;
    }
    await all.flush();
    const compacted = new EvidenceSender(producer, topics.latest.name);
    for (const [key, record] of latest) {
      await compacted.add({ key, value: encodeLatest(record), partition: record.sourcePartition });
    }
    await compacted.flush();
  } finally {
    await producer.disconnect();
  }
  return {
    evaluations,
    records,
    watermarkRecords,
    bytes,
    keys: latest.size,
    seconds: (performance.now() - started) / 1_000,
  };
}
