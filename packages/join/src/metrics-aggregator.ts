/**
 * Per-variant and per-model metrics of one processor, with the changelog checkpoints that let
 * them survive a restart.
 *
 * Durability choice: counters and sketches are checkpointed into the join's changelog by
 * `checkpoint()`, which the shell calls (through `JoinProcessor.flush`) right before every
 * commit, so the metrics state restored after a crash is exactly the one matching the
 * committed offsets — replayed records are then counted once. Cost: one entry per aggregate
 * touched since the previous commit (a few hundred bytes plus the sketch, ≤ ~8 KiB at
 * α = 1 %), not one per record. Pending gauges are not checkpointed: they are recomputed from
 * the restored store. Evaluations stay the exactly-once source of truth; the published
 * snapshots are dashboards.
 */
import type { PredictionStatus, VariantMetrics } from '@kanary/contracts';
import { labelMetricsKey, variantMetricsKey, type TextChangelogEntry } from './changelog.js';
import type { ExpiryReason } from './expiry-reason.js';
import { LabelAggregate, type LabelMetrics } from './label-aggregate.js';
import {
  VariantAggregate,
  variantIdText,
  type MeteredEvaluation,
  type VariantId,
} from './variant-aggregate.js';

/** One metrics snapshot: cumulative since the join state began (restores included). */
export interface MetricsSnapshot {
  readonly at: number;
  /** One record per rollout × model × variant × role, ordered by that identity. */
  readonly variants: readonly VariantMetrics[];
  /** One record per model, ordered by model. */
  readonly labels: readonly LabelMetrics[];
}

/** What the aggregator needs to know of a prediction. */
export interface MeteredPrediction extends VariantId {
  readonly latencyMs: number;
  readonly status: PredictionStatus;
}

const VARIANT_KEY_PREFIX = variantMetricsKey('');
const LABEL_KEY_PREFIX = labelMetricsKey('');

function byKey<T>(map: ReadonlyMap<string, T>): T[] {
  return [...map.keys()].sort().map((k) => map.get(k) as T);
}

export class MetricsAggregator {
  private readonly variants = new Map<string, VariantAggregate>();
  private readonly labels = new Map<string, LabelAggregate>();
  private readonly dirtyVariants = new Set<string>();
  private readonly dirtyLabels = new Set<string>();
  private byVariant: Map<string, Array<readonly [string, VariantAggregate]>> | undefined;

  constructor(private readonly relativeAccuracy: number) {}

  /** True when `key` is one of this aggregator's checkpoint keys. */
  static owns(key: string): boolean {
    return key.startsWith(VARIANT_KEY_PREFIX) || key.startsWith(LABEL_KEY_PREFIX);
  }

  onPrediction(p: MeteredPrediction): void {
    this.variant(p, true).recordPrediction(p.latencyMs);
  }

  onDuplicatePrediction(p: VariantId): void {
    this.variant(p, true).recordDuplicate();
  }

  /** An evaluation of a variant (an `Evaluation` has it all). */
  onEvaluation(e: VariantId & MeteredEvaluation): void {
    this.variant(e, true).recordEvaluation(e);
  }

  onPredictionExpired(p: VariantId, reason: ExpiryReason): void {
    this.variant(p, true).recordExpiry(reason);
  }

  onPendingPredictions(p: VariantId, delta: number): void {
    this.variant(p, false).pending += delta;
  }

  onLabel(model: string): void {
    this.label(model, true).recordLabel();
  }

  onDuplicateLabel(model: string): void {
    this.label(model, true).recordDuplicate();
  }

  onLabelExpired(model: string, reason: ExpiryReason): void {
    this.label(model, true).recordExpiry(reason);
  }

  onPendingLabels(model: string, delta: number): void {
    this.label(model, false).pending += delta;
  }

  snapshot(at: number): MetricsSnapshot {
    return {
      at,
      variants: byKey(this.variants).map((v) => v.toMetrics(at)),
      labels: byKey(this.labels).map((l) => l.toMetrics(at)),
    };
  }

