import { describe, expect, it } from 'vitest';
import { kafkajsProtocol } from './index.js';

// patches/kafkajs@2.2.4.patch writes varints in place instead of through an array and a Buffer
// per value, encodes small varlongs (a record's timestamp delta) without Long arithmetic, and
// leaves an encoder's buffer unfilled. The bytes must stay exactly what Kafka's varint and
// varlong encodings are: zigzag, then 7 bits a byte, low bits first (the Kafka protocol's
// "Record" format; checked here against a BigInt implementation of the definition). On the
// consuming side it reads a small varlong, a record's offset and timestamp (base + delta), and
// the fetched-offset filter in numbers when they are safe integers: the text must be exactly the
// 64-bit sum's, also past 2^53, where the Long arithmetic still runs.
const {
  ConsumerBatch,
  Decoder,
  Encoder,
  decodeRecord,
  decodeRecordBatch,
  encodeRecord,
  encodeRecordBatch,
} = kafkajsProtocol;

/** LEB128 of a non-negative value: 7 bits a byte, low bits first (an unsigned varint). */
function unsignedReference(value: bigint): Buffer {
  const bytes: number[] = [];
  for (; value >= 0x80n; value >>= 7n) bytes.push(Number(value & 0x7fn) | 0x80);
  bytes.push(Number(value));
  return Buffer.from(bytes);
}

/** Zigzag (64-bit), then LEB128: the definition of a varint and a varlong, in BigInt. */
function referenceVarLong(value: bigint): Buffer {
  return unsignedReference(BigInt.asUintN(64, (value << 1n) ^ (value >> 63n)));
}

/** Every boundary of 1…10 encoded bytes on both signs, the fast path's edges, and a spread. */
function values(): bigint[] {
  const out = new Set<bigint>([0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n)]);
  for (let bits = 6n; bits <= 62n; bits += 7n) {
    for (const v of [2n ** bits, -(2n ** bits)]) for (const d of [-1n, 0n, 1n]) out.add(v + d);
  }
  for (const edge of [2n ** 30n, 2n ** 31n, 2n ** 53n]) {
    for (const d of [-2n, -1n, 0n, 1n]) {
      out.add(edge + d);
      out.add(-edge + d);
    }
  }
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 500; i++) {
    x = BigInt.asUintN(64, x * 6364136223846793005n + 1442695040888963407n);
    const v = BigInt.asIntN(64, x) >> BigInt(i % 60);
    out.add(v);
  }
  return [...out];
}

