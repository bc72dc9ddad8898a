import { readFileSync } from 'node:fs';
import kafkajs, { CompressionTypes } from 'kafkajs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerCompressionCodecs } from './compression-codecs.js';

type Compressed = Exclude<CompressionTypes, CompressionTypes.None>;
const codec = (type: Compressed) =>
  kafkajs.CompressionCodecs[type]() as {
    compress(encoder: { buffer: Buffer }): Promise<Buffer>;
    decompress(buffer: Buffer): Promise<Buffer>;
  };

/** The text every fixture holds (see fixtures/compression/README.md). */
const plain = Buffer.from(
  Array.from({ length: 2_000 }, (_, i) => `record ${i}: kanary compression fixture\n`).join(''),
);
const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/compression/${name}`, import.meta.url));

beforeAll(registerCompressionCodecs);

describe('compression codecs', () => {
  it.each([
    ['a streamed ZSTD frame without content size', CompressionTypes.ZSTD, 'streamed.zst'],
    ['two concatenated ZSTD frames', CompressionTypes.ZSTD, 'two-frames.zst'],
    ['an LZ4 frame of independent blocks', CompressionTypes.LZ4, 'frame.lz4'],
    ['an LZ4 frame with block checksums and content size', CompressionTypes.LZ4, 'checksummed.lz4'],
    ['xerial-framed Snappy (the Java client)', CompressionTypes.Snappy, 'xerial.snappy'],
  ] as const)('reads %s', async (_what, type, file) => {
    const compressed = fixture(file);
    expect(compressed.length).toBeLessThan(plain.length / 4);
    expect(await codec(type).decompress(compressed)).toEqual(plain);
  });

  it.each([
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
    ['zstd', CompressionTypes.ZSTD],
  ] as const)('%s compresses and reads its own output back', async (_name, type) => {
    const compressed = await codec(type).compress({ buffer: plain });
    expect(compressed.length).toBeLessThan(plain.length / 4);
    expect(await codec(type).decompress(compressed)).toEqual(plain);
  });

  it('fails on corrupt input with an error instead of returning garbage', async () => {
    const corrupt = Buffer.from(fixture('frame.lz4'));
    corrupt.fill(0xff, 20, 60);
    await expect(codec(CompressionTypes.LZ4).decompress(corrupt)).rejects.toThrow();
    await expect(
      codec(CompressionTypes.ZSTD).decompress(fixture('streamed.zst').subarray(0, 100)),
    ).rejects.toThrow();
  });
});
