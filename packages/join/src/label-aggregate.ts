/**
 * Label counters per model. A label names no rollout or variant, so labels that never meet a
 * prediction can only be counted per model; `VariantMetrics` has no place for them and they
 * are reported beside it.
 */
import { ChangelogFormatError } from './changelog-format-error.js';
import { ExpiryReason } from './expiry-reason.js';
import { parseVersionedJson } from './versioned-json.js';

export interface LabelMetrics {
  readonly model: string;
  /** Distinct labels seen. */
  readonly labels: number;
  /** Labels ignored because one for the same requestId was already held. */
  readonly duplicateLabels: number;
  /** Labels that waited `ttlMs` without a prediction. */
  readonly expiredLabels: number;
  /** Unmatched labels dropped early because the store was full. */
  readonly evictedLabels: number;
  /** Labels waiting for their first prediction now. */
  readonly pendingLabels: number;
  readonly at: number;
}

const COUNTER_NAMES = ['labels', 'duplicateLabels', 'expiredLabels', 'evictedLabels'] as const;
type LabelCounters = Record<(typeof COUNTER_NAMES)[number], number>;
const CHECKPOINT_VERSION = 1;

export class LabelAggregate {
  private readonly counts: LabelCounters;
  /** Unmatched labels held now; a gauge, rebuilt from the store on restore. */
  pending = 0;

  constructor(
    readonly model: string,
    counts?: LabelCounters,
  ) {
    this.counts = counts ?? { labels: 0, duplicateLabels: 0, expiredLabels: 0, evictedLabels: 0 };
  }

  recordLabel(): void {
    this.counts.labels += 1;
  }

  recordDuplicate(): void {
    this.counts.duplicateLabels += 1;
  }

  recordExpiry(reason: ExpiryReason): void {
    if (reason === ExpiryReason.EVICTED) this.counts.evictedLabels += 1;
    else this.counts.expiredLabels += 1;
  }

  merge(other: LabelAggregate): void {
    for (const name of COUNTER_NAMES) this.counts[name] += other.counts[name];
    this.pending += other.pending;
  }

  toMetrics(at: number): LabelMetrics {
    return { model: this.model, ...this.counts, pendingLabels: this.pending, at };
  }

  /** Checkpoint text: `{"v":1,"m":model,"c":[labels,duplicates,expired,evicted]}`. */
  encode(): string {
    return JSON.stringify({
      v: CHECKPOINT_VERSION,
      m: this.model,
      c: COUNTER_NAMES.map((n) => this.counts[n]),
    });
  }

  static decode(key: string, value: string): LabelAggregate {
    const { m, c } = parseVersionedJson(key, value, CHECKPOINT_VERSION);
    if (
      typeof m !== 'string' ||
      !Array.isArray(c) ||
      c.length !== COUNTER_NAMES.length ||
      !c.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)
    ) {
      throw new ChangelogFormatError(key, 'malformed label metrics checkpoint');
    }
    const counts = Object.fromEntries(
      COUNTER_NAMES.map((n, i) => [n, (c as number[])[i]]),
    ) as LabelCounters;
    return new LabelAggregate(m, counts);
  }
}