describe('kafkajs record encoding and decoding (patched)', () => {
  it('writes varlongs byte for byte as the definition, numbers and strings alike', () => {
    for (const v of values()) {
      const expected = referenceVarLong(v);
      const asString = new Encoder().writeVarLong(v.toString()).buffer;
      expect(asString, `varlong ${v} as a string`).toEqual(expected);
      expect(Encoder.sizeOfVarLong(v.toString()), `size of ${v}`).toBe(expected.length);
      if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
        expect(new Encoder().writeVarLong(Number(v)).buffer, `varlong ${v}`).toEqual(expected);
        expect(Encoder.sizeOfVarLong(Number(v)), `size of ${v}`).toBe(expected.length);
      }
      expect(new Decoder(expected).readVarLong().toString(), `decoded ${v}`).toBe(v.toString());
    }
  });

  it('writes 32-bit varints and unsigned varints as the definition', () => {
    for (const v of values()) {
      if (v < -(2n ** 31n) || v >= 2n ** 31n) continue;
      expect(new Encoder().writeVarInt(Number(v)).buffer, `varint ${v}`).toEqual(
        referenceVarLong(v),
      );
      if (v >= 0n) {
        expect(new Encoder().writeUVarInt(Number(v)).buffer, `unsigned varint ${v}`).toEqual(
          unsignedReference(v),
        );
      }
    }
  });

  it('keeps every written byte when a write crosses the buffer and the buffer grows', () => {
    const encoder = new Encoder(8);
    const reference: number[] = [];
    for (let i = 0; i < 300; i++) {
      const u = 300 + i * 1_000_003;
      encoder.writeInt8(i % 100).writeUVarInt(u);
      reference.push(i % 100, ...unsignedReference(BigInt(u)));
    }
    expect(encoder.buffer).toEqual(Buffer.from(reference));
  });

  it('round-trips records with small, large and negative timestamp deltas', () => {
    const firstTimestamp = '1765000000000';
    for (const timestampDelta of [0, 1, -5, 86_400_000, 2 ** 31, -(2 ** 40), 2 ** 52]) {
      const encoded = encodeRecord({
        offsetDelta: 7,
        timestampDelta,
        key: Buffer.from('request-0001'),
        value: Buffer.alloc(700, 0x61),
        headers: { source: 'bench' },
      }).buffer;
      const decoder = new Decoder(encoded);
      const length = decoder.readVarInt();
      expect(length).toBe(encoded.length - referenceVarLong(BigInt(length)).length);
      const record = decodeRecord(decoder, { firstOffset: '100', firstTimestamp, magicByte: 2 });
      expect(record.offset).toBe('107');
      expect(record.timestamp).toBe((BigInt(firstTimestamp) + BigInt(timestampDelta)).toString());
      expect(record.key.toString()).toBe('request-0001');
      expect(record.value).toEqual(Buffer.alloc(700, 0x61));
      expect(record.headers).toEqual({ source: Buffer.from('bench') });
    }
  });

  it('reads small and large varlongs as the definition', () => {
    for (const v of values()) {
      const decoder = new Decoder(Buffer.concat([referenceVarLong(v), Buffer.from([0x2a])]));
      expect(decoder.readSmallVarLong().toString(), `varlong ${v}`).toBe(v.toString());
      // Positioned after the varlong, whichever path read it.
      expect(decoder.offset).toBe(referenceVarLong(v).length);
    }
  });

  it('decodes offsets and timestamps as the 64-bit sums, below and past 2^53', async () => {
    const deltas = [0, 5, -3, 2 ** 27 - 1, 2 ** 27, 2 ** 40, -(2 ** 35)];
    for (const firstOffset of ['0', '4294967290', '9007199254740980', '9223372036854775000']) {
      for (const firstTimestamp of ['1765000000000', '-1', '9007199254740990']) {
        const batch = await encodeRecordBatch({
          firstOffset,
          firstTimestamp,
          maxTimestamp: firstTimestamp,
          lastOffsetDelta: deltas.length + 29,
          records: deltas.map((timestampDelta, i) =>
            encodeRecord({ offsetDelta: i * 5, timestampDelta, key: `k${i}`, value: `v${i}` }),
          ),
        });
        const { records } = await decodeRecordBatch(new Decoder(batch.buffer));
        const at = `batch at ${firstOffset}, ${firstTimestamp}`;
        expect(
          records.map((r) => r.offset),
          at,
        ).toEqual(deltas.map((_, i) => (BigInt(firstOffset) + BigInt(i * 5)).toString()));
        expect(
          records.map((r) => r.timestamp),
          at,
        ).toEqual(deltas.map((d) => (BigInt(firstTimestamp) + BigInt(d)).toString()));
        expect(records.map((r) => r.key.toString())).toEqual(deltas.map((_, i) => `k${i}`));
      }
    }
  });

  it('keeps the messages at or past the fetched offset, below and past 2^53', () => {
    for (const base of [0n, 2n ** 53n - 3n, 2n ** 60n]) {
      const messages = Array.from({ length: 8 }, (_, i) => ({
        offset: (base + BigInt(i)).toString(),
        key: Buffer.from(`k${i}`),
        value: null,
        isControlRecord: false,
      }));
      for (let fetched = 0; fetched <= 8; fetched++) {
        const fetchedOffset = (base + BigInt(fetched)).toString();
        const batch = new ConsumerBatch('topic', fetchedOffset, {
          partition: 0,
          highWatermark: '0',
          abortedTransactions: [],
          messages,
        });
        expect(
          batch.messagesWithinOffset.map((m) => m.offset),
          `fetched ${fetchedOffset}`,
        ).toEqual(messages.slice(fetched).map((m) => m.offset));
      }
    }
  });
});
