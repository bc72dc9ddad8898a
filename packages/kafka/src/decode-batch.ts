import {
  KanaryError,
  type EventCodec,
  type EventName,
  type EventTypes,
  type TopicSpec,
} from '@kanary/contracts';
import type { IHeaders, Message } from 'kafkajs';
import { deadLetter } from './dead-letter.js';
import type { InputRecord } from './processor-options.js';
import { isAsciiKey, keyMismatch, type RecordKey } from './record-key.js';

/** A fetched record: what the runner reads of kafkajs' `KafkaMessage`. */
export interface FetchedRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Epoch ms, as text. */
  readonly timestamp: string;
  readonly headers?: IHeaders | undefined;
}

/** A dead letter to send, with the source offset and the reason, for the log. */
export interface Rejected {
  readonly letter: Message;
  readonly offset: string;
  readonly reason: string;
}

/** One partition's records, decoded: the valid ones in order, and a dead letter for each other. */
export interface DecodedBatch<E extends EventName> {
  readonly valid: Array<InputRecord<E>>;
  readonly rejected: Rejected[];
}

/** Where a batch comes from, who reads it, and what key its records must carry. */
export interface BatchSource<E extends EventName> {
  readonly topic: TopicSpec<E>;
  readonly partition: number;
  readonly service: string;
  /** The key each record's value calls for; unchecked when absent. */
  readonly keyedBy?: RecordKey<EventTypes[E]> | undefined;
}

/**
 * Decodes one partition's records of `topic`: one registry lookup per unseen writer schema,
 * then every record synchronously (see `EventCodec.decodeAll`).
 * @throws what `decodeAll` throws: a retriable registry failure fails the whole batch.
 */
export async function decodeBatch<E extends EventName>(
  codec: Pick<EventCodec, 'decodeAll'>,
  source: BatchSource<E>,
  records: readonly FetchedRecord[],
): Promise<DecodedBatch<E>> {
  const decoded = await codec.decodeAll(
    source.topic,
    records.map((r) => r.value),
  );
  return sortDecoded(source, records, decoded);
}

/**
 * Pairs records with their decoding results (`decoded[i]` is `records[i]`'s): a value becomes an
 * input record; an error (the record cannot be decoded, breaks a rule, or is not keyed as
 * `keyedBy` requires) becomes a dead letter carrying the record's bytes and the reason, written
 * by `service`.
 */
export function sortDecoded<E extends EventName>(
  source: BatchSource<E>,
  records: readonly FetchedRecord[],
  decoded: readonly unknown[],
): DecodedBatch<E> {
  const { topic, partition, service, keyedBy } = source;
  const valid: Array<InputRecord<E>> = [];
  const rejected: Rejected[] = [];
  for (let i = 0; i < records.length; i++) {
    const m = records[i]!;
    let value = decoded[i];
    let key: string | null;
    const expected =
      keyedBy !== undefined && !(value instanceof KanaryError)
        ? keyedBy.of(value as EventTypes[E])
        : undefined;
    if (expected !== undefined && m.key !== null && isAsciiKey(m.key, expected)) {
      // The key's text is the expected text: no need to decode it.
      key = expected;
    } else {
      key = m.key === null ? null : m.key.toString();
      if (expected !== undefined) {
        value = keyMismatch(m.key, expected, keyedBy!.field, key ?? undefined) ?? value;
      }
    }
    if (!(value instanceof KanaryError)) {
      valid.push({
        topic,
        partition,
        offset: m.offset,
        key,
        value,
        timestamp: Number(m.timestamp),
        headers: m.headers,
      } as InputRecord<E>);
      continue;
    }
    const letter = deadLetter(
      {
        topic: topic.name,
        partition,
        offset: m.offset,
        key: m.key,
        value: m.value,
        headers: m.headers,
      },
      value,
      service,
    );
    rejected.push({
      letter: { key: letter.key, value: letter.value, headers: letter.headers },
      offset: m.offset,
      reason: value.message,
    });
  }
  return { valid, rejected };
}
