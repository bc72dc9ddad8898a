import {
  DecodeError,
  ValidationError,
  exampleEvents,
  topicCatalog,
  type EventCodec,
  type InferenceRequest,
} from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { DlqHeader, dlqHeader } from './dead-letter.js';
import { decodeBatch, sortDecoded, type FetchedRecord } from './decode-batch.js';

const { requests } = topicCatalog({ prefix: 'unit', dataPartitions: 2 });
const source = { topic: requests, partition: 1, service: 'unit-test' };

const record = (offset: number, key: string | null = `k${offset}`): FetchedRecord => ({
  offset: String(offset),
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(`bytes-${offset}`),
  timestamp: String(1_767_225_600_000 + offset),
  headers: { trace: `t${offset}` },
});
const event = (requestId: string): InferenceRequest => ({
  ...exampleEvents.InferenceRequest,
  requestId,
});

describe('sortDecoded', () => {
  it.each<{
    case: string;
    records: FetchedRecord[];
    decoded: unknown[];
    valid: Array<{ offset: string; key: string | null; requestId: string }>;
    rejected: Array<{ offset: string; reason: string; errorClass: string }>;
  }>([
    { case: 'an empty batch', records: [], decoded: [], valid: [], rejected: [] },
    {
      case: 'every record valid, in order, a null key kept null',
      records: [record(4), record(5, null)],
      decoded: [event('a'), event('b')],
      valid: [
        { offset: '4', key: 'k4', requestId: 'a' },
        { offset: '5', key: null, requestId: 'b' },
      ],
      rejected: [],
    },
    {
      case: 'undecodable and invalid records among valid ones',
      records: [record(0), record(1), record(2), record(3)],
      decoded: [
        new DecodeError('not Confluent wire format'),
        event('b'),
        new ValidationError('InferenceRequest', ['timestamp: must be epoch milliseconds']),
        event('d'),
      ],
      valid: [
        { offset: '1', key: 'k1', requestId: 'b' },
        { offset: '3', key: 'k3', requestId: 'd' },
      ],
      rejected: [
        { offset: '0', reason: 'not Confluent wire format', errorClass: 'DecodeError' },
        {
          offset: '2',
          reason: 'timestamp: must be epoch milliseconds',
          errorClass: 'ValidationError',
        },
      ],
    },
  ])('$case', ({ records, decoded, valid, rejected }) => {
    const batch = sortDecoded(source, records, decoded);
    expect(
      batch.valid.map((r) => ({ offset: r.offset, key: r.key, requestId: r.value.requestId })),
    ).toEqual(valid);
    expect(
      batch.rejected.map((r) => ({
        offset: r.offset,
        reason: r.reason,
        errorClass: dlqHeader(r.letter.headers, DlqHeader.errorClass),
      })),
    ).toEqual(rejected.map((r) => ({ ...r, reason: expect.stringContaining(r.reason) })));
  });

  it('gives an input record its topic, partition, timestamp and headers', () => {
    const [input] = sortDecoded(source, [record(7)], [event('a')]).valid;
    expect(input).toEqual({
      topic: requests,
      partition: 1,
      offset: '7',
      key: 'k7',
      value: event('a'),
      timestamp: 1_767_225_600_007,
      headers: { trace: 't7' },
    });
  });

  it("keeps a rejected record's key, bytes and headers, and names its source in the letter", () => {
    const { rejected } = sortDecoded(source, [record(9)], [new DecodeError('bad')]);
    expect(rejected).toHaveLength(1);
    const { letter } = rejected[0]!;
    expect(letter.key).toEqual(Buffer.from('k9'));
    expect(letter.value).toEqual(Buffer.from('bytes-9'));
    expect(letter.headers).toMatchObject({
      trace: 't9',
      [DlqHeader.sourceTopic]: requests.name,
      [DlqHeader.sourcePartition]: '1',
      [DlqHeader.sourceOffset]: '9',
      [DlqHeader.service]: 'unit-test',
    });
  });
});

describe('decodeBatch', () => {
  it('decodes the values of the records in one call and sorts the results', async () => {
    const asked: Array<Buffer | null>[] = [];
    const codec = {
      decodeAll: (_topic: unknown, values: ReadonlyArray<Buffer | null>) => {
        asked.push([...values]);
        return Promise.resolve([event('a'), new DecodeError('bad')]);
      },
    };
    const batch = await decodeBatch(codec as unknown as Pick<EventCodec, 'decodeAll'>, source, [
      record(0),
      record(1),
    ]);
    expect(asked).toEqual([[Buffer.from('bytes-0'), Buffer.from('bytes-1')]]);
    expect(batch.valid.map((r) => r.offset)).toEqual(['0']);
    expect(batch.rejected.map((r) => r.offset)).toEqual(['1']);
  });
});
