import { describe, expect, it } from 'vitest';
import { ChangelogFormatError } from './changelog-format-error.js';
import { decodeEntry, encodeEntry } from './entry-codec.js';
import { entryExpiresAt, type JoinEntry, type PendingPrediction } from './join-entry.js';
import { T0 } from './join.fixtures.js';
import { digestText, storeText, type StoredText } from './stored-text.js';

const STABLE_PENDING: PendingPrediction = {
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
};

const ENTRIES: Array<[string, JoinEntry]> = [
  [
    'waiting predictions, one reduced output and one failed call',
    {
      kind: 'predictions',
      predictions: [
        STABLE_PENDING,
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
    'matched label with pairing details of a stable, a failed shadow and a reduced shadow',
    {
      kind: 'label',
      label: {
        model: 'fraud',
        label: 'fraud',
        labeledAt: T0,
        expiresAt: T0 + 99,
        matched: true,
        evaluated: [
          { variant: 'v3', pairing: null },
          {
            variant: 'v1',
            pairing: {
              role: 'STABLE',
              served: true,
              rolloutId: 'ro-1',
              predictedAt: T0 - 5,
              correct: true,
              output: 'fraud',
            },
          },
          {
            variant: 'v2',
            pairing: {
              role: 'SHADOW',
              served: false,
              rolloutId: 'ro-1',
              predictedAt: T0 - 4,
              correct: false,
              output: null,
            },
          },
          {
            variant: 'v4',
            pairing: {
              role: 'SHADOW',
              served: false,
              rolloutId: 'ro-1',
              predictedAt: T0 - 3,
              correct: false,
              output: storeText('z'.repeat(300), 128),
            },
          },
        ],
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

/** Version 2 as it was first written, with `JSON.stringify`: `encodeEntry` must give the same text. */
function stringified(entry: JoinEntry): string {
  const text = (t: StoredText | null) =>
    t === null || typeof t === 'string' ? t : [t.length, t.digest, t.numeric];
  if (entry.kind === 'label') {
    const l = entry.label;
    const evaluated = l.evaluated.map(({ variant, pairing: d }) =>
      d === null
        ? variant
        : [
            variant,
            d.role,
            d.served ? 1 : 0,
            d.rolloutId,
            d.predictedAt,
            d.correct ? 1 : 0,
            text(d.output),
          ],
    );
    return JSON.stringify({
      v: 2,
      l: [l.model, text(l.label), l.labeledAt, l.expiresAt, l.matched ? 1 : 0, evaluated],
    });
  }
  return JSON.stringify({
    v: 2,
    p: entry.predictions.map((p) => [
      p.variant,
      p.model,
      p.rolloutId,
      p.role,
      p.served ? 1 : 0,
      text(p.output),
      p.latencyMs,
      p.status,
      p.predictedAt,
      p.expiresAt,
    ]),
  });
}

/** Text that JSON escapes: quotes, backslashes, controls, lone surrogates; and text it keeps. */
const AWKWARD = [
  'say "hi"',
  'C:\\x',
  'tab\there\n',
  '\u0000\u001f\u007f',
  '\ud800 lone',
  'lone \udfff',
  '😀 é 中',
  '',
];

describe('entry codec', () => {
  it.each(ENTRIES)('writes %s as JSON.stringify of its positional form did', (_name, entry) => {
    expect(encodeEntry(entry)).toBe(stringified(entry));
  });

  it('writes every string and number as JSON.stringify does', () => {
    for (const s of AWKWARD) {
      const prediction: PendingPrediction = {
        ...STABLE_PENDING,
        variant: s,
        model: s,
        rolloutId: s,
        output: s,
        latencyMs: s.length === 0 ? Number.NaN : -0.1 / 3,
      };
      const entries: JoinEntry[] = [
        {
          kind: 'predictions',
          predictions: [prediction, { ...prediction, output: null, latencyMs: 1e21 }],
        },
        {
          kind: 'label',
          label: {
            model: s,
            label: s,
            labeledAt: T0,
            expiresAt: Number.POSITIVE_INFINITY,
            matched: true,
            evaluated: [
              { variant: s, pairing: null },
              {
                variant: s,
                pairing: {
                  role: 'STABLE',
                  served: true,
                  rolloutId: s,
                  predictedAt: 5e-7,
                  correct: false,
                  output: storeText(s.repeat(40), 8),
                },
              },
            ],
          },
        },
      ];
      for (const entry of entries) expect(encodeEntry(entry)).toBe(stringified(entry));
    }
  });

  it.each(ENTRIES)('round-trips %s', (_name, entry) => {
    const text = encodeEntry(entry);
    expect(JSON.parse(text)).toMatchObject({ v: 2 });
    expect(decodeEntry('k', text)).toEqual(entry);
    expect(encodeEntry(decodeEntry('k', text))).toBe(text);
  });

  it('gives an entry the earliest deadline of its items', () => {
    expect(ENTRIES.map(([, e]) => entryExpiresAt(e) - T0)).toEqual([20, 99, 7]);
  });

  it('writes a label in the documented positional form', () => {
    const entry = ENTRIES[1]?.[1] as JoinEntry;
    expect(encodeEntry(entry)).toBe(
      `{"v":2,"l":["fraud","fraud",${T0},${T0 + 99},1,["v3",` +
        `["v1","STABLE",1,"ro-1",${T0 - 5},1,"fraud"],` +
        `["v2","SHADOW",0,"ro-1",${T0 - 4},0,null],` +
        `["v4","SHADOW",0,"ro-1",${T0 - 3},0,[300,${digestText('z'.repeat(300))},null]]]]}`,
    );
  });

  it.each<[string, string, JoinEntry]>([
    [
      'a matched label: its evaluated variants carry no pairing details',
      `{"v":1,"l":["fraud","fraud",${T0},${T0 + 9},1,["v1","v2"]]}`,
      {
        kind: 'label',
        label: {
          model: 'fraud',
          label: 'fraud',
          labeledAt: T0,
          expiresAt: T0 + 9,
          matched: true,
          evaluated: [
            { variant: 'v1', pairing: null },
            { variant: 'v2', pairing: null },
          ],
        },
      },
    ],
    [
      'waiting predictions, unchanged in version 2',
      `{"v":1,"p":[["v1","eta","ro-1","STABLE",1,"12.5",3.25,"OK",${T0},${T0 + 50}]]}`,
      { kind: 'predictions', predictions: [STABLE_PENDING] },
    ],
  ])('reads a version-1 entry: %s', (_name, value, entry) => {
    expect(decodeEntry('k', value)).toEqual(entry);
  });

  it.each([
    ['newer version', '{"v":3,"p":[]}', /unsupported version 3/],
    ['no version', '{"p":[]}', /unsupported version undefined/],
    ['fractional version', '{"v":1.5,"p":[]}', /unsupported version 1.5/],
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
    ['evaluated not a list', '{"v":2,"l":["m","x",1,2,1,"v1"]}', /field 5 must be a list/],
    [
      'pairing details in version 1',
      '{"v":1,"l":["m","x",1,2,1,[["v1","STABLE",1,"ro",1,1,"x"]]]}',
      /evaluated variant 0 must be a string/,
    ],
    [
      'short pairing details',
      '{"v":2,"l":["m","x",1,2,1,["v0",["v1","STABLE",1]]]}',
      /evaluated variant 1: expected an array of 7/,
    ],
    [
      'pairing details without a rollout',
      '{"v":2,"l":["m","x",1,2,1,[["v1","STABLE",1,null,1,1,"x"]]]}',
      /evaluated variant 0: field 3 must be a string/,
    ],
  ])('refuses a value with %s', (_name, value, message) => {
    expect(() => decodeEntry('req-9', value)).toThrow(ChangelogFormatError);
    expect(() => decodeEntry('req-9', value)).toThrow(message);
  });
});