  /** Changelog entries for every aggregate changed since the previous call. */
  checkpoint(): TextChangelogEntry[] {
    const entries: TextChangelogEntry[] = [];
    for (const id of [...this.dirtyVariants].sort()) {
      const value = (this.variants.get(id) as VariantAggregate).encode();
      entries.push({ key: variantMetricsKey(id), value });
    }
    for (const model of [...this.dirtyLabels].sort()) {
      const value = (this.labels.get(model) as LabelAggregate).encode();
      entries.push({ key: labelMetricsKey(model), value });
    }
    this.dirtyVariants.clear();
    this.dirtyLabels.clear();
    return entries;
  }

  /** Applies one checkpoint entry (a key for which `owns` is true). */
  restore(key: string, value: string | null): void {
    if (key.startsWith(VARIANT_KEY_PREFIX)) {
      const id = key.slice(VARIANT_KEY_PREFIX.length);
      this.byVariant = undefined;
      if (value === null) this.variants.delete(id);
      else this.variants.set(id, VariantAggregate.decode(key, value, this.relativeAccuracy));
    } else {
      const model = key.slice(LABEL_KEY_PREFIX.length);
      if (value === null) this.labels.delete(model);
      else this.labels.set(model, LabelAggregate.decode(key, value));
    }
  }

  /** Predictions and unmatched labels waiting now, over every series. */
  pendingTotals(): { predictions: number; labels: number } {
    let predictions = 0;
    let labels = 0;
    for (const v of this.variants.values()) predictions += v.pending;
    for (const l of this.labels.values()) labels += l.pending;
    return { predictions, labels };
  }

  /** Zeroes the pending gauges, before they are recomputed from a restored store. */
  resetGauges(): void {
    for (const v of this.variants.values()) v.pending = 0;
    for (const l of this.labels.values()) l.pending = 0;
  }

  /**
   * One snapshot over several processors, e.g. the partitions one instance owns: counters sum
   * and sketches merge, which is exact for DDSketch.
   */
  static combine(aggregators: Iterable<MetricsAggregator>, at: number): MetricsSnapshot {
    let total: MetricsAggregator | undefined;
    for (const part of aggregators) {
      total ??= new MetricsAggregator(part.relativeAccuracy);
      for (const v of part.variants.values()) total.variant(v.id, false).merge(v);
      for (const [model, l] of part.labels) total.label(model, false).merge(l);
    }
    return total?.snapshot(at) ?? { at, variants: [], labels: [] };
  }

  private variant(id: VariantId, dirty: boolean): VariantAggregate {
    const found = this.lookup(id);
    if (found !== undefined) {
      if (dirty) this.dirtyVariants.add(found[0]);
      return found[1];
    }
    const text = variantIdText(id);
    const { rolloutId, model, variant, role } = id;
    const aggregate = new VariantAggregate(
      { rolloutId, model, variant, role },
      this.relativeAccuracy,
    );
    const index = this.indexed();
    const sameName = index.get(variant);
    if (sameName === undefined) index.set(variant, [[text, aggregate]]);
    else sameName.push([text, aggregate]);
    this.variants.set(text, aggregate);
    // A new aggregate is checkpointed even when only a gauge created it, so that the
    // checkpointed set of series matches the live one.
    this.dirtyVariants.add(text);
    return aggregate;
  }

  /**
   * The aggregate of `id` and its identity text, found without building the text: that is a
   * `JSON.stringify` per record, which showed in the evaluator's profile (bench/RESULTS.md).
   */
  private lookup(id: VariantId): readonly [string, VariantAggregate] | undefined {
    for (const entry of this.indexed().get(id.variant) ?? []) {
      const known = entry[1].id;
      if (known.rolloutId === id.rolloutId && known.model === id.model && known.role === id.role) {
        return entry;
      }
    }
    return undefined;
  }

  /** `variants` by variant name; rebuilt after a restore changed them. */
  private indexed(): Map<string, Array<readonly [string, VariantAggregate]>> {
    if (this.byVariant === undefined) {
      this.byVariant = new Map();
      for (const entry of this.variants) {
        const list = this.byVariant.get(entry[1].id.variant);
        if (list === undefined) this.byVariant.set(entry[1].id.variant, [entry]);
        else list.push(entry);
      }
    }
    return this.byVariant;
  }

  private label(model: string, dirty: boolean): LabelAggregate {
    let aggregate = this.labels.get(model);
    if (aggregate === undefined) {
      aggregate = new LabelAggregate(model);
      this.labels.set(model, aggregate);
      this.dirtyLabels.add(model);
    }
    if (dirty) this.dirtyLabels.add(model);
    return aggregate;
  }
}
