/**
 * Shadow pairs through the join: every arrival order, the output comparison, what does not
 * pair, and pairs across a restore from the changelog.
 */
import { describe, expect, it } from 'vitest';
import type { Prediction } from '@kanary/contracts';
import type { ChangelogEntry } from './changelog.js';
import { decodeEntry, encodeEntry } from './entry-codec.js';
import type { JoinInput } from './join-input.js';
import { DAY, HOUR, SECOND, T0, labelled, predicted } from './join.fixtures.js';
import { JoinProcessor } from './join-processor.js';
import type { LabelledPair, OutputPair, ProcessorOutput } from './processor-output.js';

const TTL = DAY;
const CONFIG = { ttlMs: TTL, maxOutputChars: 16 };
const RESTORE = 'restore';
type Step = JoinInput | typeof RESTORE;

const stable = (o: Partial<Prediction> = {}): JoinInput =>
  predicted({ variant: 'v1', role: 'STABLE', served: true, output: 'fraud', timestamp: T0, ...o });
const shadow = (o: Partial<Prediction> = {}): JoinInput =>
  predicted({
    variant: 'v2',
    role: 'SHADOW',
    served: false,
    output: 'legit',
    timestamp: T0 + 7,
    ...o,
  });
const label = labelled({ label: 'fraud', timestamp: T0 + HOUR });

/**
 * Feeds the steps one second apart; RESTORE replaces the processor with one restored from every
 * changelog entry written so far. Returns the output of each input step.
 */
function run(steps: readonly Step[], config = CONFIG): ProcessorOutput[] {
  const log: ChangelogEntry[] = [];
  let processor = new JoinProcessor(config);
  processor.init({ now: T0 });
  const outputs: ProcessorOutput[] = [];
  steps.forEach((step, i) => {
    if (step === RESTORE) {
      processor = new JoinProcessor(config);
      processor.restore(log);
      processor.init({ now: T0 + i * SECOND });
      return;
    }
    const out = processor.process(step, T0 + i * SECOND);
    log.push(...out.changelog);
    outputs.push(out);
  });
  return outputs;
}

const outputPairs = (outs: readonly ProcessorOutput[]): OutputPair[] =>
  outs.flatMap((o) => o.outputPairs);
const labelledPairs = (outs: readonly ProcessorOutput[]): LabelledPair[] =>
  outs.flatMap((o) => o.labelledPairs);

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

const withRestores = (steps: readonly Step[]): Step[] => steps.flatMap((s) => [s, RESTORE]);

describe('shadow pairs in every arrival order', () => {
  const events = { S: stable(), H: shadow(), L: label };
  const orders = permutations(['S', 'H', 'L'] as const).map((order) => order.join(''));

  it.each(orders)(
    '%s: one output pair and one labelled pair, each when it is complete',
    (order) => {
      const steps = [...order].map((name) => events[name as keyof typeof events]);
      for (const feed of [steps, withRestores(steps)]) {
        const outs = run(feed);
        expect(outs.map((o) => [o.outputPairs.length, o.labelledPairs.length])).toEqual(
          [...order].map((_, i) => [
            i === Math.max(order.indexOf('S'), order.indexOf('H')) ? 1 : 0,
            i === 2 ? 1 : 0,
          ]),
        );
        expect(outputPairs(outs)).toEqual([
          {
            requestId: 'req-1',
            rolloutId: 'ro-1',
            model: 'fraud',
            shadowVariant: 'v2',
            predictedAt: T0 + 7,
            agree: false,
          },
        ]);
        expect(labelledPairs(outs)).toEqual([
          {
            requestId: 'req-1',
            rolloutId: 'ro-1',
            model: 'fraud',
            shadowVariant: 'v2',
            shadowPredictedAt: T0 + 7,
            stablePredictedAt: T0,
            labeledAt: T0 + HOUR,
            shadowCorrect: false,
            stableCorrect: true,
          },
        ]);
        expect(outs.flatMap((o) => o.evaluations)).toHaveLength(2);
      }
    },
  );
});

