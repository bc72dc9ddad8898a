/** A key a producer outside may get wrong, for a record whose key must be its requestId. */
export interface WrongKey {
  readonly kind: 'no key' | 'another id' | 'Avro-encoded';
  readonly key: Buffer | null;
}

/**
 * The ways a record whose key must be the plain UTF-8 `requestId` is keyed wrongly in practice:
 * no key, another id, and the requestId Avro-encoded as a Confluent serializer for a string key
 * writes it (magic byte 0, a 4-byte schema id, the Avro string: zigzag length, UTF-8 bytes).
 */
export function wrongKeys(requestId: string, schemaId = 1): WrongKey[] {
  return [
    { kind: 'no key', key: null },
    { kind: 'another id', key: Buffer.from(`another-${requestId}`) },
    { kind: 'Avro-encoded', key: confluentAvroString(requestId, schemaId) },
  ];
}

function confluentAvroString(text: string, schemaId: number): Buffer {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  const bytes = Buffer.from(text, 'utf8');
  // Avro long: zigzag, then 7 bits per byte, low group first.
  const length: number[] = [];
  let n = bytes.length * 2;
  while (n >= 0x80) {
    length.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  length.push(n);
  return Buffer.concat([header, Buffer.from(length), bytes]);
}
