/**
 * What the join holds for one requestId. An entry is in one of two shapes:
 * - waiting predictions (no label yet), each with its own deadline;
 * - a label, unmatched or matched, with the variants already evaluated against it (so a
 *   duplicate prediction is counted once, a late shadow prediction still finds the label, and
 *   a late partner of a shadow pair still finds its counterpart's answer).
 * Predictions never wait beside a label: one that arrives while a label is held is matched at
 * once.
 */
import type { PredictionStatus, Role } from '@kanary/contracts';
import type { ClassScores } from './probability-scores.js';
import type { StoredText } from './stored-text.js';

/** A label's named numeric outcomes. */
export type Outcomes = Readonly<Record<string, number>>;

/** A prediction waiting for its label: only the fields an evaluation or a metric needs. */
export interface PendingPrediction {
  readonly variant: string;
  readonly model: string;
  readonly rolloutId: string | null;
  readonly role: Role;
  readonly served: boolean;
  readonly output: StoredText | null;
  readonly latencyMs: number;
  readonly status: PredictionStatus;
  readonly predictedAt: number;
  readonly expiresAt: number;
  /** Class probabilities, scored against the label (log-loss, Brier); null: none. */
  readonly scores: ClassScores | null;
  /** The request's segment, carried into the evaluation; null: none. */
  readonly segment: string | null;
}

/**
 * What a held label keeps of a prediction evaluated against it, so that its partner in a shadow
 * pair (see shadow-pairing.ts) arriving later can still be compared with it.
 */
export interface PairingDetails {
  readonly role: Role;
  readonly served: boolean;
  readonly rolloutId: string;
  readonly predictedAt: number;
  readonly correct: boolean;
  /** The output as stored; null when the call failed (status not OK) or returned none. */
  readonly output: StoredText | null;
}

export interface EvaluatedVariant {
  readonly variant: string;
  /**
   * Null when the prediction can never be part of a pair (neither a served stable nor an
   * unserved shadow, or no rollout), and for variants restored from a version-1 entry, which
   * did not keep these details: such variants produce no pairs.
   */
  readonly pairing: PairingDetails | null;
}

export interface HeldLabel {
  readonly model: string;
  readonly label: StoredText;
  readonly labeledAt: number;
  /** The label's named outcomes, carried into every evaluation against it; null: none. */
  readonly outcomes: Outcomes | null;
  /** Unmatched: when it expires unseen. Matched: TTL after the latest match. */
  readonly expiresAt: number;
  readonly matched: boolean;
  /** Variants already evaluated against this label, in evaluation order. */
  readonly evaluated: readonly EvaluatedVariant[];
}

export type JoinEntry =
  | { readonly kind: 'predictions'; readonly predictions: readonly PendingPrediction[] }
  | { readonly kind: 'label'; readonly label: HeldLabel };

/** The entry's next deadline: the earliest of its items'. */
export function entryExpiresAt(entry: JoinEntry): number {
  if (entry.kind === 'label') return entry.label.expiresAt;
  let earliest = Infinity;
  for (const p of entry.predictions) earliest = Math.min(earliest, p.expiresAt);
  return earliest;
}
