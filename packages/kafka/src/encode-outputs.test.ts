import {
  exampleEvents,
  topicCatalog,
  type EventCodec,
  type EventName,
  type TopicSpec,
} from '@kanary/contracts';
import { describe, expect, it } from 'vitest';
import { encodeOutputs } from './encode-outputs.js';
import type { OutputRecord } from './processor-options.js';

const catalog = topicCatalog({ prefix: 'unit', dataPartitions: 2 });
const { labels, requests, joinChangelog } = catalog;

/** Encodes a value as `<topic>:<requestId>` and counts the encoder lookups per topic. */
function fakeCodec() {
  const lookups: string[] = [];
  const encoder = (topic: TopicSpec<EventName>) => {
    lookups.push(topic.name);
    return Promise.resolve((value: { requestId: string }) =>
      Buffer.from(`${topic.name}:${value.requestId}`),
    );
  };
  return { lookups, encoder: encoder as unknown as EventCodec['encoder'] };
}

const label = (requestId: string): OutputRecord => ({
  topic: labels,
  key: requestId,
  value: { ...exampleEvents.GroundTruthLabel, requestId },
});
const request = (requestId: string): OutputRecord => ({
  topic: requests,
  key: null,
  value: { ...exampleEvents.InferenceRequest, requestId },
});
const raw = (key: string, bytes: Buffer | null, partition?: number): OutputRecord => ({
  topic: joinChangelog,
  key,
  bytes,
  ...(partition === undefined ? {} : { partition }),
});

describe('encodeOutputs', () => {
  it.each<{
    case: string;
    outputs: OutputRecord[];
    expected: Array<[string, Array<[string | null, string | null]>]>;
    lookups: string[];
  }>([
    { case: 'nothing', outputs: [], expected: [], lookups: [] },
    {
      case: 'topics in order of first appearance, records in order within each',
      outputs: [label('a'), request('b'), label('c')],
      expected: [
        [
          labels.name,
          [
            ['a', `${labels.name}:a`],
            ['c', `${labels.name}:c`],
          ],
        ],
        [requests.name, [[null, `${requests.name}:b`]]],
      ],
      lookups: [labels.name, requests.name],
    },
    {
      case: 'raw bytes pass through without an encoder, tombstones included',
      outputs: [raw('k1', Buffer.from('v1')), raw('k2', null)],
      expected: [
        [
          joinChangelog.name,
          [
            ['k1', 'v1'],
            ['k2', null],
          ],
        ],
      ],
      lookups: [],
    },
  ])('$case', async ({ outputs, expected, lookups }) => {
    const codec = fakeCodec();
    const encoded = await encodeOutputs(codec, outputs);
    expect(
      encoded.map(({ topic, messages }) => [
        topic,
        messages.map((m) => [m.key ?? null, m.value === null ? null : String(m.value)]),
      ]),
    ).toEqual(expected);
    expect(codec.lookups).toEqual(lookups);
  });

  it.each<{ case: string; output: OutputRecord; expected: object }>([
    { case: 'neither headers nor partition', output: raw('k', null), expected: {} },
    { case: 'a pinned partition', output: raw('k', null, 1), expected: { partition: 1 } },
    {
      case: 'headers',
      output: { ...label('a'), headers: { h: 'v' } },
      expected: { headers: { h: 'v' } },
    },
  ])('sets only what the output gives: $case', async ({ output, expected }) => {
    const encoded = await encodeOutputs(fakeCodec(), [output]);
    expect(encoded.flatMap((t) => t.messages)).toHaveLength(1);
    const { key: _key, value: _value, ...rest } = encoded[0]!.messages[0]!;
    expect(rest).toEqual(expected);
  });
});
