import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { EventCodec } from '@kanary/contracts';
import type { IHeaders, RecordMetadata } from 'kafkajs';
import { connectedProducer } from './kafka-for-tests.js';
import { testInfra } from './test-infra.js';
import { type CollectOptions, type ConsumedRecord, waitForMessages } from './wait-for-messages.js';

/** A registry client for the test registry (Confluent-compatible API). */
export const schemaRegistryForTests = (): SchemaRegistry =>
  new SchemaRegistry({ host: testInfra().registryUrl });

/** The project's event codec (contracts) bound to the test registry. */
export const eventCodecForTests = (): EventCodec =>
  new EventCodec({ url: testInfra().registryUrl });

/** Registers an Avro schema under `subject` and returns its registry id. */
export async function registerAvroSchema(
  subject: string,
  schema: string | object,
  registry: SchemaRegistry = schemaRegistryForTests(),
): Promise<number> {
  const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: text }, { subject });
  return id;
}

export interface EncodedMessage {
  readonly key?: string | Buffer | null;
  readonly value: unknown;
  readonly headers?: IHeaders;
  readonly partition?: number;
}

/** Encodes each value with schema `schemaId` (Confluent wire format) and produces the records. */
export async function produceEncoded(
  topic: string,
  schemaId: number,
  messages: readonly EncodedMessage[],
  registry: SchemaRegistry = schemaRegistryForTests(),
): Promise<RecordMetadata[]> {
  const encoded = await Promise.all(
    messages.map(async (m) => ({
      key: m.key ?? null,
      value: await registry.encode(schemaId, m.value),
      ...(m.headers ? { headers: m.headers } : {}),
      ...(m.partition === undefined ? {} : { partition: m.partition }),
    })),
  );
  const producer = await connectedProducer();
  try {
    return await producer.send({ topic, messages: encoded });
  } finally {
    await producer.disconnect();
  }
}

export type DecodedRecord<T> = ConsumedRecord & { readonly decoded: T };

/** `waitForMessages` with every value decoded through the registry. */
export async function waitForDecodedMessages<T = unknown>(
  topics: string | readonly string[],
  until: number | ((records: readonly DecodedRecord<T>[]) => boolean),
  options: Omit<CollectOptions<DecodedRecord<T>>, 'map'> & {
    timeoutMs?: number;
    registry?: SchemaRegistry;
  } = {},
): Promise<readonly DecodedRecord<T>[]> {
  const registry = options.registry ?? schemaRegistryForTests();
  return waitForMessages<DecodedRecord<T>>(topics, until, {
    ...options,
    map: async (record) => ({
      ...record,
      decoded: (record.value ? await registry.decode(record.value) : null) as T,
    }),
  });
}
