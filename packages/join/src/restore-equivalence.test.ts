/**
 * kill -9 recovery, simulated: a processor that crashes at random points, loses everything
 * since its last commit, restores from the changelog and re-processes from the committed
 * position must commit exactly the outputs of a processor that never stopped — evaluations,
 * shadow pairs, expiries, ignores, changelog entries and snapshots alike.
 */
import { describe, expect, it } from 'vitest';
import type { Role } from '@kanary/contracts';
import { isReservedKey, type ChangelogEntry } from './changelog.js';
import { decodeEntry, encodeEntry } from './entry-codec.js';
import type { JoinConfigInput } from './join-config.js';
import type { JoinInput } from './join-input.js';
import { HOUR, T0, label, prediction, seededRandom } from './join.fixtures.js';
import { JoinProcessor } from './join-processor.js';
import type { LabelledPair, ProcessorOutput } from './processor-output.js';

type Step =
  | { readonly type: 'input'; readonly input: JoinInput; readonly now: number }
  | { readonly type: 'punctuate'; readonly now: number }
  | { readonly type: 'commit'; readonly now: number };

type StepResult = ProcessorOutput | ChangelogEntry[];

const CONFIG: JoinConfigInput = {
  ttlMs: 2 * HOUR,
  maxPending: 900,
  metricsIntervalMs: 10 * 60_000,
  numericTolerance: 0.5,
  maxOutputChars: 8,
};

const VARIANTS: ReadonlyArray<readonly [string, Role, boolean]> = [
  ['v1', 'STABLE', true],
  ['v2', 'SHADOW', false],
  ['v3', 'CANARY', true],
  ['v4', 'SHADOW', false],
];

/** ~5,000 predictions and labels for overlapping requests, with duplicates, late sides and failures. */
function scenario(seed: number, events: number): Step[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const timed: Array<{ at: number; input: JoinInput }> = [];
  let t = T0;
  for (let n = 0; timed.length < events; n++) {
    t += Math.floor(random() * 20_000);
    const requestId = `r${n}`;
    const numeric = random() < 0.4;
    const model = numeric ? 'eta' : 'fraud';
    const rolloutId = random() < 0.8 ? 'ro-1' : null;
    const truth = numeric
      ? (random() * 20).toFixed(1)
      : pick(['fraud', 'legit', 'a-long-class-name']);
    // A stable and a shadow, with sometimes a canary and a second shadow beside them.
    const variantCount = random() < 0.3 ? (random() < 0.5 ? 3 : 4) : 2;
    for (const [variant, role, served] of VARIANTS.slice(0, variantCount)) {
      const status = random() < 0.9 ? 'OK' : pick(['ERROR', 'TIMEOUT'] as const);
      const guess = numeric
        ? (Number(truth) + (random() - 0.5) * 2).toFixed(2)
        : pick(['fraud', 'legit']);
      const pFraud = Math.round(random() * 100) / 100;
      const value = prediction({
        scores: numeric || random() < 0.3 ? null : { fraud: pFraud, legit: 1 - pFraud },
        segment: pick(['eu', 'us', null]),
        requestId,
        model,
        rolloutId,
        variant,
        role,
        served,
        status,
        output: status === 'OK' ? (random() < 0.7 ? truth : guess) : null,
        latencyMs: Math.exp(2 + random() * 4),
        timestamp: t,
      });
      // Mostly prompt; sometimes hours late (late shadow, or beyond the TTL).
      const at = t + Math.floor(random() < 0.9 ? random() * 5_000 : random() * 3 * HOUR);
      timed.push({ at, input: { kind: 'prediction', value } });
      if (random() < 0.05)
        timed.push({ at: at + Math.floor(random() * HOUR), input: { kind: 'prediction', value } });
    }
    if (random() < 0.85) {
      const at = t + Math.floor(-Math.log(1 - random()) * 40 * 60_000);
      const outcomes = random() < 0.5 ? { amount: Math.floor(random() * 100) } : null;
      const value = label({ requestId, model, label: truth, timestamp: at, outcomes });
      timed.push({ at, input: { kind: 'label', value } });
      if (random() < 0.05) {
        timed.push({
          at: at + 60_000,
          input: { kind: 'label', value: { ...value, label: 'other' } },
        });
      }
    }
  }
  timed.sort((a, b) => a.at - b.at);
  const steps: Step[] = [{ type: 'commit', now: T0 }];
  for (const { at, input } of timed) {
    if (random() < 0.1) steps.push({ type: 'punctuate', now: at });
    steps.push({ type: 'input', input, now: at });
    if (random() < 0.05) steps.push({ type: 'commit', now: at });
  }
  const end = (timed.at(-1)?.at ?? T0) + 3 * HOUR;
  steps.push({ type: 'punctuate', now: end }, { type: 'commit', now: end });
  return steps;
}

