import { CompressionTypes } from 'kafkajs';

/**
 * The compression codecs of the Kafka protocol by the names Kafka's own clients use for them
 * (`compression.type`): what `KAFKA_COMPRESSION` accepts.
 */
export const KafkaCompression = {
  NONE: 'none',
  GZIP: 'gzip',
  SNAPPY: 'snappy',
  LZ4: 'lz4',
  ZSTD: 'zstd',
} as const;
export type KafkaCompression = (typeof KafkaCompression)[keyof typeof KafkaCompression];

export const KAFKA_COMPRESSIONS: readonly KafkaCompression[] = Object.values(KafkaCompression);

const TYPES: Readonly<Record<KafkaCompression, CompressionTypes>> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** The kafkajs constant of a codec name, as `send` and `sendBatch` take it. */
export const compressionType = (name: KafkaCompression): CompressionTypes => TYPES[name];
