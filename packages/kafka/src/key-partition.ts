import kafkajs, { type PartitionMetadata } from 'kafkajs';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;
const partitioner = Partitioners.DefaultPartitioner();

/** Metadata of n partitions, built once per count: this runs for every input record. */
const metadataByCount = new Map<number, PartitionMetadata[]>();

function metadataOf(partitions: number): PartitionMetadata[] {
  let metadata = metadataByCount.get(partitions);
  if (metadata === undefined) {
    metadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
      partitionErrorCode: 0,
    }));
    metadataByCount.set(partitions, metadata);
  }
  return metadata;
}

/**
 * The partition a record keyed `key` belongs on: what kafkajs' and the Java client's default
 * partitioner choose (murmur2 of the key's UTF-8 bytes, positive, modulo the partition count).
 * librdkafka-based clients (Python, Go, .NET, C/C++, Rust) default to CRC32 instead, so their
 * records can land elsewhere.
 */
export function keyPartition(key: string, partitions: number): number {
  return partitioner({
    topic: 'any',
    partitionMetadata: metadataOf(partitions),
    message: { key, value: null },
  });
}
