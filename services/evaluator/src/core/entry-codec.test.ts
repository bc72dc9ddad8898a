import { describe, expect, it } from 'vitest';
import { ChangelogFormatError } from './changelog-format-error.js';
import { decodeEntry, encodeEntry } from './entry-codec.js';
import { entryExpiresAt, type JoinEntry } from './join-entry.js';
import { T0 } from './join.fixtures.js';
import { storeText } from './stored-text.js';

const ENTRIES: Array<[string, JoinEntry]> = [
  [
    'waiting predictions, one reduced output and one failed call',
    {
      kind: 'predictions',
      predictions: [
        {
          variant: 'v1',
          model: 'eta',
          rolloutId: 'ro-1',
          role: 'STABLE',
          served: true,
          output: '12.5',
          latencyMs: 3.25,
          status: 'OK',
          predictedAt: T0,
          expiresAt: T0 + 50,
        },
        {
          variant: 'v2',
          model: 'eta',
          rolloutId: null,
          role: 'SHADOW',
          served: false,
          output: storeText('9'.repeat(200), 128),
          latencyMs: 0,
          status: 'OK',
          predictedAt: T0,
          expiresAt: T0 + 20,
        },
        {
          variant: 'v3',
          model: 'eta',
          rolloutId: 'ro-1',
          role: 'CANARY',
          served: true,
          output: null,
          latencyMs: 1000,
          status: 'TIMEOUT',
          predictedAt: T0,
          expiresAt: T0 + 30,
        },
      ],
    },
  ],
  [
    'matched label',
    {
      kind: 'label',
      label: {
        model: 'fraud',
        label: 'fraud',
        labeledAt: T0,
        expiresAt: T0 + 99,
        matched: true,
        evaluated: ['v1', 'v2'],
      },
    },
  ],
  [
    'unmatched reduced label',
    {
      kind: 'label',
      label: {
        model: 'fraud',
        label: storeText('long '.repeat(40), 16),
        labeledAt: T0,
        expiresAt: T0 + 7,
        matched: false,
        evaluated: [],
      },
    },
  ],
];

describe('entry codec', () => {
  it.each(ENTRIES)('round-trips %s', (_name, entry) => {
    const text = encodeEntry(entry);
    expect(JSON.parse(text)).toMatchObject({ v: 1 });
    expect(decodeEntry('k', text)).toEqual(entry);
    expect(encodeEntry(decodeEntry('k', text))).toBe(text);
  });

  it('gives an entry the earliest deadline of its items', () => {
    expect(ENTRIES.map(([, e]) => entryExpiresAt(e) - T0)).toEqual([20, 99, 7]);
  });

  it.each([
    ['newer version', '{"v":2,"p":[]}', /unsupported version 2/],
    ['not JSON', 'nope', /not JSON/],
    ['array', '[1]', /not a JSON object/],
    ['neither side', '{"v":1}', /either/],
    ['empty predictions', '{"v":1,"p":[]}', /either/],
    ['short prediction', '{"v":1,"p":[["v1","m"]]}', /prediction 0: expected an array of 10/],
    [
      'unknown status',
      '{"v":1,"p":[["v1","m",null,"STABLE",1,"x",1,"MAYBE",1,2]]}',
      /unknown value MAYBE/,
    ],
    ['bad flag', '{"v":1,"l":["m","x",1,2,true,[]]}', /0 or 1/],
  ])('refuses a value with %s', (_name, value, message) => {
    expect(() => decodeEntry('req-9', value)).toThrow(ChangelogFormatError);
    expect(() => decodeEntry('req-9', value)).toThrow(message);
  });
});
