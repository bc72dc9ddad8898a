import type { ArmEvidence, Evaluation, RolloutState } from '@kanary/contracts';
import { EvidenceBook } from '@kanary/evidence';
import { applyCommand } from '@kanary/rollout';
import { connectedProducer, waitFor } from '@kanary/testkit';
import { isDeepStrictEqual } from 'node:util';
import { readAll, type EvaluatorFixture, type JoinRecord } from './support.js';

/**
 * Puts the rollout of the `workload` (model "m", rollout "ro-1": stable-v1 served, shadow-v2 as
 * its shadow) on `rollout.state`, started before any of its records, so the evaluator folds them.
 */
export async function startWorkloadRollout(f: EvaluatorFixture, at: number): Promise<RolloutState> {
  const applied = applyCommand(
    undefined,
    {
      commandId: 'start-ro-1',
      rolloutId: 'ro-1',
      model: 'm',
      action: 'START',
      stable: 'stable-v1',
      canary: 'shadow-v2',
      shadows: [],
      canaryWeight: 0,
      stepIndex: null,
      basedOnSeq: null,
      issuedBy: 'OPERATOR',
      reason: 'evaluator test',
      policy: null,
      issuedAt: at,
      actor: null,
      candidates: [],
    },
    at,
  );
  if (applied.state === undefined) throw new Error(`START was ${applied.outcome}`);
  const producer = await connectedProducer({ idempotent: true });
  try {
    const value = await f.codec.encode(f.catalog.state, applied.state);
    await producer.send({ topic: f.catalog.state.name, acks: -1, messages: [{ key: 'm', value }] });
  } finally {
    await producer.disconnect();
  }
  return applied.state;
}

export interface ArmNumbers {
  labelled: number;
  correct: number;
  errors: number;
}

export interface EvidenceNumbers {
  /** Per `variant/role`. */
  readonly arms: Record<string, ArmNumbers>;
  readonly pairs: {
    outputPairs: number;
    outputDisagreements: number;
    labelledPairs: number;
    shadowOnlyCorrect: number;
    stableOnlyCorrect: number;
  };
}

const emptyPairs = () => ({
  outputPairs: 0,
  outputDisagreements: 0,
  labelledPairs: 0,
  shadowOnlyCorrect: 0,
  stableOnlyCorrect: 0,
});

/**
 * What an exact evidence of the workload holds, computed independently: arm counts from the
 * committed evaluations, pairs from the evaluations and the produced predictions.
 */
export async function expectedEvidence(
  f: EvaluatorFixture,
  records: readonly JoinRecord[],
): Promise<EvidenceNumbers> {
  const evaluations = await readAll(f, f.catalog.evaluations, (v) =>
    f.codec.decode(f.catalog.evaluations, v),
  );
  const arms: Record<string, ArmNumbers> = {};
  const byRequest = new Map<string, Evaluation[]>();
  for (const e of evaluations) {
    const arm = (arms[`${e.variant}/${e.role}`] ??= { labelled: 0, correct: 0, errors: 0 });
    arm.labelled += 1;
    if (e.correct) arm.correct += 1;
    if (e.status !== 'OK') arm.errors += 1;
    byRequest.set(e.requestId, [...(byRequest.get(e.requestId) ?? []), e]);
  }
  const pairs = emptyPairs();
  for (const list of byRequest.values()) {
    const stable = list.find((e) => e.role === 'STABLE');
    const shadow = list.find((e) => e.role === 'SHADOW');
    if (stable === undefined || shadow === undefined) continue;
    pairs.labelledPairs += 1;
    if (shadow.correct && !stable.correct) pairs.shadowOnlyCorrect += 1;
    if (stable.correct && !shadow.correct) pairs.stableOnlyCorrect += 1;
  }
  const outputs = new Map<string, { stable?: string | null; shadow?: string | null }>();
  for (const r of records) {
    if (r.kind !== 'prediction') continue;
    const p = r.value;
    const entry = outputs.get(p.requestId) ?? {};
    const output = p.status === 'OK' ? p.output : null;
    if (p.role === 'STABLE') entry.stable = output;
    else entry.shadow = output;
    outputs.set(p.requestId, entry);
  }
  for (const { stable, shadow } of outputs.values()) {
    if (stable === undefined || shadow === undefined) continue;
    pairs.outputPairs += 1;
    if (stable !== shadow) pairs.outputDisagreements += 1;
  }
  return { arms, pairs };
}

/** The same numbers as the evidence topic holds them, every source partition merged. */
export async function publishedEvidence(f: EvaluatorFixture): Promise<EvidenceNumbers> {
  const book = new EvidenceBook();
  const records = await readAll<ArmEvidence>(f, f.catalog.evidence, (v) =>
    f.codec.decode(f.catalog.evidence, v),
  );
  for (const record of records) book.apply(record);
  const arms: Record<string, ArmNumbers> = {};
  const pairs = emptyPairs();
  for (const { arm, counts } of book.armTotals('ro-1')) {
    if (counts.labelled + counts.lateLabels > 0) {
      arms[`${arm.variant}/${arm.role}`] = {
        labelled: counts.labelled + counts.lateLabels,
        correct: counts.correct,
        errors: counts.errors,
      };
    }
    for (const key of Object.keys(pairs) as Array<keyof typeof pairs>) pairs[key] += counts[key];
  }
  return { arms, pairs };
}

/**
 * The published evidence once it equals `expected`, or as last read after `timeoutMs`: the
 * evaluator publishes a bucket's last changes at its next publication point (the tests' closed
 * interval is 500 ms, the open one 1 s), after the inputs are committed.
 */
export async function settledEvidence(
  f: EvaluatorFixture,
  expected: EvidenceNumbers,
  timeoutMs = 30_000,
): Promise<EvidenceNumbers> {
  let published = await publishedEvidence(f);
  await waitFor(
    async () => {
      published = await publishedEvidence(f);
      return isDeepStrictEqual(published, expected);
    },
    { timeoutMs, description: () => `published evidence ${JSON.stringify(published)}` },
  ).catch(() => undefined);
  return published;
}
