import {
  DecodeError,
  EventCodec,
  RegistryUnavailableError,
  ValidationError,
  avroType,
  isRetriable,
  topicCatalog,
  exampleEvents,
  type InferenceRequest,
  type RoutedRequest,
} from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { toolkitFixture } from './support.js';

const request = (
  i: number,
  features = exampleEvents.InferenceRequest.features,
): InferenceRequest => ({
  ...exampleEvents.InferenceRequest,
  requestId: `codec-${i}`,
  features,
});

/** A Confluent wire-format value: magic byte, schema id, Avro body. */
const wire = (schemaId: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
};

describe('EventCodec against the schema registry', () => {
  it('decodes a batch with one result per record, in order: events, and the error of each bad one', async () => {
    const f = await toolkitFixture(1);
    const { requests, labels } = f.catalog;
    const good = [request(1), request(2)];
    const encoded = await Promise.all(good.map((r) => f.codec.encode(requests, r)));
    const labelBytes = await f.codec.encode(labels, exampleEvents.GroundTruthLabel);
    const blankId = { ...request(3), requestId: '  ' };
    const values = [
      encoded[0]!,
      null,
      Buffer.from('not avro at all'),
      wire(2_000_000_000, avroType('InferenceRequest').toBuffer(request(4))),
      labelBytes,
      wire(encoded[0]!.readInt32BE(1), avroType('InferenceRequest').toBuffer(blankId)),
      encoded[0]!.subarray(0, 12),
      encoded[1]!,
      Buffer.concat([encoded[1]!, Buffer.from([0])]),
    ];

    const results = await f.codec.decodeAll(requests, values);

    expect(results).toHaveLength(values.length);
    expect(results[0]).toEqual(good[0]);
    expect(results[7]).toEqual(good[1]);
    const message = (i: number) => (results[i] as Error).message;
    expect(results[1]).toBeInstanceOf(DecodeError);
    expect(message(1)).toMatch(/empty value/);
    expect(message(2)).toMatch(/not Confluent wire format/);
    expect(results[3]).toBeInstanceOf(DecodeError);
    expect(message(3)).toMatch(/unknown schema id 2000000000/);
    expect(results[4]).toBeInstanceOf(DecodeError);
    expect(message(4)).toMatch(/not a compatible InferenceRequest schema/);
    expect(results[5]).toBeInstanceOf(ValidationError);
    expect(message(5)).toMatch(/requestId/);
    expect(results[6]).toBeInstanceOf(DecodeError);
    expect(message(6)).toMatch(/cannot decode InferenceRequest .*: truncated buffer/);
    expect(results[8]).toBeInstanceOf(DecodeError);
    expect(message(8)).toMatch(/cannot decode InferenceRequest .*: trailing data/);
    // decode() of one record throws what decodeAll returns for it.
    await expect(f.codec.decode(requests, values[3]!)).rejects.toThrow(/unknown schema id/);
  });

  it('fails a whole batch with a retriable error when the registry cannot be reached, whatever the number of unknown schema ids', async () => {
    const unreachable = new EventCodec({ url: 'http://127.0.0.1:9/apis/ccompat/v7' });
    const body = avroType('InferenceRequest').toBuffer(request(1));
    const failure = await unreachable
      .decodeAll(topicCatalog({ prefix: 'codec-test' }).requests, [wire(1, body), wire(2, body)])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(RegistryUnavailableError);
    expect(isRetriable(failure)).toBe(true);
  });

  it('encodes records one after another without sharing bytes, small and larger than its scratch space', async () => {
    const f = await toolkitFixture(1);
    const { requests } = f.catalog;
    const encode = await f.codec.encoder(requests);
    const big = request(2, JSON.stringify({ text: 'x'.repeat(200_000) }));
    const first = encode(request(1));
    const second = encode(big);
    const third = encode(request(3));

    expect(second.length).toBeGreaterThan(200_000);
    const decoded = await f.codec.decodeAll(requests, [first, second, third]);
    expect(decoded).toEqual([request(1), big, request(3)]);
    expect(first.readInt32BE(1)).toBe(await f.codec.register(requests));
  });

  it('refuses a value that does not match the Avro schema, naming the field', async () => {
    const f = await toolkitFixture(1);
    const routed = {
      ...exampleEvents.RoutedRequest,
      role: 'BOGUS',
    } as unknown as RoutedRequest;
    const failure = await f.codec.encode(f.catalog.routed, routed).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ValidationError);
    expect((failure as Error).message).toMatch(/role: does not match the Avro schema/);
  });
});
