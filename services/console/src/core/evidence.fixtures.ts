import { exampleEvents, type ArmEvidence, type Evaluation } from '@kanary/contracts';
import {
  ArmBucket,
  emptyArmCounts,
  EvidenceBook,
  EvidenceFolder,
  type ArmCounts,
  type ArmId,
  type RolloutTerms,
} from '@kanary/evidence';

/** Test fixtures: arms and buckets of one rollout, as evidence readers see them. */
export const T0 = 1_767_225_600_000;

/** Rollout r1 of model m from T0: 15 s label maturity window, 1 s buckets. */
export const TERMS: RolloutTerms = {
  rolloutId: 'r1',
  model: 'm',
  startedAt: T0,
  maturityMs: 15_000,
  bucketMs: 1_000,
  epoch: 1,
};

/**
 * An arm's traffic as two source partitions (two evaluator instances) saw it, and the exact sum
 * a reader must show — not either instance's share.
 */
export const SPLIT_TRAFFIC = {
  partitions: [
    { routed: 150, labelled: 120, correct: 100 },
    { routed: 250, labelled: 180, correct: 155 },
  ],
  sum: {
    routed: 400,
    predictions: 400,
    labelled: 300,
    correct: 255,
    accuracy: 0.85,
    errorRate: 0,
    lateLabels: 0,
  },
} as const;

export const ARMS = {
  stable: { rolloutId: 'r1', model: 'm', variant: 'v1', role: 'STABLE', served: true },
  canary: { rolloutId: 'r1', model: 'm', variant: 'v2', role: 'CANARY', served: true },
  shadow: { rolloutId: 'r1', model: 'm', variant: 'v2', role: 'SHADOW', served: false },
} as const satisfies Record<string, ArmId>;

/** A bucket of `arm` starting `offsetMs` after T0 (1 s wide, 15 s maturity unless told). */
export function bucket(
  arm: ArmId,
  offsetMs: number,
  counts: Partial<ArmCounts>,
  options: { bucketMs?: number; maturityMs?: number; latencies?: readonly number[] } = {},
): ArmBucket {
  const b = new ArmBucket(
    arm,
    T0 + offsetMs,
    options.bucketMs ?? 1_000,
    options.maturityMs ?? 15_000,
    0.01,
    { ...emptyArmCounts(), ...counts },
  );
  for (const ms of options.latencies ?? []) b.latency.add(ms);
  return b;
}

/** What one source partition saw of an arm at one moment. */
export interface ArmTraffic {
  readonly rolloutId: string;
  readonly variant: string;
  readonly role: ArmId['role'];
  readonly served: boolean;
  /** Epoch ms: when the requests were routed and predicted. */
  readonly at: number;
  readonly routed: number;
  /** Labelled within the window, of the routed ones; `correct` of those. */
  readonly labelled: number;
  readonly correct: number;
  readonly latencyMs?: number;
  /** What the `i`-th labelled evaluation carries besides the defaults (scores, segment, …). */
  readonly values?: (i: number) => Partial<Evaluation>;
}

/**
 * One source partition's evidence as the evaluator instance that owns it folds and publishes
 * it: routed requests and evaluations in, `ArmEvidence` records out, each carrying the
 * partition's watermark (the time it was last caught up to).
 */
export class EvidenceSource {
  private readonly folder: EvidenceFolder;
  private requests = 0;
  /** Every record `checkpoint` returned, oldest first. */
  readonly published: ArmEvidence[] = [];

  constructor(
    readonly partition: number,
    partitions: number,
    terms: RolloutTerms,
  ) {
    this.folder = new EvidenceFolder({
      partition,
      partitions,
      inputs: ['inputs'],
      relativeAccuracy: 0.01,
      latenessMs: 0,
      terms: (id) => (id === terms.rolloutId ? terms : undefined),
    });
  }

  /** Takes the partition over from its records, as an instance does after a rebalance. */
  restore(records: readonly ArmEvidence[]): this {
    for (const record of records) {
      if (record.sourcePartition === this.partition) this.folder.restore(record);
    }
    return this;
  }

  /** Folds the requests and evaluations of `traffic`. */
  fold(traffic: ArmTraffic): this {
    const { rolloutId, variant, role, served, at } = traffic;
    for (let i = 0; i < traffic.routed; i++) {
      this.requests += 1;
      this.folder.onRouted({ rolloutId, variant, role, served, routedAt: at });
      if (i >= traffic.labelled) continue;
      this.folder.onEvaluation({
        ...exampleEvents.Evaluation,
        requestId: `p${this.partition}-${this.requests}`,
        rolloutId,
        variant,
        role,
        served,
        correct: i < traffic.correct,
        latencyMs: traffic.latencyMs ?? 20,
        predictedAt: at,
        labeledAt: at + 1_000,
        ...traffic.values?.(i),
      });
    }
    return this;
  }

  /** The records to publish: every bucket changed since the last call, and the watermark. */
  checkpoint(caughtUpAt: number): ArmEvidence[] {
    this.folder.caughtUp('inputs', caughtUpAt);
    const records = this.folder.checkpoint(caughtUpAt);
    this.published.push(...records);
    return records;
  }
}

/**
 * Evidence with scores and segments, as two evaluator instances publish it: the stable arm's
 * 20 labelled evaluations carry the example evaluation's log-loss, Brier score, segment
 * `spring` and outcome; the canary's 40 per partition are numeric (|e| = i mod 4), correct in
 * segment `north` (i < 30) and wrong in `south`, with the outcome `revenue` 10.
 */
export function scoredBook(): EvidenceBook {
  const book = new EvidenceBook();
  const canary = {
    ...ARMS.canary,
    at: T0 + 100,
    routed: 40,
    labelled: 40,
    correct: 30,
    values: (i: number): Partial<Evaluation> => ({
      absError: i % 4,
      logLoss: null,
      brier: null,
      outcomes: { revenue: 10 },
      segment: i < 30 ? 'north' : 'south',
    }),
  };
  const p0 = new EvidenceSource(0, 2, TERMS)
    .fold({ ...ARMS.stable, at: T0 + 100, routed: 25, labelled: 20, correct: 15 })
    .fold(canary);
  const p1 = new EvidenceSource(1, 2, TERMS).fold(canary);
  for (const record of [...p0.checkpoint(T0 + 20_000), ...p1.checkpoint(T0 + 20_000)]) {
    book.apply(record);
  }
  return book;
}
