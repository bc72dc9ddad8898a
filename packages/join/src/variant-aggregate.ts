/**
 * Cumulative counters and latency sketch of one rollout × model × variant × role. A variant
 * that changes role within a rollout (SHADOW, then CANARY) gets one series per role: shadow
 * copies see every request and a canary only its share, so mixing them would blur accuracy.
 *
 * Populations: `predictions` and the latency sketch cover every distinct prediction seen
 * (latency is known without a label, and failed calls' latency is part of what callers see);
 * `labelled`, `correct`, errors and timeouts cover evaluations only.
 */
import { PredictionStatus, Role, type VariantMetrics } from '@kanary/contracts';
import { ChangelogFormatError } from './changelog-format-error.js';
import type { Classification } from './classify.js';
import { ExpiryReason } from './expiry-reason.js';
import { LatencySketch } from '@kanary/evidence';
import { parseVersionedJson } from './versioned-json.js';

export interface VariantId {
  readonly rolloutId: string | null;
  readonly model: string;
  readonly variant: string;
  readonly role: Role;
}

/** Unambiguous identity text of a variant id (also the suffix of its changelog key). */
export function variantIdText(id: VariantId): string {
  return JSON.stringify([id.rolloutId, id.model, id.variant, id.role]);
}

/** Order of the counters in the checkpoint; append only, never reorder. */
const COUNTER_NAMES = [
  'predictions',
  'duplicatePredictions',
  'labelled',
  'correct',
  'absErrorSum',
  'absErrorCount',
  'errors',
  'timeouts',
  'expiredPredictions',
  'evictedPredictions',
] as const;
type CounterName = (typeof COUNTER_NAMES)[number];
export type VariantCounters = Record<CounterName, number>;

const CHECKPOINT_VERSION = 1;
const ROLES = new Set<string>(Object.values(Role));

const ratio = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

export class VariantAggregate {
  private readonly counts: VariantCounters;
  /** Predictions of this variant waiting for a label; a gauge, rebuilt from the store on restore. */
  pending = 0;
  readonly latency: LatencySketch;

  constructor(
    readonly id: VariantId,
    relativeAccuracy: number,
    counts?: VariantCounters,
    latency?: LatencySketch,
  ) {
    this.counts =
      counts ?? (Object.fromEntries(COUNTER_NAMES.map((n) => [n, 0])) as VariantCounters);
    this.latency = latency ?? new LatencySketch(relativeAccuracy);
  }

  get counters(): Readonly<VariantCounters> {
    return this.counts;
  }

  /** A distinct prediction arrived. */
  recordPrediction(latencyMs: number): void {
    this.counts.predictions += 1;
    this.latency.add(latencyMs);
  }

  recordDuplicate(): void {
    this.counts.duplicatePredictions += 1;
  }

  recordEvaluation(status: PredictionStatus, result: Classification): void {
    this.counts.labelled += 1;
    if (result.correct) this.counts.correct += 1;
    if (result.absError !== null) {
      this.counts.absErrorSum += result.absError;
      this.counts.absErrorCount += 1;
    }
    if (status === PredictionStatus.ERROR) this.counts.errors += 1;
    if (status === PredictionStatus.TIMEOUT) this.counts.timeouts += 1;
  }

  recordExpiry(reason: ExpiryReason): void {
    if (reason === ExpiryReason.EVICTED) this.counts.evictedPredictions += 1;
    else this.counts.expiredPredictions += 1;
  }

  /** Adds `other` (same id) into this one: counters sum, sketches merge, gauges sum. */
  merge(other: VariantAggregate): void {
    for (const name of COUNTER_NAMES) this.counts[name] += other.counts[name];
    this.latency.merge(other.latency);
    this.pending += other.pending;
  }

  /**
   * The contract record. `expiredPredictions` counts TTL expiries and evictions alike: both
   * are predictions that never got a label, which is what label coverage measures.
   */
  toMetrics(at: number): VariantMetrics {
    const c = this.counts;
    const expired = c.expiredPredictions + c.evictedPredictions;
    return {
      rolloutId: this.id.rolloutId,
      model: this.id.model,
      variant: this.id.variant,
      role: this.id.role,
      predictions: c.predictions,
      labelled: c.labelled,
      correct: c.correct,
      accuracy: ratio(c.correct, c.labelled),
      meanAbsError: ratio(c.absErrorSum, c.absErrorCount),
      rootMeanSquaredError: null,
      logLoss: null,
      brier: null,
      outcomes: {},
      segments: [],
      errors: c.errors,
      timeouts: c.timeouts,
      errorRate: ratio(c.errors + c.timeouts, c.labelled),
      latencyP50: this.latency.quantile(0.5),
      latencyP95: this.latency.quantile(0.95),
      latencyP99: this.latency.quantile(0.99),
      expiredPredictions: expired,
      pending: this.pending,
      labelCoverage: ratio(c.labelled, c.labelled + expired),
      at,
    };
  }

  /**
   * Checkpoint text: `{"v":1,"k":[rolloutId,model,variant,role],"c":[counters…],"s":sketch}`
   * with the sketch as `LatencySketch.encode` gives it.
   */
  encode(): string {
    const { rolloutId, model, variant, role } = this.id;
    return JSON.stringify({
      v: CHECKPOINT_VERSION,
      k: [rolloutId, model, variant, role],
      c: COUNTER_NAMES.map((n) => this.counts[n]),
      s: this.latency.encode(),
    });
  }

  static decode(key: string, value: string, relativeAccuracy: number): VariantAggregate {
    const { k, c, s } = parseVersionedJson(key, value, CHECKPOINT_VERSION);
    const idOk =
      Array.isArray(k) &&
      k.length === 4 &&
      (k[0] === null || typeof k[0] === 'string') &&
      k.slice(1).every((part) => typeof part === 'string') &&
      ROLES.has(k[3] as string);
    const countsOk =
      Array.isArray(c) &&
      c.length === COUNTER_NAMES.length &&
      c.every((n) => typeof n === 'number' && Number.isFinite(n));
    if (!idOk || !countsOk || !LatencySketch.isEncoded(s)) {
      throw new ChangelogFormatError(key, 'malformed variant metrics checkpoint');
    }
    const [rolloutId, model, variant, role] = k as [string | null, string, string, Role];
    const counts = Object.fromEntries(
      COUNTER_NAMES.map((n, i) => [n, (c as number[])[i]]),
    ) as VariantCounters;
    return new VariantAggregate(
      { rolloutId, model, variant, role },
      relativeAccuracy,
      counts,
      LatencySketch.decode(s, relativeAccuracy),
    );
  }
}