function execute(processor: JoinProcessor, step: Step): StepResult {
  if (step.type === 'input') return processor.process(step.input, step.now);
  if (step.type === 'punctuate') return processor.punctuate(step.now);
  return processor.flush();
}

function started(now: number): JoinProcessor {
  const processor = new JoinProcessor(CONFIG);
  processor.init({ now });
  return processor;
}

function uninterrupted(steps: readonly Step[]): {
  results: StepResult[];
  processor: JoinProcessor;
} {
  const processor = started(T0);
  return { results: steps.map((step) => execute(processor, step)), processor };
}

interface CrashRun {
  results: StepResult[];
  processor: JoinProcessor;
  crashes: number;
}

function crashing(steps: readonly Step[], seed: number): CrashRun {
  const random = seededRandom(seed);
  const log: ChangelogEntry[] = []; // the changelog topic, uncompacted
  const results: StepResult[] = [];
  let pending: StepResult[] = []; // produced in the open transaction
  let processor = started(T0);
  let crashes = 0;
  for (let i = 0; i < steps.length;) {
    if (random() < 0.01 && crashes < 80) {
      // kill -9: the open transaction aborts; restart from the changelog and committed offsets.
      crashes += 1;
      pending = [];
      i = results.length;
      processor = new JoinProcessor(CONFIG);
      const restoreFrom = random() < 0.5 ? log : compact(log);
      for (let from = 0; from < restoreFrom.length; from += 97) {
        processor.restore(restoreFrom.slice(from, from + 97));
      }
      processor.init({ now: steps[i - 1]?.now ?? T0 });
      continue;
    }
    const step = steps[i] as Step;
    const result = execute(processor, step);
    pending.push(result);
    if (step.type === 'commit') {
      for (const r of pending) log.push(...(Array.isArray(r) ? r : r.changelog));
      results.push(...pending);
      pending = [];
    }
    i += 1;
  }
  return { results, processor, crashes };
}

/** What log compaction leaves at its most aggressive: the latest value per key, no tombstones. */
function compact(log: readonly ChangelogEntry[]): ChangelogEntry[] {
  const latest = new Map<string, ChangelogEntry['value']>();
  for (const { key, value } of log) {
    latest.delete(key);
    latest.set(key, value);
  }
  return [...latest].filter(([, value]) => value !== null).map(([key, value]) => ({ key, value }));
}

const pairKey = (p: { requestId: string; shadowVariant: string }): string =>
  `${p.requestId}:${p.shadowVariant}`;

/**
 * The pairs agree with what they pair: one labelled pair for every stable and shadow evaluation
 * of one request and rollout, with their fields; an output pair before it; and `agree` as the
 * raw outputs compare (the join compares digests of the long ones).
 */
function expectPairsOf(steps: readonly Step[], outputs: readonly ProcessorOutput[]): void {
  const outputPairs = outputs.flatMap((o) => o.outputPairs);
  const labelledPairs = outputs.flatMap((o) => o.labelledPairs);
  const evaluations = outputs.flatMap((o) => o.evaluations);
  const stables = new Map(
    evaluations.filter((e) => e.role === 'STABLE' && e.served).map((e) => [e.requestId, e]),
  );
  const expected: LabelledPair[] = [];
  for (const shadow of evaluations) {
    const stable = stables.get(shadow.requestId);
    if (shadow.role !== 'SHADOW' || shadow.served || shadow.rolloutId === null) continue;
    if (stable === undefined || stable.rolloutId !== shadow.rolloutId) continue;
    expected.push({
      requestId: shadow.requestId,
      rolloutId: shadow.rolloutId,
      model: shadow.model,
      shadowVariant: shadow.variant,
      shadowPredictedAt: shadow.predictedAt,
      stablePredictedAt: stable.predictedAt,
      labeledAt: shadow.labeledAt,
      shadowCorrect: shadow.correct,
      stableCorrect: stable.correct,
    });
  }
  const byKey = (a: LabelledPair, b: LabelledPair) => pairKey(a).localeCompare(pairKey(b));
  expect([...labelledPairs].sort(byKey)).toEqual(expected.sort(byKey));
  expect(labelledPairs.length).toBeGreaterThan(500);

  const outputKeys = outputPairs.map(pairKey);
  expect(new Set(outputKeys).size).toBe(outputKeys.length);
  const outputKeySet = new Set(outputKeys);
  expect(labelledPairs.every((p) => outputKeySet.has(pairKey(p)))).toBe(true);
  expect(outputPairs.length).toBeGreaterThan(labelledPairs.length);
  const raw = new Map<string, string | null>();
  for (const step of steps) {
    if (step.type !== 'input' || step.input.kind !== 'prediction') continue;
    const p = step.input.value;
    raw.set(`${p.requestId}:${p.variant}`, p.status === 'OK' ? p.output : null);
  }
  for (const pair of outputPairs) {
    const [stableOutput, shadowOutput] = ['v1', pair.shadowVariant].map((variant) =>
      raw.get(`${pair.requestId}:${variant}`),
    );
    expect({ pair, agree: stableOutput === shadowOutput }).toEqual({ pair, agree: pair.agree });
  }
  expect(new Set(outputPairs.map((p) => `${p.shadowVariant}:${String(p.agree)}`)).size).toBe(4);
  // Pairs completed by a late prediction (label held) and by the label (both waiting).
  expect(outputs.some((o) => o.labelledPairs.length > 0 && o.outputPairs.length > 0)).toBe(true);
  expect(outputs.some((o) => o.labelledPairs.length > 0 && o.outputPairs.length === 0)).toBe(true);
}

