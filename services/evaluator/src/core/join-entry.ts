/**
 * What the join holds for one requestId. An entry is in one of two shapes:
 * - waiting predictions (no label yet), each with its own deadline;
 * - a label, unmatched or matched, with the variants already evaluated against it (so a
 *   duplicate prediction is counted once and a late shadow prediction still finds the label).
 * Predictions never wait beside a label: one that arrives while a label is held is matched at
 * once.
 */
import type { PredictionStatus, Role } from '@kanary/contracts';
import type { StoredText } from './stored-text.js';

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
}

export interface HeldLabel {
  readonly model: string;
  readonly label: StoredText;
  readonly labeledAt: number;
  /** Unmatched: when it expires unseen. Matched: TTL after the latest match. */
  readonly expiresAt: number;
  readonly matched: boolean;
  /** Variants already evaluated against this label, in evaluation order. */
  readonly evaluated: readonly string[];
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