describe('shadow pair output comparison', () => {
  const long = 'x'.repeat(40);
  const cases: Array<[string, Partial<Prediction>, Partial<Prediction>, boolean]> = [
    ['equal outputs', { output: 'fraud' }, { output: 'fraud' }, true],
    ['different outputs', { output: 'fraud' }, { output: 'legit' }, false],
    ['two failures', { status: 'ERROR', output: null }, { status: 'TIMEOUT', output: null }, true],
    [
      'two failures with different outputs',
      { status: 'ERROR', output: 'fraud' },
      { status: 'ERROR', output: 'legit' },
      true,
    ],
    ['a failure and an OK output', { output: 'fraud' }, { status: 'ERROR', output: null }, false],
    ['a failure whose output equals', { status: 'ERROR' }, { output: 'fraud' }, false],
    ['no output and a failure', { output: null }, { status: 'TIMEOUT', output: null }, true],
    ['equal numbers written differently', { output: '1' }, { output: '1.0' }, false],
    ['equal long outputs (digests)', { output: long }, { output: long }, true],
    ['long outputs differing at the end', { output: long }, { output: `${long}y` }, false],
    ['long outputs of one length differing', { output: `a${long}` }, { output: `b${long}` }, false],
    ['a long and a short output', { output: long }, { output: 'x' }, false],
  ];
  const paths: Array<[string, (s: JoinInput, h: JoinInput) => Step[]]> = [
    ['both waiting', (s, h) => [s, h]],
    ['stable evaluated first', (s, h) => [label, s, h]],
    ['shadow evaluated first, restored between', (s, h) => [label, h, RESTORE, s]],
  ];

  describe.each(paths)('%s', (_path, order) => {
    it.each(cases)('%s', (_name, s, h, agree) => {
      const pairs = outputPairs(run(order(stable(s), shadow(h))));
      expect(pairs.map((p) => p.agree)).toEqual([agree]);
    });
  });
});

describe('what does not pair', () => {
  const cases: Array<[string, JoinInput, JoinInput]> = [
    ['a stable and a served canary', stable(), shadow({ role: 'CANARY', served: true })],
    ['two shadows', shadow({ variant: 'v3' }), shadow()],
    ['a stable and a served shadow', stable(), shadow({ served: true })],
    ['an unserved stable and a shadow', stable({ served: false }), shadow()],
    ['different rollouts', stable(), shadow({ rolloutId: 'ro-2' })],
    ['no rollout', stable({ rolloutId: null }), shadow({ rolloutId: null })],
  ];

  it.each(cases)('%s, in any order', (_name, a, b) => {
    for (const order of permutations([a, b, label])) {
      const outs = run(order);
      expect([outputPairs(outs), labelledPairs(outs)]).toEqual([[], []]);
      expect(outs.flatMap((o) => o.evaluations)).toHaveLength(2);
    }
  });

  it.each<[string, Step[]]>([
    ['while both wait', [stable(), shadow(), stable(), shadow(), label, stable(), shadow()]],
    ['after both were evaluated', [label, stable(), shadow(), stable(), shadow()]],
    ['after a restore', [stable(), label, shadow(), RESTORE, shadow(), stable()]],
  ])('duplicates pair no second time, %s', (_name, steps) => {
    const outs = run(steps);
    expect(outputPairs(outs)).toHaveLength(1);
    expect(labelledPairs(outs)).toHaveLength(1);
    expect(outs.flatMap((o) => o.ignored).length).toBeGreaterThanOrEqual(2);
  });

  it('an expired stable pairs with no later shadow', () => {
    const processor = new JoinProcessor(CONFIG);
    processor.init({ now: T0 });
    processor.process(stable(), T0);
    expect(processor.punctuate(T0 + TTL).expired).toHaveLength(1);
    const outs = [processor.process(shadow(), T0 + TTL), processor.process(label, T0 + TTL)];
    expect([outputPairs(outs), labelledPairs(outs)]).toEqual([[], []]);
  });

  it('a pair whose stable expired before the label gets no labelled pair', () => {
    const processor = new JoinProcessor(CONFIG);
    processor.init({ now: T0 });
    const outs = [processor.process(stable(), T0), processor.process(shadow(), T0 + HOUR)];
    expect(outputPairs(outs)).toHaveLength(1);
    const expired = processor.punctuate(T0 + TTL).expired;
    expect(expired.map((e) => (e.kind === 'prediction' ? e.variant : e.kind))).toEqual(['v1']);
    const late = processor.process(label, T0 + TTL);
    expect([late.evaluations.map((e) => e.variant), late.labelledPairs]).toEqual([['v2'], []]);
  });

  it('an evicted matched label leaves a late shadow unpaired', () => {
    const processor = new JoinProcessor({ ...CONFIG, maxPending: 1 });
    processor.init({ now: T0 });
    processor.process(label, T0);
    processor.process(stable(), T0 + 1);
    const evicting = processor.process(labelled({ requestId: 'req-2' }), T0 + 2);
    expect(evicting.expired.map((e) => `${e.requestId}:${e.reason}`)).toEqual(['req-1:EVICTED']);
    const late = processor.process(shadow(), T0 + 3);
    expect([late.evaluations, late.outputPairs, late.labelledPairs]).toEqual([[], [], []]);
  });
});

