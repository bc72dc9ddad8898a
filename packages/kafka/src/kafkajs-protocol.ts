import { createRequire } from 'node:module';

/**
 * Typed handles on kafkajs' internal record codec (the parts patches/kafkajs@2.2.4.patch
 * changes), for the tests that pin its bytes and the benchmark that times it. Not for services:
 * they go through kafkajs' producer and consumer.
 */
const require = createRequire(import.meta.url);

export interface KafkajsEncoder {
  readonly buffer: Buffer;
  writeVarInt(value: number): KafkajsEncoder;
  writeUVarInt(value: number): KafkajsEncoder;
  writeVarLong(value: number | string): KafkajsEncoder;
  writeInt8(value: number): KafkajsEncoder;
}

export interface KafkajsDecoder {
  readonly offset: number;
  readVarInt(): number;
  readVarLong(): { toString(): string };
  readSmallVarLong(): number | { toString(): string };
}

export interface KafkajsDecodedRecord {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer;
  readonly value: Buffer;
  readonly headers: object;
  readonly isControlRecord: boolean;
}

export const Encoder = require('kafkajs/src/protocol/encoder.js') as {
  new (initialSize?: number): KafkajsEncoder;
  sizeOfVarLong(value: number | string): number;
};

export const Decoder = require('kafkajs/src/protocol/decoder.js') as new (
  buffer: Buffer,
) => KafkajsDecoder;

/** One record of a record batch (v2 format). */
export const encodeRecord =
  require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: {
    offsetDelta: number;
    timestampDelta?: number;
    key: Buffer | string | null;
    value: Buffer | string | null;
    headers?: Record<string, string>;
  }) => KafkajsEncoder;

export const encodeRecordBatch = (
  require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
    RecordBatch: (args: {
      firstOffset: string;
      firstTimestamp?: string;
      maxTimestamp?: string;
      lastOffsetDelta: number;
      producerId?: string;
      producerEpoch?: number;
      transactional?: boolean;
      records: KafkajsEncoder[];
    }) => Promise<KafkajsEncoder>;
  }
).RecordBatch;

export const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (
  decoder: KafkajsDecoder,
) => Promise<{ records: KafkajsDecodedRecord[] }>;

/** The record sets of a fetch response (v4 and later): every batch's records, in order. */
export const decodeFetchedRecords =
  require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js') as (
    decoder: KafkajsDecoder,
  ) => Promise<KafkajsDecodedRecord[]>;

export const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (
  decoder: KafkajsDecoder,
  context: { firstOffset: string; firstTimestamp: string; magicByte: number },
) => KafkajsDecodedRecord;

/**
 * The consumer's view of a fetched partition: `messagesWithinOffset` after the offset filter,
 * `messages` after the aborted-transaction and control-record filters.
 */
export const ConsumerBatch = require('kafkajs/src/consumer/batch.js') as new (
  topic: string,
  fetchedOffset: string,
  partitionData: {
    partition: number;
    highWatermark: string;
    abortedTransactions: unknown[];
    messages: readonly object[];
  },
) => {
  readonly messagesWithinOffset: KafkajsDecodedRecord[];
  readonly messages: KafkajsDecodedRecord[];
  isEmpty(): boolean;
  isEmptyDueToFiltering(): boolean;
  lastOffset(): string;
};
