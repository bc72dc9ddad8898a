import { describe, expect, it } from 'vitest';
import { ChangelogFormatError } from './changelog-format-error.js';
import { decodeEntry, encodeEntry } from './entry-codec.js';
import {
  entryExpiresAt,
  type EvaluatedVariant,
  type JoinEntry,
  type PendingPrediction,
} from './join-entry.js';
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
  scores: null,
  segment: null,
};

/** A served stable evaluated against a label, with the details its shadow pair needs. */
const STABLE_EVALUATED: EvaluatedVariant = {
  variant: 'v1',
  pairing: {
    role: 'STABLE',
    served: true,
    rolloutId: 'ro-1',
    predictedAt: T0 - 5,
    correct: true,
    output: 'fraud',
  },
};

/** A matched label as versions 1 and 2 held it (no outcomes), with these evaluated variants. */
const olderLabel = (evaluated: EvaluatedVariant[]): JoinEntry => ({
  kind: 'label',
  label: {
    model: 'fraud',
    label: 'fraud',
    labeledAt: T0,
    expiresAt: T0 + 9,
    matched: true,
    evaluated,
    outcomes: null,
  },
});

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
          scores: null,
          segment: null,
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
          scores: null,
          segment: null,
        },
      ],
    },
  ],
  [
    'a waiting prediction with class probabilities and a segment',
    {
      kind: 'predictions',
      predictions: [
        {
          ...STABLE_PENDING,
          model: 'fraud',
          output: 'fraud',
          scores: { fraud: 0.875, legit: 0.125, '10': 0, '2': 1e-7 },
          segment: 'eu-west',
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
        outcomes: { revenue: 12.5, clicks: 3, refund: -0.25 },
        evaluated: [
          { variant: 'v3', pairing: null },
          STABLE_EVALUATED,
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
        outcomes: null,
        evaluated: [],
      },
    },
  ],
];

/** The positional form written with `JSON.stringify`: `encodeEntry` must give the same text. */
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
      v: 3,
      l: [
        l.model,
        text(l.label),
        l.labeledAt,
        l.expiresAt,
        l.matched ? 1 : 0,
        evaluated,
        l.outcomes,
      ],
    });
  }
  return JSON.stringify({
    v: 3,
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
      p.scores,
      p.segment,
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
        scores: { [s]: 0.1 / 3, [`${s}2`]: 1 - 0.1 / 3 },
        segment: s,
      };
      const entries: JoinEntry[] = [
        {
          kind: 'predictions',
          predictions: [
            prediction,
            { ...prediction, output: null, latencyMs: 1e21, scores: null, segment: null },
          ],
        },
        {
          kind: 'label',
          label: {
            model: s,
            label: s,
            labeledAt: T0,
            expiresAt: Number.POSITIVE_INFINITY,
            matched: true,
            outcomes: { [s]: -1e-7, [`${s}!`]: 5e21 },
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
    expect(JSON.parse(text)).toMatchObject({ v: 3 });
    expect(decodeEntry('k', text)).toEqual(entry);
    expect(encodeEntry(decodeEntry('k', text))).toBe(text);
  });

  it('gives an entry the earliest deadline of its items', () => {
    expect(ENTRIES.map(([, e]) => entryExpiresAt(e) - T0)).toEqual([20, 50, 99, 7]);
  });

  it('writes a label in the documented positional form', () => {
    const entry = ENTRIES[2]?.[1] as JoinEntry;
    expect(encodeEntry(entry)).toBe(
      `{"v":3,"l":["fraud","fraud",${T0},${T0 + 99},1,["v3",` +
        `["v1","STABLE",1,"ro-1",${T0 - 5},1,"fraud"],` +
        `["v2","SHADOW",0,"ro-1",${T0 - 4},0,null],` +
        `["v4","SHADOW",0,"ro-1",${T0 - 3},0,[300,${digestText('z'.repeat(300))},null]]],` +
        `{"revenue":12.5,"clicks":3,"refund":-0.25}]}`,
    );
  });

  it('writes a prediction in the documented positional form', () => {
    const entry = ENTRIES[1]?.[1] as JoinEntry;
    expect(encodeEntry(entry)).toBe(
      `{"v":3,"p":[["v1","fraud","ro-1","STABLE",1,"fraud",3.25,"OK",${T0},${T0 + 50},` +
        `{"2":1e-7,"10":0,"fraud":0.875,"legit":0.125},"eu-west"]]}`,
    );
  });

  it.each<[string, string, JoinEntry]>([
    [
      'a matched label: its evaluated variants carry no pairing details',
      `{"v":1,"l":["fraud","fraud",${T0},${T0 + 9},1,["v1","v2"]]}`,
      olderLabel([
        { variant: 'v1', pairing: null },
        { variant: 'v2', pairing: null },
      ]),
    ],
    [
      'waiting predictions, unchanged in version 2',
      `{"v":1,"p":[["v1","eta","ro-1","STABLE",1,"12.5",3.25,"OK",${T0},${T0 + 50}]]}`,
      { kind: 'predictions', predictions: [STABLE_PENDING] },
    ],
  ])('reads a version-1 entry: %s', (_name, value, entry) => {
    expect(decodeEntry('k', value)).toEqual(entry);
  });

  it.each<[string, string, JoinEntry]>([
    [
      'waiting predictions: no scores, no segment',
      `{"v":2,"p":[["v1","eta","ro-1","STABLE",1,"12.5",3.25,"OK",${T0},${T0 + 50}]]}`,
      { kind: 'predictions', predictions: [STABLE_PENDING] },
    ],
    [
      'a matched label with pairing details: no outcomes',
      `{"v":2,"l":["fraud","fraud",${T0},${T0 + 9},1,["v3",["v1","STABLE",1,"ro-1",${T0 - 5},1,"fraud"]]]}`,
      olderLabel([{ variant: 'v3', pairing: null }, STABLE_EVALUATED]),
    ],
  ])('reads a version-2 entry: %s', (_name, value, entry) => {
    const decoded = decodeEntry('k', value);
    expect(decoded).toEqual(entry);
    // Written again as version 3, it reads back the same.
    expect(decodeEntry('k', encodeEntry(decoded))).toEqual(entry);
  });

  it.each([
    ['newer version', '{"v":4,"p":[]}', /unsupported version 4/],
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
    [
      'a version-3 prediction without scores and segment',
      '{"v":3,"p":[["v1","m",null,"STABLE",1,"x",1,"OK",1,2]]}',
      /prediction 0: expected an array of 12/,
    ],
    [
      'a version-3 label without outcomes',
      '{"v":3,"l":["m","x",1,2,1,[]]}',
      /label: expected an array of 7/,
    ],
    [
      'scores that are not numbers',
      '{"v":3,"p":[["v1","m",null,"STABLE",1,"x",1,"OK",1,2,{"x":"0.5"},null]]}',
      /field 10 must hold numbers, "x" does not/,
    ],
    [
      'outcomes that are a list',
      '{"v":3,"l":["m","x",1,2,1,[],[1,2]]}',
      /field 6 must be an object/,
    ],
    [
      'a segment that is not a string',
      '{"v":3,"p":[["v1","m",null,"STABLE",1,"x",1,"OK",1,2,null,7]]}',
      /field 11 must be a string/,
    ],
  ])('refuses a value with %s', (_name, value, message) => {
    expect(() => decodeEntry('req-9', value)).toThrow(ChangelogFormatError);
    expect(() => decodeEntry('req-9', value)).toThrow(message);
  });
});