describe('several shadows', () => {
  const events = [
    stable(),
    shadow({ variant: 'v2' }),
    shadow({ variant: 'v3', output: 'fraud', status: 'OK' }),
    shadow({ variant: 'v4', role: 'CANARY', served: true }),
    label,
  ];

  it('pair with the stable once each, in every order of arrival', () => {
    const orders = permutations(events);
    expect(orders).toHaveLength(120);
    for (const order of orders) {
      const outs = run(order);
      const byShadow = <T extends { shadowVariant: string }>(pairs: T[]): T[] =>
        pairs.sort((a, b) => a.shadowVariant.localeCompare(b.shadowVariant));
      expect(byShadow(outputPairs(outs)).map((p) => [p.shadowVariant, p.agree])).toEqual([
        ['v2', false],
        ['v3', true],
      ]);
      expect(byShadow(labelledPairs(outs)).map((p) => [p.shadowVariant, p.shadowCorrect])).toEqual([
        ['v2', false],
        ['v3', true],
      ]);
    }
  });
});

describe('a label restored from a version-1 entry', () => {
  it('is still held, its evaluated variants pairing with nothing', () => {
    const processor = new JoinProcessor(CONFIG);
    const v1 = `{"v":1,"l":["fraud","fraud",${T0 + HOUR},${T0 + TTL},1,["v1"]]}`;
    processor.restore([{ key: 'req-1', value: v1 }]);
    processor.init({ now: T0 });
    const late = processor.process(shadow(), T0 + 1);
    expect(late.evaluations.map((e) => e.variant)).toEqual(['v2']);
    expect([late.outputPairs, late.labelledPairs]).toEqual([[], []]);
    expect(processor.process(stable(), T0 + 2).ignored.map((i) => i.reason)).toEqual(['DUPLICATE']);
    // Rewritten as version 4: the old variant by name, the new one with its details (compared
    // in version 3's positional form).
    const rewritten = late.changelog[0]?.value as Uint8Array;
    expect(rewritten[0]).toBe(4);
    expect(JSON.parse(encodeEntry(decodeEntry('req-1', rewritten)))).toEqual({
      v: 3,
      l: [
        'fraud',
        'fraud',
        T0 + HOUR,
        T0 + 1 + TTL,
        1,
        ['v1', ['v2', 'SHADOW', 0, 'ro-1', T0 + 7, 0, 'legit']],
        null,
      ],
    });
  });
});
