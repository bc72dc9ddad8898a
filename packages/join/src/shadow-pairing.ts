/**
 * Shadow pairs: in shadow mode a rollout's canary variant answers a copy of every request
 * (role SHADOW, served=false) beside the stable variant (role STABLE, served=true). Both answer
 * the same request, so they can be compared paired, without a label (do the outputs agree?) and
 * with one (which of the two was correct?). A pair is the served stable prediction and one
 * unserved shadow prediction of the same requestId and the same non-null rolloutId; with
 * several shadow variants the stable pairs with each. Nothing else pairs: a served canary, two
 * shadows, different rollouts, no rollout.
 *
 * The join calls these as its entry for a request changes, so that every pair is emitted once:
 * - its `OutputPair` when the later of the two predictions arrives (`pairWithWaiting` when no
 *   label is held, `pairWithHeld` when one is);
 * - its `LabelledPair` when the later of the two evaluations is produced: both on the label's
 *   arrival (`pairOnLabel`), or one earlier against the held label and the other on its arrival
 *   (`pairWithHeld`).
 * A duplicate prediction never reaches these (the join ignores it first), and an expired or
 * evicted prediction is no longer in the entry, so neither forms a pair.
 *
 * Outputs are compared as the join holds them: equal texts have equal stored forms, and a
 * reduced (long) output is compared through its digest (`sameText`). The comparison is exact
 * text equality, with no numeric tolerance: it measures agreement, not correctness.
 */
import { PredictionStatus, Role } from '@kanary/contracts';
import type {
  EvaluatedVariant,
  HeldLabel,
  PairingDetails,
  PendingPrediction,
} from './join-entry.js';
import type { LabelledPair, OutputPair } from './processor-output.js';
import { sameText, type StoredText } from './stored-text.js';

/** Where the pairs go: the call's `OutputCollector`. */
export interface PairSink {
  readonly outputPairs: OutputPair[];
  readonly labelledPairs: LabelledPair[];
}

/** One side of a possible pair: a prediction's pairing details with its variant. */
interface Side extends Omit<PairingDetails, 'correct'> {
  readonly variant: string;
}

/** A side evaluated against the label. */
type LabelledSide = Side & { readonly correct: boolean };

const isStable = (s: Side): boolean => s.role === Role.STABLE && s.served;
const isShadow = (s: Side): boolean => s.role === Role.SHADOW && !s.served;

/** `p` as one side of a pair, or null when it can never be part of one. */
function sideOf(p: PendingPrediction): Side | null {
  const { variant, role, served, rolloutId, predictedAt } = p;
  if (rolloutId === null) return null;
  const side: Side = {
    variant,
    role,
    served,
    rolloutId,
    predictedAt,
    output: p.status === PredictionStatus.OK ? p.output : null,
  };
  return isStable(side) || isShadow(side) ? side : null;
}

/** `a` and `b` as [stable, shadow] when they form a pair, in whichever order they came. */
function asPair<S extends Side>(a: S, b: S): readonly [S, S] | null {
  if (a.rolloutId !== b.rolloutId) return null;
  if (isStable(a) && isShadow(b)) return [a, b];
  if (isShadow(a) && isStable(b)) return [b, a];
  return null;
}

function sameOutput(a: StoredText | null, b: StoredText | null): boolean {
  return a === null || b === null ? a === b : sameText(a, b);
}

function outputPair(requestId: string, model: string, stable: Side, shadow: Side): OutputPair {
  return {
    requestId,
    rolloutId: shadow.rolloutId,
    model,
    shadowVariant: shadow.variant,
    predictedAt: shadow.predictedAt,
    agree: sameOutput(stable.output, shadow.output),
  };
}

function labelledPair(
  requestId: string,
  model: string,
  [stable, shadow]: readonly [LabelledSide, LabelledSide],
  labeledAt: number,
): LabelledPair {
  return {
    requestId,
    rolloutId: shadow.rolloutId,
    model,
    shadowVariant: shadow.variant,
    shadowPredictedAt: shadow.predictedAt,
    stablePredictedAt: stable.predictedAt,
    labeledAt,
    shadowCorrect: shadow.correct,
    stableCorrect: stable.correct,
  };
}

/**
 * What a held label keeps of `p`, just evaluated: its variant (for duplicate detection) and,
 * when it can pair, what a partner evaluated later is paired with.
 */
export function evaluatedVariant(p: PendingPrediction, correct: boolean): EvaluatedVariant {
  const side = sideOf(p);
  if (side === null) return { variant: p.variant, pairing: null };
  // Fields named rather than spread: object rest and spread took ~1 % of the evaluator's CPU.
  const { variant, role, served, rolloutId, predictedAt, output } = side;
  return { variant, pairing: { role, served, rolloutId, predictedAt, output, correct } };
}

function labelledSide({ variant, pairing: d }: EvaluatedVariant): LabelledSide | null {
  if (d === null) return null;
  const { role, served, rolloutId, predictedAt, output, correct } = d;
  return { variant, role, served, rolloutId, predictedAt, output, correct };
}

/** The pairs `record` forms with the variants evaluated before it, as [stable, shadow]. */
function labelledPartners(
  record: EvaluatedVariant,
  before: readonly EvaluatedVariant[],
): Array<readonly [LabelledSide, LabelledSide]> {
  const side = labelledSide(record);
  const pairs: Array<readonly [LabelledSide, LabelledSide]> = [];
  if (side === null) return pairs;
  for (const earlier of before) {
    const other = labelledSide(earlier);
    const pair = other === null ? null : asPair(side, other);
    if (pair !== null) pairs.push(pair);
  }
  return pairs;
}

/** `p` arrived while other predictions of its request wait for the label: its output pairs. */
export function pairWithWaiting(
  requestId: string,
  p: PendingPrediction,
  waiting: readonly PendingPrediction[],
  sink: PairSink,
): void {
  const side = sideOf(p);
  if (side === null) return;
  for (const w of waiting) {
    const other = sideOf(w);
    const pair = other === null ? null : asPair(side, other);
    if (pair !== null) sink.outputPairs.push(outputPair(requestId, p.model, ...pair));
  }
}

/**
 * `p` arrived while the label is held and was just evaluated against it (`record`): its output
 * pairs and its labelled pairs with the variants evaluated before it (which carry their details;
 * those restored from a version-1 entry do not, and pair with nothing).
 */
export function pairWithHeld(
  requestId: string,
  p: PendingPrediction,
  record: EvaluatedVariant,
  held: HeldLabel,
  sink: PairSink,
): void {
  for (const pair of labelledPartners(record, held.evaluated)) {
    sink.outputPairs.push(outputPair(requestId, p.model, ...pair));
    sink.labelledPairs.push(labelledPair(requestId, p.model, pair, held.labeledAt));
  }
}

/**
 * The label arrived and `p` was just evaluated (`record`), after the waiting predictions in
 * `before`: its labelled pairs with them. Their output pairs were emitted when the later of each
 * two arrived.
 */
export function pairOnLabel(
  requestId: string,
  p: PendingPrediction,
  record: EvaluatedVariant,
  before: readonly EvaluatedVariant[],
  labeledAt: number,
  sink: PairSink,
): void {
  for (const pair of labelledPartners(record, before)) {
    sink.labelledPairs.push(labelledPair(requestId, p.model, pair, labeledAt));
  }
}
