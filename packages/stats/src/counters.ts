// Mergeable sufficient statistics. The decision service keeps one set per rollout and arm, adds
// evaluations as they arrive, merges partial counts (e.g. per partition), checkpoints them as JSON
// and rebuilds them after a crash. They are plain frozen objects of non-negative integers, so
// JSON.stringify is the serialiser; `fromJSON` is the validating inverse. Every test in this
// package needs nothing beyond these counts.
import { type ProportionCounts } from './types.js';

/** Labelled shadow pairs (both variants answered the same request and the label is known). */
export interface PairedCounts {
  /** Labelled pairs. */
  readonly nPairs: number;
  /** Pairs where the canary is correct and the stable variant is wrong. */
  readonly n10: number;
  /** Pairs where the canary is wrong and the stable variant is correct. */
  readonly n01: number;
}

/** Shadow pairs compared without labels: how often the two variants' outputs differ. */
export interface DisagreementCounts {
  /** Paired predictions seen (labelled or not). */
  readonly nPairs: number;
  /** Pairs whose outputs differ (exact match on the output string). */
  readonly nDisagree: number;
}

/** Operations on one kind of counts. All functions are pure and return new frozen objects. */
export interface CounterKind<C> {
  /** All-zero counts. */
  empty(): C;
  /** Field-wise sum; associative and commutative, so partial counts merge in any order. */
  merge(a: C, b: C): C;
  /** Validates a parsed JSON value (fields, integrality, invariants) and returns frozen counts. */
  fromJSON(value: unknown): C;
}

type Invariant<C> = (counts: C) => string | undefined;

function defineCounter<K extends string>(
  kind: string,
  fields: readonly K[],
  invariant: Invariant<Record<K, number>>,
): CounterKind<Readonly<Record<K, number>>> {
  const build = (values: Record<K, number>): Readonly<Record<K, number>> => {
    const problem = invariant(values);
    if (problem !== undefined) throw new RangeError(`${kind}: ${problem}`);
    return Object.freeze(values);
  };
  const fromFields = (read: (field: K) => unknown): Readonly<Record<K, number>> => {
    const values = {} as Record<K, number>;
    for (const field of fields) {
      const value = read(field);
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        throw new RangeError(
          `${kind}.${field} must be a non-negative integer, got ${JSON.stringify(value)}`,
        );
      }
      values[field] = value;
    }
    return build(values);
  };
  return {
    empty: () => fromFields(() => 0),
    merge: (a, b) => fromFields((field) => a[field] + b[field]),
    fromJSON(value: unknown) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new TypeError(`${kind} must be an object, got ${JSON.stringify(value)}`);
      }
      const record = value as Record<string, unknown>;
      return fromFields((field) => record[field]);
    },
  };
}

const proportionKind = defineCounter('ProportionCounts', ['successes', 'total'], (c) =>
  c.successes > c.total
    ? `successes (${String(c.successes)}) exceed total (${String(c.total)})`
    : undefined,
);

/** Counter of binary outcomes: `observe(c, true)` adds one success, `observe(c, false)` one failure. */
export const proportionCounter: CounterKind<ProportionCounts> & {
  observe(counts: ProportionCounts, success: boolean): ProportionCounts;
} = {
  ...proportionKind,
  observe: (counts, success) =>
    proportionKind.merge(counts, { successes: success ? 1 : 0, total: 1 }),
};

const pairedKind = defineCounter('PairedCounts', ['nPairs', 'n10', 'n01'], (c) =>
  c.n10 + c.n01 > c.nPairs
    ? `discordant pairs (${String(c.n10 + c.n01)}) exceed nPairs (${String(c.nPairs)})`
    : undefined,
);

/** Counter of labelled shadow pairs for {@link pairedDifferenceCS}. */
export const pairedCounter: CounterKind<PairedCounts> & {
  observe(counts: PairedCounts, canaryCorrect: boolean, stableCorrect: boolean): PairedCounts;
} = {
  ...pairedKind,
  observe: (counts, canaryCorrect, stableCorrect) =>
    pairedKind.merge(counts, {
      nPairs: 1,
      n10: canaryCorrect && !stableCorrect ? 1 : 0,
      n01: !canaryCorrect && stableCorrect ? 1 : 0,
    }),
};

const disagreementKind = defineCounter('DisagreementCounts', ['nPairs', 'nDisagree'], (c) =>
  c.nDisagree > c.nPairs
    ? `nDisagree (${String(c.nDisagree)}) exceeds nPairs (${String(c.nPairs)})`
    : undefined,
);

/** Counter of label-free shadow agreement for {@link disagreementNonInferiority}. */
export const disagreementCounter: CounterKind<DisagreementCounts> & {
  observe(counts: DisagreementCounts, disagree: boolean): DisagreementCounts;
} = {
  ...disagreementKind,
  observe: (counts, disagree) =>
    disagreementKind.merge(counts, { nPairs: 1, nDisagree: disagree ? 1 : 0 }),
};
