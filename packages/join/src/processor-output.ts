/**
 * What one `process`, `punctuate` or `init` call produced, as data. The shell writes the
 * evaluations, the shadow pairs, the changelog entries (and the metrics snapshot, if any) and
 * the consumed offsets in one Kafka transaction; `expired` and `ignored` are for logs and
 * counters.
 */
import type { Evaluation, Role } from '@kanary/contracts';
import type { LabelledPairInput, OutputPairInput } from '@kanary/evidence';
import type { ChangelogEntry } from './changelog.js';
import type { ExpiryReason } from './expiry-reason.js';
import type { MetricsSnapshot } from './metrics-aggregator.js';

export interface ExpiredPrediction {
  readonly kind: 'prediction';
  readonly reason: ExpiryReason;
  readonly requestId: string;
  readonly model: string;
  readonly rolloutId: string | null;
  readonly variant: string;
  readonly role: Role;
  readonly served: boolean;
  readonly predictedAt: number;
  /** The `now` at which it was dropped. */
  readonly at: number;
}

export interface ExpiredLabel {
  readonly kind: 'label';
  readonly reason: ExpiryReason;
  readonly requestId: string;
  readonly model: string;
  readonly labeledAt: number;
  /**
   * True only for an evicted label that had already been matched (late predictions for it will
   * now wait and expire). A matched label reaching its TTL is retired silently: it did its job.
   */
  readonly matched: boolean;
  readonly at: number;
}

export type ExpiredItem = ExpiredPrediction | ExpiredLabel;

export const IgnoreReason = {
  /** Same requestId and variant already seen (prediction), or a label already held (label). */
  DUPLICATE: 'DUPLICATE',
  /** The requestId starts with U+0000, which the changelog reserves for its own keys. */
  RESERVED_KEY: 'RESERVED_KEY',
} as const;
export type IgnoreReason = (typeof IgnoreReason)[keyof typeof IgnoreReason];

export interface IgnoredRecord {
  readonly kind: 'prediction' | 'label';
  readonly reason: IgnoreReason;
  readonly requestId: string;
  readonly model: string;
  /** The prediction's variant; null for labels. */
  readonly variant: string | null;
}

/**
 * A stable answer and a shadow copy's answer to the same request, compared without a label
 * (see shadow-pairing.ts for what pairs): the evidence's input, and the request it came from.
 * A failed answer (status not OK) counts as the output null.
 */
export interface OutputPair extends OutputPairInput {
  readonly requestId: string;
}

/** The same two answers, once both were evaluated against the label. */
export interface LabelledPair extends LabelledPairInput {
  readonly requestId: string;
}

export interface ProcessorOutput {
  /** One per newly matched prediction, in match order. */
  readonly evaluations: readonly Evaluation[];
  /** One per shadow pair, when the later of its two predictions arrived. */
  readonly outputPairs: readonly OutputPair[];
  /** One per shadow pair, when the later of its two evaluations was produced. */
  readonly labelledPairs: readonly LabelledPair[];
  /** At most one entry per key, in order of first change. */
  readonly changelog: readonly ChangelogEntry[];
  readonly expired: readonly ExpiredItem[];
  readonly ignored: readonly IgnoredRecord[];
  /** Set by `punctuate` when a snapshot was due. */
  readonly metrics: MetricsSnapshot | null;
}
