import { kafkajsProtocol } from '@kanary/kafka';
import { performance } from 'node:perf_hooks';

/**
 * kafkajs' own per-record costs, the part of every stage that a passthrough also pays: encoding
 * records into a record batch as the producer does, and decoding a fetched batch as the consumer
 * does (the record batch decoder, then the consumer's batch with its offset filter), through
 * kafkajs' internal modules as patched by patches/kafkajs@2.2.4.patch.
 */
const { ConsumerBatch, Decoder, decodeRecordBatch, encodeRecord, encodeRecordBatch } =
  kafkajsProtocol;

/** Records per batch: ~1 MiB of evaluator-sized records, a full fetch of one partition. */
const RECORDS = 7_000;
const FIRST_OFFSET = '1234567';

/** µs per record, the fastest of `rounds` rounds of encoding and of decoding one batch. */
export async function kafkajsRecordCosts(rounds = 20): Promise<{ encode: number; decode: number }> {
  const now = Date.now();
  const keys = Array.from({ length: RECORDS }, (_, i) =>
    Buffer.from(`request-${String(i).padStart(28, '0')}`),
  );
  const value = Buffer.alloc(110, 0x61);
  const encode = () =>
    encodeRecordBatch({
      firstOffset: FIRST_OFFSET,
      firstTimestamp: String(now),
      maxTimestamp: String(now + 50),
      lastOffsetDelta: RECORDS - 1,
      records: keys.map((key, i) =>
        encodeRecord({ offsetDelta: i, timestampDelta: i % 50, key, value }),
      ),
    });
  const batch = (await encode()).buffer;
  const decode = async () => {
    const { records } = await decodeRecordBatch(new Decoder(batch));
    return new ConsumerBatch('topic', FIRST_OFFSET, {
      partition: 0,
      highWatermark: '0',
      abortedTransactions: [],
      messages: records,
    });
  };
  const fastest = async (step: () => Promise<unknown>): Promise<number> => {
    let best = Infinity;
    for (let r = 0; r < rounds; r++) {
      const started = performance.now();
      await step();
      best = Math.min(best, performance.now() - started);
    }
    return (best * 1_000) / RECORDS;
  };
  return { encode: await fastest(encode), decode: await fastest(decode) };
}
