import { describe, expect, it } from 'vitest';
import { ChangelogFormatError } from './changelog-format-error.js';
import { BINARY_ENTRY_VERSION, encodeEntryBytes, isEntryBytes } from './entry-binary.js';
import { decodeEntry, encodeEntry, readStoredEntry } from './entry-codec.js';
import type { HeldLabel, JoinEntry, PendingPrediction } from './join-entry.js';
import { T0 } from './join.fixtures.js';
import { storeText } from './stored-text.js';

const PENDING: PendingPrediction = {
  variant: 'fraud-v2',
  model: 'fraud',
  rolloutId: 'ro-1',
  role: 'CANARY',
  served: true,
  output: 'fraud',
  latencyMs: 3.25,
  status: 'OK',
  predictedAt: T0,
  expiresAt: T0 + 50,
  scores: { fraud: 0.7, legit: 0.3 },
  segment: 'eu',
};

const LABEL: HeldLabel = {
  model: 'fraud',
  label: 'fraud',
  labeledAt: T0 + 9,
  expiresAt: T0 + 99,
  matched: true,
  outcomes: { amount: 12.5 },
  evaluated: [
    { variant: 'v0', pairing: null },
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
        output: storeText('z'.repeat(300), 16),
      },
    },
  ],
};

/** Text that needs care in any encoding: quotes, controls, lone surrogates, multi-byte. */
const AWKWARD = ['say "hi"', 'tab\there\n', '\u0000\u001f\u007f', '😀 é 中', '', 'x'.repeat(300)];

const ENTRIES: Array<[string, JoinEntry]> = [
  ['a waiting prediction', { kind: 'predictions', predictions: [PENDING] }],
  [
    'several waiting predictions, one failed without output, scores, segment or rollout',
    {
      kind: 'predictions',
      predictions: [
        PENDING,
        {
          ...PENDING,
          variant: 'fraud-v3',
          role: 'SHADOW',
          served: false,
          rolloutId: null,
          output: null,
          status: 'TIMEOUT',
          scores: null,
          segment: null,
          latencyMs: -0.1 / 3,
        },
        { ...PENDING, variant: 'v9', output: storeText('12345678901234567890', 8) },
        { ...PENDING, variant: 'v10', output: storeText('long text '.repeat(9), 8) },
      ],
    },
  ],
  ['a matched label with pairing details', { kind: 'label', label: LABEL }],
  [
    'an unmatched label reduced to its digest, without outcomes',
    {
      kind: 'label',
      label: {
        ...LABEL,
        label: storeText('long '.repeat(40), 16),
        matched: false,
        outcomes: null,
        evaluated: [],
      },
    },
  ],
  ...AWKWARD.map((s): [string, JoinEntry] => [
    `strings like ${JSON.stringify(s.slice(0, 12))}`,
    {
      kind: 'predictions',
      predictions: [
        {
          ...PENDING,
          variant: s,
          model: s,
          rolloutId: s,
          output: s,
          segment: s,
          scores: { [s]: 0.1 / 3, [`${s}2`]: 5e21 },
        },
      ],
    },
  ]),
];

describe('binary entries (version 4)', () => {
  it.each(ENTRIES)('round-trips %s', (_name, entry) => {
    const bytes = encodeEntryBytes(entry);
    expect(bytes[0]).toBe(BINARY_ENTRY_VERSION);
    expect(isEntryBytes(bytes)).toBe(true);
    expect(decodeEntry('k', bytes)).toEqual(entry);
    expect(readStoredEntry('k', bytes)).toEqual(entry);
    expect(encodeEntryBytes(decodeEntry('k', bytes))).toEqual(bytes);
  });

  it('holds what the version 3 text holds, in fewer bytes', () => {
    for (const [, entry] of ENTRIES.slice(0, 4)) {
      const text = encodeEntry(entry);
      expect(decodeEntry('k', encodeEntryBytes(entry))).toEqual(decodeEntry('k', text));
      expect(encodeEntryBytes(entry).length).toBeLessThan(Buffer.byteLength(text));
    }
  });

  it('reads JSON versions handed over as their UTF-8 bytes, as a restore reads the topic', () => {
    for (const [, entry] of ENTRIES) {
      const text = encodeEntry(entry);
      const bytes = new TextEncoder().encode(text);
      expect(isEntryBytes(bytes)).toBe(false);
      expect(decodeEntry('k', bytes)).toEqual(decodeEntry('k', text));
    }
    const v1 = new TextEncoder().encode(`{"v":1,"l":["fraud","fraud",${T0},${T0 + 9},1,["v1"]]}`);
    expect(decodeEntry('k', v1)).toMatchObject({
      kind: 'label',
      label: { evaluated: [{ variant: 'v1', pairing: null }], outcomes: null },
    });
  });

  it('is a copy of its own, not a view of the scratch space', () => {
    const first = encodeEntryBytes(ENTRIES[0]![1]);
    const copy = Buffer.from(first);
    encodeEntryBytes(ENTRIES[2]![1]);
    expect(first).toEqual(copy);
    expect(first.buffer.byteLength).toBeLessThan(16 * 1024);
  });

  it('writes an entry larger than the scratch space', () => {
    const predictions = Array.from({ length: 400 }, (_, i) => ({ ...PENDING, variant: `v${i}` }));
    const entry: JoinEntry = { kind: 'predictions', predictions };
    const bytes = encodeEntryBytes(entry);
    expect(bytes.length).toBeGreaterThan(16 * 1024);
    expect(decodeEntry('k', bytes)).toEqual(entry);
  });

  const good = encodeEntryBytes({ kind: 'predictions', predictions: [PENDING] });
  const withByte = (at: number, value: number) => {
    const bytes = Buffer.from(good);
    bytes[at] = value;
    return bytes;
  };
  const roleAt = good.indexOf(Buffer.from('ro-1')) + 4;

  it.each([
    ['a version it does not know', withByte(0, 5), /unsupported version 5/],
    ['an unknown kind', withByte(1, 7), /unknown entry kind 7/],
    ['a truncated body', good.subarray(0, good.length - 3), /truncated entry/],
    ['trailing bytes', Buffer.concat([good, Buffer.from([0])]), /trailing bytes/],
    ['a role past the enum', withByte(roleAt, 40), /invalid field|not a version 4 entry/],
    ['no predictions', Buffer.from([BINARY_ENTRY_VERSION, 0, 0]), /at least one prediction/],
    ['text that is not UTF-8', Buffer.from([0x7b, 0xff, 0xfe]), /not UTF-8 text/],
  ])('refuses bytes with %s', (_name, value, message) => {
    expect(() => decodeEntry('req-9', value)).toThrow(ChangelogFormatError);
    expect(() => decodeEntry('req-9', value)).toThrow(message);
  });
});
