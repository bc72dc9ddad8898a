import { Decoder as ZstdDecoder, Encoder as ZstdEncoder } from '@toondepauw/node-zstd';
// kafkajs is CommonJS, and Node's ESM loader does not find `CompressionCodecs` among its named
// exports: take it from the module object.
import kafkajs from 'kafkajs';
import snappyCodec from 'kafkajs-snappy';
import lz4 from 'lz4-napi';

/** What kafkajs asks of a codec: `encoder.buffer` is a record batch's records. */
interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/**
 * LZ4 as Kafka frames it since message format v1: the LZ4 frame format (independent blocks,
 * the Java client's `KafkaLZ4BlockOutputStream`), which librdkafka and the Java client both
 * write and read. lz4-napi (lz4_flex, prebuilt Node-API binaries) compresses off the main thread.
 */
const lz4Codec: KafkajsCodec = {
  compress: (encoder) => lz4.compressFrame(encoder.buffer),
  decompress: (buffer) => lz4.decompressFrame(buffer),
};

/**
 * Zstandard at level 3, the Java client's default. The decoder streams, so it reads frames
 * without a content size (what the Java client's `ZstdOutputStream` and librdkafka write) and
 * concatenated frames, both of which one-shot decoders refuse.
 */
const ZSTD_LEVEL = 3;
const zstdEncoder = new ZstdEncoder(ZSTD_LEVEL);
const zstdDecoder = new ZstdDecoder();
const zstdCodec: KafkajsCodec = {
  compress: (encoder) => zstdEncoder.encode(encoder.buffer),
  decompress: (buffer) => zstdDecoder.decode(buffer),
};

/** kafkajs-snappy reads both raw Snappy and the xerial framing the Java client writes. */
const snappy: KafkajsCodec = snappyCodec();

/**
 * Registers Snappy, LZ4 and ZSTD with kafkajs (it ships only gzip), so that every consumer can
 * read what any producer wrote and every producer can write any codec. kafkajs keeps its codecs
 * in one table per process, shared by every client; `createKafka` calls this, so every Kanary
 * client has them. Idempotent.
 */
export function registerCompressionCodecs(): void {
  const { CompressionCodecs, CompressionTypes } = kafkajs;
  CompressionCodecs[CompressionTypes.Snappy] = () => snappy;
  CompressionCodecs[CompressionTypes.LZ4] = () => lz4Codec;
  CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;
}
