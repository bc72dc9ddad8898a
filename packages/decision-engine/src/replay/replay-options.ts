import type { JoinConfigInput } from '@kanary/join';
import type { PolicyInput } from '@kanary/rollout';

/** Settings of an offline replay; every field is optional. */
export interface ReplayOptions {
  /**
   * The rollout policy judged, as a START would carry it; fields left out take the built-in
   * defaults. @default {} (the built-in defaults)
   */
  readonly policy?: PolicyInput;
  /**
   * Judge every this many ms of data time (and once at the end). @default 5_000 (the decision
   * service's DECISION_INTERVAL_MS)
   */
  readonly intervalMs?: number;
  /**
   * How late (ms of data time behind the newest event) an event may come in the file and still
   * be put in timestamp order; later ones are applied at the current clock and counted.
   * @default 60_000 (1 min)
   */
  readonly reorderSlackMs?: number;
  /** Events held for reordering at most (memory bound). @default 1_000_000 */
  readonly maxReorderEvents?: number;
  /**
   * The evaluator's join settings (numeric tolerance, store limit, TTL). @default the
   * evaluator's defaults, except the TTL: the policy's label maturity window plus the reordering
   * slack (a label later than the window cannot count; it is reported as unmatched), or the
   * evaluator's 7 days when the window is 0
   */
  readonly join?: JoinConfigInput;
  /** Invalid lines listed with their message; the rest are only counted. @default 20 */
  readonly maxListedIssues?: number;
}
