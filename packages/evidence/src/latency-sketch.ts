/**
 * Latency distribution of one variant in a DDSketch (Masson, Rim & Lee, VLDB 2019): every
 * quantile within relative error α of the exact one, mergeable across partitions and
 * instances, memory bounded by the bin limit. The collapsing-lowest variant gives up accuracy
 * only on the smallest values once more than `LATENCY_SKETCH_BIN_LIMIT` bins are needed, which
 * keeps the high quantiles that guardrails look at within α.
 */
import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';

/** At α = 1 % this spans a ratio of ≈ 7.7·10⁸ between the smallest and largest latency. */
export const LATENCY_SKETCH_BIN_LIMIT = 1024;

/**
 * Checkpoint form: `[zeroCount, positive bins, negative bins]`, each bins list flat as
 * `[key, count, Δkey, count, …]` over the non-empty bins in ascending key order.
 *
 * Why not the library's `toProto`: for a dense store it writes every bin of the contiguous key
 * range as an 8-byte double (≈ 11 KiB of base64 at the bin limit), and its bytes follow the
 * store's internal layout, so a restored sketch would not re-encode to the same bytes. This
 * form lists only non-empty bins and depends on nothing but their counts.
 */
export type EncodedSketch = [zeroCount: number, positive: number[], negative: number[]];

interface BinStore {
  readonly bins: readonly number[];
  readonly offset: number;
  readonly count: number;
}

function encodeBins(store: BinStore): number[] {
  const flat: number[] = [];
  if (store.count === 0) return flat;
  let previousKey = 0;
  store.bins.forEach((count, index) => {
    if (count === 0) return;
    const key = index + store.offset;
    flat.push(flat.length === 0 ? key : key - previousKey, count);
    previousKey = key;
  });
  return flat;
}

export class LatencySketch {
  private readonly sketch: LogCollapsingLowestDenseDDSketch;

  constructor(readonly relativeAccuracy: number) {
    this.sketch = new LogCollapsingLowestDenseDDSketch({
      relativeAccuracy,
      binLimit: LATENCY_SKETCH_BIN_LIMIT,
    });
  }

  get count(): number {
    return this.sketch.count;
  }

  add(latencyMs: number): void {
    this.sketch.accept(latencyMs);
  }

  /** The q-quantile, or null when the sketch is empty. */
  quantile(q: number): number | null {
    return this.sketch.count === 0 ? null : this.sketch.getValueAtQuantile(q);
  }

  merge(other: LatencySketch): void {
    this.sketch.merge(other.sketch);
  }

  /**
   * Values in bins above the bin of `thresholdMs`: "slower than the threshold" at the sketch's
   * resolution. A value in the threshold's own bin is not counted, so the comparison is exact
   * against the threshold rounded to its bin's upper bound (within the relative accuracy), and
   * the same whether counted on one sketch or summed over many (bins do not depend on merging).
   */
  countAbove(thresholdMs: number): number {
    if (this.sketch.count === 0) return 0;
    if (thresholdMs <= 0) return this.sketch.count - this.sketch.zeroCount;
    const { store, mapping } = this.sketch;
    const thresholdKey = mapping.key(thresholdMs);
    let above = 0;
    store.bins.forEach((count, index) => {
      if (count > 0 && index + store.offset > thresholdKey) above += count;
    });
    return above;
  }

  encode(): EncodedSketch {
    const { zeroCount, store, negativeStore } = this.sketch;
    return [zeroCount, encodeBins(store), encodeBins(negativeStore)];
  }

  /**
   * Rebuilds a sketch from `encode` output by accepting each bin's representative value with
   * the bin's count; `mapping.key(mapping.value(k)) === k` holds for every key of the
   * logarithmic mapping (checked in the tests), so each count lands in its original bin and
   * the restored sketch answers every quantile exactly like the saved one.
   */
  static decode(encoded: EncodedSketch, relativeAccuracy: number): LatencySketch {
    const restored = new LatencySketch(relativeAccuracy);
    const { sketch } = restored;
    const [zeroCount, positive, negative] = encoded;
    const replay = (flat: readonly number[], sign: 1 | -1): void => {
      let key = 0;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        key = i === 0 ? (flat[0] as number) : key + (flat[i] as number);
        sketch.accept(sign * sketch.mapping.value(key), flat[i + 1] as number);
      }
    };
    replay(positive, 1);
    replay(negative, -1);
    if (zeroCount > 0) sketch.accept(0, zeroCount);
    return restored;
  }

  /** True when `value` has the shape `encode` produces. */
  static isEncoded(value: unknown): value is EncodedSketch {
    const isBins = (bins: unknown): boolean =>
      Array.isArray(bins) &&
      bins.length % 2 === 0 &&
      bins.every((n, i) => Number.isInteger(n) && (i % 2 === 0 || (n as number) > 0));
    return (
      Array.isArray(value) &&
      value.length === 3 &&
      typeof value[0] === 'number' &&
      value[0] >= 0 &&
      isBins(value[1]) &&
      isBins(value[2])
    );
  }
}
