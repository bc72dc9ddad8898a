import kafkajs, { type ICustomPartitioner } from 'kafkajs';
import murmurhash from 'murmurhash';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;

/** The seed of Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`). */
const KAFKA_MURMUR2_SEED = 0x9747b28c;

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
  return (murmurhash.v2(key, KAFKA_MURMUR2_SEED) & 0x7fffffff) % partitions;
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
