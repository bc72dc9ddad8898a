import kafkajs, { type ICustomPartitioner } from 'kafkajs';
import murmurhash from 'murmurhash';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;

/** The seed of Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`). */
const KAFKA_MURMUR2_SEED = 0x9747b28c;

/** Longest key, in UTF-8 bytes, that {@link keyBytes} encodes without allocating. */
const SCRATCH_BYTES = 1024;
const scratch = new Uint8Array(SCRATCH_BYTES);
const utf8 = new TextEncoder();

/**
 * A string key's UTF-8 bytes, in a view of a shared scratch array (valid until the next call).
 * `murmurhash.v2` given a string constructs a `TextEncoder` and a fresh array for every call:
 * ~1 µs per key against ~0.1 µs here, paid by every string-keyed record an evaluator produces
 * and by its partition check of every input.
 */
function keyBytes(key: string): Uint8Array {
  const { read, written } = utf8.encodeInto(key, scratch);
  return read === key.length ? scratch.subarray(0, written) : utf8.encode(key);
}

/**
 * The partition a record keyed `key` belongs on: what the Java client's and kafkajs' default
 * partitioners choose (murmur2 of the key's UTF-8 bytes, made positive by clearing the sign bit,
 * modulo the partition count). librdkafka-based clients (Python, Go, .NET, C/C++, Rust) default to
 * CRC32 instead, so their records can land elsewhere.
 *
 * Computed with the `murmurhash` package's MurmurHash2 (32-bit integer arithmetic), not kafkajs'
 * own murmur2, which does the same arithmetic on 64-bit `Long` objects and allocates for every
 * byte group: it took ~14 % of the evaluator's CPU (its input check and its producers'
 * partitioner), and the result is the same (`key-partition.test.ts` compares them).
 */
export function keyPartition(key: string | Buffer, partitions: number): number {
  const bytes = typeof key === 'string' ? keyBytes(key) : key;
  return (murmurhash.v2(bytes, KAFKA_MURMUR2_SEED) & 0x7fffffff) % partitions;
}

/**
 * kafkajs' default partitioner with the faster hash: a record's own partition when it has one,
 * else its key's ({@link keyPartition}), else kafkajs' round robin over available partitions.
 * Every producer of `createKafka` uses it unless its config names another.
 */
export const DefaultPartitioner: ICustomPartitioner = () => {
  const keyless = Partitioners.DefaultPartitioner();
  return (args) => {
    const { message, partitionMetadata } = args;
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      return keyPartition(message.key, partitionMetadata.length);
    }
    return keyless(args);
  };
};