describe('changelog restore', () => {
  it.each([1, 2, 3])(
    'commits exactly the uninterrupted outputs across random crashes (seed %i)',
    (seed) => {
      const steps = scenario(seed, 5000);
      const reference = uninterrupted(steps);
      const recovered = crashing(steps, seed * 7919);

      expect(recovered.crashes).toBeGreaterThan(10);
      expect(recovered.results).toHaveLength(steps.length);
      for (let i = 0; i < steps.length; i++) {
        const [got, want] = [recovered.results[i], reference.results[i]];
        if (JSON.stringify(got) !== JSON.stringify(want))
          expect({ step: i, got }).toEqual({ step: i, got: want });
      }
      expect(recovered.processor.stats()).toEqual(reference.processor.stats());

      // The scenario exercised every path it claims to.
      const outputs = reference.results.filter((r): r is ProcessorOutput => !Array.isArray(r));
      const evaluations = outputs.flatMap((o) => o.evaluations);
      const expired = outputs.flatMap((o) => o.expired);
      const ignored = outputs.flatMap((o) => o.ignored);
      expect(evaluations.length).toBeGreaterThan(1500);
      expect(evaluations.some((e) => e.absError !== null)).toBe(true);
      expect(evaluations.some((e) => e.status !== 'OK')).toBe(true);
      expect(evaluations.some((e) => e.logLoss !== null && e.segment !== null)).toBe(true);
      expect(evaluations.some((e) => e.outcomes !== null)).toBe(true);
      expect(expired.some((e) => e.reason === 'TTL' && e.kind === 'prediction')).toBe(true);
      expect(expired.some((e) => e.reason === 'TTL' && e.kind === 'label')).toBe(true);
      expect(expired.some((e) => e.reason === 'EVICTED')).toBe(true);
      expect(new Set(ignored.map((i) => `${i.kind}:${i.reason}`))).toEqual(
        new Set(['prediction:DUPLICATE', 'label:DUPLICATE']),
      );
      expect(outputs.filter((o) => o.metrics !== null).length).toBeGreaterThan(10);
      expectPairsOf(steps, outputs);
    },
  );

  it('restores a changelog written before the binary entries (version 3 JSON) and continues as if never upgraded', () => {
    const steps = scenario(4, 5000);
    const reference = uninterrupted(steps);
    // The version before the upgrade stopped at a commit half-way; its changelog holds every
    // entry as version 3 JSON text, handed to the restore as the record's UTF-8 bytes.
    const stop = steps.findIndex((step, i) => step.type === 'commit' && i >= steps.length / 2);
    const log: ChangelogEntry[] = [];
    for (const result of reference.results.slice(0, stop + 1)) {
      for (const { key, value } of Array.isArray(result) ? result : result.changelog) {
        const old =
          value === null || isReservedKey(key)
            ? value
            : new TextEncoder().encode(encodeEntry(decodeEntry(key, value)));
        log.push({ key, value: old });
      }
    }
    expect(log.some(({ value }) => value instanceof Uint8Array && value[0] === 0x7b)).toBe(true);
    const upgraded = new JoinProcessor(CONFIG);
    upgraded.restore(compact(log));
    upgraded.init({ now: steps[stop]!.now });
    expect(upgraded.stats()).toEqual(uninterrupted(steps.slice(0, stop + 1)).processor.stats());
    for (let i = stop + 1; i < steps.length; i++) {
      const [got, want] = [execute(upgraded, steps[i]!), reference.results[i]];
      if (JSON.stringify(got) !== JSON.stringify(want))
        expect({ step: i, got }).toEqual({ step: i, got: want });
    }
    expect(upgraded.stats()).toEqual(reference.processor.stats());
  });
});
