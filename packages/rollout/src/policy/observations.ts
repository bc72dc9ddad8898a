/**
 * What the policy judges: plain counts, already filtered by the rules that make the two arms
 * comparable (the decision service's per-rollout statistics produce them). Keeping `decide` a
 * function of counts makes it table-testable with literal inputs and lets an offline replay run
 * the very same code.
 *
 * Counting rules the producer guarantees (ARCHITECTURE §3):
 * - Maturity: a prediction counts only once it is `labelMaturityMs` old, and only if its label
 *   arrived within `labelMaturityMs` of it — the same rule for both arms, so an arm whose
 *   predictions are younger is not judged on the subset that happened to be labelled first.
 * - Concurrent control: in canary mode the stable arm counts only predictions made since the
 *   canary began serving; in shadow mode both arms count from the rollout's start.
 */
import type { DisagreementCounts, MeanMoments, PairedCounts } from '@kanary/stats';

/**
 * Mean-based metrics of labelled predictions by key: `absError`, `squaredError`, `logLoss`,
 * `brier`, `outcome:<name>` (see @kanary/evidence). A key that is absent has no values.
 */
export type MeanCounts = Readonly<Record<string, MeanMoments>>;

/** The counts of one segment of an arm over a window (mature, labelled within the window). */
export interface SegmentCounts {
  readonly labelled: number;
  readonly correct: number;
  readonly errors: number;
  /** Mean-based metrics of the segment, absError included. */
  readonly means: MeanCounts;
}

/** Counts of one arm over a window. */
export interface ArmCounts {
  /** Routed requests (served, or shadow copies) old enough for their labels to have matured. */
  readonly routed: number;
  /** Mature predictions labelled within the maturity window. */
  readonly labelled: number;
  /** Correct among `labelled`. */
  readonly correct: number;
  /** ERROR or TIMEOUT among `labelled`. */
  readonly errors: number;
  /** Among `labelled`, those that arrived after the latency threshold was fixed. */
  readonly timed: number;
  /** Among `timed`, slower than the latency threshold. */
  readonly slow: number;
  /** Mean-based metrics over `labelled`, absError included. @default none */
  readonly means?: MeanCounts;
  /** Per-segment counts of the labelled predictions that carry a segment. @default none */
  readonly segments?: Readonly<Record<string, SegmentCounts>>;
}

/** Per-arm counts plus the labelled shadow pairs of the same window. */
export interface WindowCounts {
  readonly stable: ArmCounts;
  /** The canary: served canary requests in canary mode, its shadow copies in shadow mode. */
  readonly canary: ArmCounts;
  /** Labelled pairs (shadow mode: both variants answered the same request); zero in canary mode. */
  readonly pairs: PairedCounts;
}

/** The latency threshold, fixed once from the stable arm's reference window. */
export interface LatencyThreshold {
  /** maxRatio × the reference quantile, in ms; never moves once set. */
  readonly thresholdMs: number;
  /** The stable arm's quantile over the reference window, in ms. */
  readonly referenceMs: number;
  /** Stable samples in the reference window. */
  readonly referenceSamples: number;
}

/** Everything {@link decide} needs besides the state, the clock and the policy. */
export interface RolloutObservations {
  /** Since the comparison began (canary mode: since the canary began serving; shadow: since start). */
  readonly comparison: WindowCounts;
  /** When the comparison began, epoch ms. */
  readonly comparisonStartedAt: number;
  /**
   * Since the current evaluation window began: the step's start, or later when the rollout was
   * resumed or its weight changed by hand. Step minimum and label coverage are judged here.
   */
  readonly window: WindowCounts;
  /** When the window began, epoch ms; the step timeout runs from it. */
  readonly windowStartedAt: number;
  /**
   * Assignment units (distinct routing keys, or requests when there is no key) per arm routed in
   * the window, mature or not: the sample-ratio-mismatch check. Null when the requests were not
   * split by this rollout's weights, so there is no configured split to check them against (an
   * offline replay of recorded traffic); the check is then not applicable.
   */
  readonly windowUnits: { readonly stable: number; readonly canary: number } | null;
  /**
   * The canary's expected share of the two arms' units when the stable does not serve all the
   * rest: an A/B/n candidate at weight w beside a stable serving s expects w / (w + s).
   * @default the canary weight (the stable serves everything else)
   */
  readonly canaryShare?: number;
  /** Null while the stable reference window is still filling. */
  readonly latencyThreshold: LatencyThreshold | null;
  /** Stable samples collected towards the latency reference so far. */
  readonly latencyReferenceCollected: number;
  /**
   * Label-free agreement of the canary's shadow outputs with the stable's on the same requests;
   * null when not measured (predictions not fed, numeric labels seen, or canary mode).
   */
  readonly agreement: DisagreementCounts | null;
  /**
   * The segments seen in the comparison, in order of first appearance (earliest event-time
   * bucket, then name): the order in which segments get their share of the error level.
   * @default none
   */
  readonly segmentOrder?: readonly string[];
}
