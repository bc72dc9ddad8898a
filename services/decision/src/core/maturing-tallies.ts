/**
 * Counts that become visible only once mature, in constant memory per rollout.
 *
 * Every observation has a time (a prediction's `predictedAt`, a routed request's `routedAt`) and
 * goes into the bucket of that time. A bucket is mature once its END is `maturityMs` in the past
 * at the latest clock seen (`advance(now)`), so every prediction in it has had the full window
 * for its label. Mature buckets are folded into three running totals and dropped:
 *
 * - `sinceStart`: everything since the rollout started (shadow-mode comparisons);
 * - `sinceComparison`: buckets starting at or after the comparison start — when the canary began
 *   serving — so the stable arm is counted over the same time as the canary (concurrent control);
 * - `window`: buckets starting at or after the current evaluation window (step start, resume,
 *   manual weight change); reset when the window moves.
 *
 * An observation whose bucket is already mature goes straight into the totals it belongs to.
 * Only immature buckets are kept, about maturityMs / bucketMs + 1 of them (the bucket width is
 * chosen from the maturity window, see {@link bucketWidthMs}), capped at {@link MAX_LIVE_BUCKETS}
 * against clock skew. A bucket straddling a boundary belongs to the earlier side, for both arms
 * alike. Deterministic: the totals depend only on the sequence of calls.
 */
import { addTally, emptyTally, type Tally } from './tally.js';

/** Immature buckets kept at most; observations that would open more are dropped (and counted). */
export const MAX_LIVE_BUCKETS = 4_096;

const WIDTHS_MS = [1_000, 5_000, 15_000, 60_000, 300_000, 900_000, 3_600_000];

/**
 * The widest of 1 s, 5 s, 15 s, 1 min, 5 min, 15 min and 1 h that is at most 1/30 of the maturity
 * window: a bucket then delays counting by at most ~3 % of the window, and about 30–60 buckets
 * are live (≤ 170 for a week-long window).
 */
export function bucketWidthMs(maturityMs: number): number {
  let width = WIDTHS_MS[0] ?? 1_000;
  for (const candidate of WIDTHS_MS) if (candidate * 30 <= maturityMs) width = candidate;
  return width;
}

export class MaturingTallies {
  readonly sinceStart: Tally = emptyTally();
  readonly sinceComparison: Tally = emptyTally();
  window: Tally = emptyTally();
  readonly bucketMs: number;
  private readonly live = new Map<number, Tally>();
  private clock = Number.NEGATIVE_INFINITY;
  private comparisonStart: number | null = null;
  private windowStart: number;
  /** Observations dropped because too many immature buckets were open. */
  dropped = 0;

  constructor(
    private readonly maturityMs: number,
    windowStartedAt: number,
  ) {
    this.bucketMs = bucketWidthMs(maturityMs);
    this.windowStart = windowStartedAt;
  }

  /** When the comparison began (null until known); it is set once. */
  get comparisonStartedAt(): number | null {
    return this.comparisonStart;
  }

  get windowStartedAt(): number {
    return this.windowStart;
  }

  /**
   * Applies `update` to the tally of the bucket of `time`: the live bucket, or the totals it
   * belongs to when it is already mature. Returns false when the observation was dropped.
   */
  record(time: number, update: (tally: Tally) => void): boolean {
    const key = Math.floor(time / this.bucketMs);
    if (this.isMature(key)) {
      for (const total of this.totalsFor(key)) update(total);
      return true;
    }
    let bucket = this.live.get(key);
    if (bucket === undefined) {
      if (this.live.size >= MAX_LIVE_BUCKETS) {
        this.dropped += 1;
        return false;
      }
      bucket = emptyTally();
      this.live.set(key, bucket);
    }
    update(bucket);
    return true;
  }

  /** Moves the clock to `now` (never back) and folds every bucket that became mature. */
  advance(now: number): void {
    if (now <= this.clock) return;
    this.clock = now;
    for (const [key, bucket] of this.live) {
      if (!this.isMature(key)) continue;
      for (const total of this.totalsFor(key)) addTally(total, bucket);
      this.live.delete(key);
    }
  }

  /** Sets the comparison start once (later calls are ignored: it never moves). */
  setComparisonStart(startedAt: number): void {
    if (this.comparisonStart === null) this.comparisonStart = startedAt;
  }

  /** Starts a new evaluation window at `startedAt` if that is later than the current one. */
  setWindowStart(startedAt: number): void {
    if (startedAt <= this.windowStart) return;
    this.windowStart = startedAt;
    this.window = emptyTally();
  }

  private isMature(key: number): boolean {
    return this.maturityMs === 0 || (key + 1) * this.bucketMs + this.maturityMs <= this.clock;
  }

  private totalsFor(key: number): Tally[] {
    const start = key * this.bucketMs;
    const totals = [this.sinceStart];
    if (this.comparisonStart !== null && start >= this.comparisonStart) {
      totals.push(this.sinceComparison);
    }
    if (start >= this.windowStart) totals.push(this.window);
    return totals;
  }
}
