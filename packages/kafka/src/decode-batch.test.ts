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
import { KeyMismatchError, isAsciiKey, keyMismatch, requestIdKey } from './record-key.js';

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

describe('sortDecoded with keyedBy', () => {
  const keyed = { ...source, keyedBy: requestIdKey };
  const raw = (offset: number, key: Buffer | null): FetchedRecord => ({ ...record(offset), key });

  it('processes records keyed by their requestId and dead-letters the others, after decoding and validation', () => {
    const records = [
      record(0, 'a'),
      record(1, null),
      record(2, 'someone-else'),
      record(3, 'c'),
      // The requestId Avro-encoded in the Confluent wire format (schema id 5): not the plain text.
      raw(4, Buffer.from([0, 0, 0, 0, 5, 2, 0x64])),
      record(5, 'e'),
    ];
    const decoded = [
      event('a'),
      event('b'),
      event('c'),
      new ValidationError('InferenceRequest', ['requestId: must not be empty']),
      event('d'),
      event('e'),
    ];
    const batch = sortDecoded(keyed, records, decoded);
    expect(batch.valid.map((r) => [r.offset, r.key, r.value.requestId])).toEqual([
      ['0', 'a', 'a'],
      ['5', 'e', 'e'],
    ]);
    expect(
      batch.rejected.map((r) => [
        r.offset,
        dlqHeader(r.letter.headers, DlqHeader.errorClass),
        dlqHeader(r.letter.headers, DlqHeader.errorMessage),
      ]),
    ).toEqual([
      [
        '1',
        'KeyMismatchError',
        'the record has no key; expected its requestId "b": produce with key = requestId (UTF-8)',
      ],
      [
        '2',
        'KeyMismatchError',
        'key "someone-else" is not the record\'s requestId "c": produce with key = requestId (UTF-8)',
      ],
      ['3', 'ValidationError', 'invalid InferenceRequest: requestId: must not be empty'],
      [
        '4',
        'KeyMismatchError',
        'key 0x00000000050264 (7 bytes, not UTF-8 text) is not the record\'s requestId "d": produce with key = requestId (UTF-8)',
      ],
    ]);
    // The letter keeps the original key bytes.
    expect(batch.rejected[3]!.letter.key).toEqual(Buffer.from([0, 0, 0, 0, 5, 2, 0x64]));
  });

  it('checks nothing without keyedBy', () => {
    const batch = sortDecoded(source, [record(0, null), record(1, 'x')], [event('a'), event('b')]);
    expect(batch.valid).toHaveLength(2);
  });
});

describe('isAsciiKey', () => {
  it.each<[string, Buffer, string, boolean]>([
    ['the same ASCII text', Buffer.from('r-1'), 'r-1', true],
    ['another text of the same length', Buffer.from('r-2'), 'r-1', false],
    ['a longer key', Buffer.from('r-10'), 'r-1', false],
    ['the empty key for the empty text', Buffer.alloc(0), '', true],
    // Not decided here (keyMismatch compares the UTF-8 bytes), even when they are equal.
    ['non-ASCII text', Buffer.from('r-ü'), 'r-ü', false],
    ['Latin-1 bytes of non-ASCII text', Buffer.from('r-ü', 'latin1'), 'r-ü', false],
  ])('%s', (_, key, text, expected) => {
    expect(isAsciiKey(key, text)).toBe(expected);
    // Never true where keyMismatch would reject the key.
    if (expected) expect(keyMismatch(key, text, 'requestId')).toBeUndefined();
  });
});

describe('keyMismatch', () => {
  it.each<{ case: string; key: Buffer | null; expected: string; message: string | undefined }>([
    {
      case: 'the UTF-8 requestId',
      key: Buffer.from('r-ü-1'),
      expected: 'r-ü-1',
      message: undefined,
    },
    {
      case: 'the requestId in another encoding (Latin-1)',
      key: Buffer.from('r-ü-1', 'latin1'),
      expected: 'r-ü-1',
      message: 'key 0x722dfc2d31 (5 bytes, not UTF-8 text) is not',
    },
    {
      case: 'invalid UTF-8 whose replacement character matches the text',
      key: Buffer.from([0xf0, 0x9f, 0x98, 0x41]),
      expected: '\ufffdA',
      message: 'key 0xf09f9841 (4 bytes, not UTF-8 text) is not',
    },
    { case: 'an empty key', key: Buffer.alloc(0), expected: 'r-1', message: 'key "" is not' },
    {
      case: 'a requestId with a lone surrogate, which UTF-8 encodes as a replacement character',
      key: Buffer.from('r-\ufffd'),
      expected: 'r-\ud800',
      message: undefined,
    },
    {
      case: 'a long key, cut',
      key: Buffer.from('x'.repeat(500)),
      expected: 'r-1',
      message: `key "${'x'.repeat(200)}…" is not`,
    },
  ])('$case', ({ key, expected, message }) => {
    // The same answer with and without the key's text.
    for (const keyText of [undefined, key?.toString('utf8')]) {
      const error = keyMismatch(key, expected, 'requestId', keyText);
      if (message === undefined) expect(error).toBeUndefined();
      else {
        expect(error).toBeInstanceOf(KeyMismatchError);
        expect(error?.message.startsWith(message)).toBe(true);
        expect(error?.code).toBe('KEY_MISMATCH');
      }
    }
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
