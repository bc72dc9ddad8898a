import {
  avroType,
  type EventCodec,
  type EventName,
  type EventTypes,
  type TopicSpec,
} from '@kanary/contracts';
import type { Rng } from '@kanary/stats';

/** Kinds of input no service may choke on; each is carried in the record's `kanary.fuzz.kind` header. */
export const BadKind = {
  RANDOM_BYTES: 'random-bytes',
  TRUNCATED_AVRO: 'truncated-avro',
  UNKNOWN_SCHEMA_ID: 'unknown-schema-id',
  WRONG_SCHEMA: 'wrong-schema',
  SEMANTIC_VIOLATION: 'semantic-violation',
  EMPTY_VALUE: 'empty-value',
  HUGE_RECORD: 'huge-record',
} as const;
export type BadKind = (typeof BadKind)[keyof typeof BadKind];

export const FUZZ_KIND_HEADER = 'kanary.fuzz.kind';

/** What the dead letter of each kind must say (error class and a part of the message). */
export const EXPECTED_REASON: Record<BadKind, { errorClass: string; message: RegExp }> = {
  'random-bytes': { errorClass: 'DecodeError', message: /not Confluent wire format/ },
  'truncated-avro': { errorClass: 'DecodeError', message: /cannot decode/ },
  'unknown-schema-id': { errorClass: 'DecodeError', message: /unknown schema id/ },
  'wrong-schema': { errorClass: 'DecodeError', message: /is not a compatible/ },
  'semantic-violation': { errorClass: 'ValidationError', message: /^invalid / },
  'empty-value': { errorClass: 'DecodeError', message: /empty value/ },
  'huge-record': { errorClass: 'DecodeError', message: /not Confluent wire format/ },
};

export interface BadRecord {
  readonly kind: BadKind;
  readonly key: string;
  readonly value: Buffer | null;
}

/** How one ingress topic is fuzzed. */
export interface FuzzTarget<E extends EventName> {
  readonly topic: TopicSpec<E>;
  /** A valid value of the topic's event (truncated or re-labelled with a bad schema id). */
  readonly valid: EventTypes[E];
  /** Values that fit the Avro schema but break a semantic rule. */
  readonly violations: readonly EventTypes[E][];
  /** A topic of another, incompatible event (its encoding is the wrong schema here). */
  readonly other: { readonly topic: TopicSpec; readonly value: unknown };
}

/** Bytes of a huge record: below the broker's default 1 MiB limit with its dead-letter headers. */
export const HUGE_BYTES = 900 * 1024;

const randomBytes = (rng: Rng, length: number): Buffer => {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = rng.int(256);
  // A first byte other than 0 is not the Confluent magic byte, whatever follows.
  bytes[0] = 1 + rng.int(255);
  return bytes;
};

/** Confluent wire format (magic 0, schema id, Avro body) without the codec's checks. */
const wire = (schemaId: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
};

/**
 * The bad records of one ingress: random bytes, Avro cut short, a schema id the registry does
 * not know, another event's schema, valid Avro breaking a semantic rule, an empty value, and a
 * huge record. Seeded: the same `rng` state gives the same records.
 */
export async function badRecords<E extends EventName>(
  codec: EventCodec,
  target: FuzzTarget<E>,
  rng: Rng,
): Promise<BadRecord[]> {
  const { topic } = target;
  const key = (kind: string, i: number) => `fuzz-${topic.name}-${kind}-${i}`;
  const schemaId = await codec.register(topic);
  const validBytes = await codec.encode(topic, target.valid);
  const body = validBytes.subarray(5);
  const records: BadRecord[] = [];
  const add = (kind: BadKind, value: Buffer | null) =>
    records.push({ kind, key: key(kind, records.length), value });

  for (let i = 0; i < 4; i += 1) add(BadKind.RANDOM_BYTES, randomBytes(rng, 1 + rng.int(4_096)));
  // Cut inside the Avro body: the header is intact, the record is not.
  for (let i = 0; i < 3; i += 1) {
    add(BadKind.TRUNCATED_AVRO, validBytes.subarray(0, 5 + rng.int(body.length - 1)));
  }
  add(BadKind.UNKNOWN_SCHEMA_ID, wire(2_000_000_000 + rng.int(1_000_000), body));
  add(BadKind.UNKNOWN_SCHEMA_ID, wire(-1, body));
  add(
    BadKind.WRONG_SCHEMA,
    await codec.encode(target.other.topic as never, target.other.value as never),
  );
  for (const violation of target.violations) {
    add(BadKind.SEMANTIC_VIOLATION, wire(schemaId, avroType(topic.event).toBuffer(violation)));
  }
  add(BadKind.EMPTY_VALUE, null);
  // Two, so that their dead letters (each near the limit) cannot share a produce request.
  add(BadKind.HUGE_RECORD, randomBytes(rng, HUGE_BYTES));
  add(BadKind.HUGE_RECORD, randomBytes(rng, HUGE_BYTES));
  return records;
}
