import type { EventCodec, EventName, EventTypes, TopicSpec } from '@kanary/contracts';
import { readToEnd, type RawRecord } from '@kanary/evaluator';
import type { Kafka } from 'kafkajs';

/** A committed record as read back, with its partition. */
export interface CommittedRecord extends RawRecord {
  readonly partition: number;
}

/**
 * Every committed record of a topic, read_committed, from the beginning to the last stable
 * offset at the call: what a downstream consumer can ever see of the topic. Records of aborted
 * transactions (a killed producer's) are not included.
 */
export async function readCommitted(
  kafka: Kafka,
  topic: Pick<TopicSpec, 'name' | 'partitions'>,
  timeoutMs = 120_000,
): Promise<CommittedRecord[]> {
  const records: CommittedRecord[] = [];
  await readToEnd({
    kafka,
    topic: topic.name,
    partitions: Array.from({ length: topic.partitions }, (_, p) => p),
    groupIdPrefix: `${topic.name}.audit`,
    onRecords: (partition, batch) => {
      for (const record of batch) records.push({ ...record, partition });
    },
    timeoutMs,
  });
  return records;
}

/** {@link readCommitted}, every value decoded (a record that does not decode fails the read). */
export async function readCommittedEvents<E extends EventName>(
  kafka: Kafka,
  codec: EventCodec,
  topic: TopicSpec<E>,
  timeoutMs?: number,
): Promise<EventTypes[E][]> {
  const records = await readCommitted(kafka, topic, timeoutMs);
  const values: EventTypes[E][] = [];
  for (const record of records) values.push(await codec.decode(topic, record.value));
  return values;
}

/** Header value as text. */
export const headerText = (record: RawRecord, name: string): string | undefined => {
  const value = record.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};
