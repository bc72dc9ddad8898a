import kafkajs from 'kafkajs';

// kafkajs is CommonJS; Node's ESM loader does not see all of its named exports.
const { Partitioners } = kafkajs;
const partitioner = Partitioners.DefaultPartitioner();

/** The partition kafkajs' default partitioner (murmur2 of the key) gives a keyed record. */
export function defaultPartition(key: string, partitions: number): number {
  return partitioner({
    topic: 'any',
    partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
      partitionErrorCode: 0,
    })),
    message: { key, value: null },
  });
}
