import { exampleEvents, type ArmEvidence } from '@kanary/contracts';
import {
  ArmBucket,
  emptyArmCounts,
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
