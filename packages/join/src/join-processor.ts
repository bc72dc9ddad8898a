/**
 * The evaluator's join as a Kafka Streams-style processor: pure, clock passed in, outputs
 * returned as data. One instance owns one input partition (predictions and labels are
 * co-partitioned by requestId). Life cycle:
 *
 *   new JoinProcessor(config) → restore(changelog)* → init({ now }) →
 *     (process(record, now) | punctuate(now) | flush())* → close()
 *
 * Semantics:
 * - Either side may arrive first. Every distinct prediction (requestId × variant) is matched
 *   to the label once, so a stable and its shadows each yield one evaluation.
 * - A duplicate prediction (same requestId and variant, pending or already evaluated) and a
 *   duplicate label (a label for a requestId whose label is still held) are ignored: the first
 *   one wins, and the ignore is reported in `ignored`.
 * - A matched label is kept `ttlMs` after its latest match so that late shadow predictions
 *   still find it; only then can a repeated label or prediction count again.
 * - Unmatched items expire `ttlMs` after they were processed (processing time: producers'
 *   clocks and imported labels' timestamps are not trusted for deadlines). Expiry happens in
 *   `punctuate`, oldest deadline first, ties by requestId.
 * - A served stable and an unserved shadow prediction of one request and rollout form a shadow
 *   pair, emitted once as an `OutputPair` (when the later prediction arrives) and once as a
 *   `LabelledPair` (when the later evaluation is produced); see shadow-pairing.ts.
 * - ERROR/TIMEOUT predictions are evaluated like any other (correct=false, absError=null), so
 *   failure rates are visible per labelled request.
 * - The label's model is not checked against the prediction's: requestIds are unique across
 *   models, and the evaluation carries the prediction's model.
 *
 * Determinism: outputs are a function of the (restored) state and the sequence of calls with
 * their `now`. The shell must call `flush()` before every commit and write its entries with
 * the call's changelog; a processor restored from the changelog as of any commit then produces
 * exactly what an uninterrupted one would.
 */
import type { Evaluation, GroundTruthLabel, Prediction } from '@kanary/contracts';
import { ChangelogFormatError } from './changelog-format-error.js';
import {
  SNAPSHOT_SCHEDULE_KEY,
  changelogText,
  isReservedKey,
  type ChangelogEntry,
} from './changelog.js';
import { classify } from './classify.js';
import { encodeEntryBytes, isEntryBytes } from './entry-binary.js';
import { decodeEntry, readStoredEntry } from './entry-codec.js';
import { ExpiryReason } from './expiry-reason.js';
import { parseJoinConfig, type JoinConfig, type JoinConfigInput } from './join-config.js';
import {
  entryExpiresAt,
  type EvaluatedVariant,
  type HeldLabel,
  type JoinEntry,
  type PendingPrediction,
} from './join-entry.js';
import type { JoinInput } from './join-input.js';
import {
  evaluationRecord,
  expiredLabelRecord,
  expiredPredictionRecord,
  ignoredRecord,
} from './join-records.js';
import type { JoinStore } from './join-store.js';
import { InMemoryJoinStore } from './memory-join-store.js';
import { MetricsAggregator } from './metrics-aggregator.js';
import { OutputCollector } from './output-collector.js';
import { IgnoreReason, type ProcessorOutput } from './processor-output.js';
import { evaluatedVariant, pairOnLabel, pairWithHeld, pairWithWaiting } from './shadow-pairing.js';
import { decodeSnapshotSchedule, encodeSnapshotSchedule } from './snapshot-schedule.js';
import { storeText } from './stored-text.js';

export interface ProcessorContext {
  /** Current time, epoch ms; starts the metrics schedule when none was restored. */
  readonly now: number;
}

export interface JoinProcessorOptions {
  /** Where pending state lives; defaults to a fresh `InMemoryJoinStore` owned by the processor. */
  readonly store?: JoinStore;
}

export interface JoinStats {
  /** requestIds held (pending predictions, pending labels, matched labels kept for late ones). */
  readonly entries: number;
  readonly pendingPredictions: number;
  readonly pendingLabels: number;
  readonly approximateBytes: number;
}

type Phase = 'restoring' | 'running' | 'closed';

export class JoinProcessor {
  readonly config: JoinConfig;
  /** Cumulative metrics; `MetricsAggregator.combine` merges several processors'. */
  readonly metrics: MetricsAggregator;
  private readonly store: JoinStore;
  private readonly ownsStore: boolean;
  private phase: Phase = 'restoring';
  private nextSnapshotAt: number | null = null;
  private scheduleChanged = false;

  constructor(config: JoinConfigInput = {}, options: JoinProcessorOptions = {}) {
    this.config = parseJoinConfig(config);
    this.metrics = new MetricsAggregator(this.config.latencyRelativeAccuracy);
    this.ownsStore = options.store === undefined;
    this.store = options.store ?? new InMemoryJoinStore();
  }

  /** Applies changelog entries in log order (later ones win); call before `init`, in batches. */
  restore(entries: Iterable<ChangelogEntry>): void {
    this.expectPhase('restoring', 'restore');
    for (const { key, value } of entries) {
      if (key === SNAPSHOT_SCHEDULE_KEY) {
        this.nextSnapshotAt = value === null ? null : decodeSnapshotSchedule(changelogText(value));
      } else if (MetricsAggregator.owns(key)) {
        this.metrics.restore(key, value === null ? null : changelogText(value));
      } else if (isReservedKey(key)) {
        throw new ChangelogFormatError(key, 'unknown reserved key');
      } else if (value === null) {
        this.store.delete(key);
      } else {
        // An entry of an older version (JSON text) is held as version 4 from now on, as if it
        // had been written by this version.
        const entry = decodeEntry(key, value);
        const bytes = isEntryBytes(value) ? value : encodeEntryBytes(entry);
        this.store.put(key, bytes, entryExpiresAt(entry));
      }
    }
  }

  /** Ends restoring: rebuilds the pending gauges from the store and starts the schedule. */
  init(context: ProcessorContext): void {
    this.expectPhase('restoring', 'init');
    this.metrics.resetGauges();
    for (const [key, value] of this.store.entries()) {
      const entry = readStoredEntry(key, value);
      if (entry.kind === 'predictions') {
        for (const p of entry.predictions) this.metrics.onPendingPredictions(p, 1);
      } else if (!entry.label.matched) {
        this.metrics.onPendingLabels(entry.label.model, 1);
      }
    }
    if (this.nextSnapshotAt === null) this.schedule(context.now + this.config.metricsIntervalMs);
    this.phase = 'running';
  }

  process(input: JoinInput, now: number): ProcessorOutput {
    return this.processAll([input], now);
  }

  /**
   * `process` for several records in order, gathered into one output: the same evaluations,
   * expiries and ignores, and changelog writes folded per key (the last value of each key).
   * One output per batch instead of one per record spares the allocations.
   */
  processAll(inputs: Iterable<JoinInput>, now: number): ProcessorOutput {
    const out = new OutputCollector();
    this.processInto(inputs, now, out);
    return out.result();
  }

  /**
   * `processAll` into a collector the caller owns, so that a batch's expiries, joins and
   * checkpoints gather in one place without copying each call's output (the evaluator's path).
   */
  processInto(inputs: Iterable<JoinInput>, now: number, out: OutputCollector): void {
    this.expectPhase('running', 'process');
    for (const input of inputs) {
      if (input.kind === 'prediction') this.onPrediction(input.value, now, out);
      else this.onLabel(input.value, now, out);
    }
  }

  /** Expires what is due at `now` and emits a metrics snapshot when one is due. */
  punctuate(now: number): ProcessorOutput {
    const out = new OutputCollector();
    this.punctuateInto(now, out);
    return out.result();
  }

  /** `punctuate` into a collector the caller owns (see `processInto`). */
  punctuateInto(now: number, out: OutputCollector): void {
    this.expectPhase('running', 'punctuate');
    for (const { key } of this.store.iterateByExpiry(now)) {
      this.retire(key, ExpiryReason.TTL, now, out);
    }
    if (this.nextSnapshotAt !== null && now >= this.nextSnapshotAt) {
      out.metrics = this.metrics.snapshot(now);
      this.schedule(now + this.config.metricsIntervalMs);
    }
  }

  /** Metrics and schedule checkpoints changed since the last flush; call before every commit. */
  flush(): ChangelogEntry[] {
    this.expectPhase('running', 'flush');
    const entries: ChangelogEntry[] = this.metrics.checkpoint();
    if (this.scheduleChanged && this.nextSnapshotAt !== null) {
      entries.push(encodeSnapshotSchedule(this.nextSnapshotAt));
      this.scheduleChanged = false;
    }
    return entries;
  }

  /** Stops the processor; an owned in-memory store is released, an injected one is left as is. */
  close(): void {
    this.phase = 'closed';
    if (this.ownsStore) this.store.clear();
  }

  stats(): JoinStats {
    const pending = this.metrics.pendingTotals();
    return {
      entries: this.store.size,
      pendingPredictions: pending.predictions,
      pendingLabels: pending.labels,
      approximateBytes: this.store.approximateBytes,
    };
  }

  private onPrediction(prediction: Prediction, now: number, out: OutputCollector): void {
    const { requestId: key, variant } = prediction;
    if (isReservedKey(key)) return this.ignore(prediction, IgnoreReason.RESERVED_KEY, out);
    const entry = this.read(key);
    const isDuplicate =
      entry?.kind === 'label'
        ? entry.label.evaluated.some((e) => e.variant === variant)
        : entry?.predictions.some((p) => p.variant === variant) === true;
    if (isDuplicate) {
      this.metrics.onDuplicatePrediction(prediction);
      return this.ignore(prediction, IgnoreReason.DUPLICATE, out);
    }
    const pending = this.pendingFrom(prediction, now);
    this.metrics.onPrediction(pending);
    if (entry?.kind === 'label') {
      const held = entry.label;
      if (!held.matched) this.metrics.onPendingLabels(held.model, -1);
      const evaluation = this.evaluate(key, pending, held);
      out.evaluations.push(evaluation);
      const record = evaluatedVariant(pending, evaluation.correct);
      pairWithHeld(key, pending, record, held, out);
      // Field by field: V8 adds properties after an object spread on a slow path.
      const label: HeldLabel = {
        model: held.model,
        label: held.label,
        labeledAt: held.labeledAt,
        outcomes: held.outcomes,
        expiresAt: Math.max(held.expiresAt, now + this.config.ttlMs),
        matched: true,
        evaluated: [...held.evaluated, record],
      };
      return this.write(key, { kind: 'label', label }, out);
    }
    if (entry === undefined) this.makeRoom(now, out);
    this.metrics.onPendingPredictions(pending, 1);
    const waiting = entry?.predictions ?? [];
    pairWithWaiting(key, pending, waiting, out);
    const predictions = [...waiting, pending];
    this.write(key, { kind: 'predictions', predictions }, out);
  }

  private onLabel(label: GroundTruthLabel, now: number, out: OutputCollector): void {
    const { requestId: key, model } = label;
    if (isReservedKey(key)) return this.ignore(label, IgnoreReason.RESERVED_KEY, out);
    const entry = this.read(key);
    if (entry?.kind === 'label') {
      this.metrics.onDuplicateLabel(model);
      return this.ignore(label, IgnoreReason.DUPLICATE, out);
    }
    this.metrics.onLabel(model);
    const evaluated: EvaluatedVariant[] = [];
    const held: HeldLabel = {
      model,
      label: storeText(label.label, this.config.maxOutputChars),
      labeledAt: label.timestamp,
      outcomes: label.outcomes,
      expiresAt: now + this.config.ttlMs,
      matched: entry !== undefined,
      evaluated,
    };
    if (entry === undefined) {
      this.makeRoom(now, out);
      this.metrics.onPendingLabels(model, 1);
    } else {
      for (const p of entry.predictions) {
        this.metrics.onPendingPredictions(p, -1);
        const evaluation = this.evaluate(key, p, held);
        out.evaluations.push(evaluation);
        const record = evaluatedVariant(p, evaluation.correct);
        pairOnLabel(key, p, record, evaluated, held.labeledAt, out);
        evaluated.push(record);
      }
    }
    this.write(key, { kind: 'label', label: held }, out);
  }

  private evaluate(requestId: string, p: PendingPrediction, held: HeldLabel): Evaluation {
    const result = classify(p.status, p.output, held.label, this.config.numericTolerance);
    const evaluation = evaluationRecord(requestId, p, held, result);
    this.metrics.onEvaluation(evaluation);
    return evaluation;
  }

  /** Evicts the entries closest to expiry until one more key fits under `maxPending`. */
  private makeRoom(now: number, out: OutputCollector): void {
    while (this.store.size >= this.config.maxPending) {
      const victim = this.store.earliest();
      if (victim === undefined) return;
      this.retire(victim.key, ExpiryReason.EVICTED, now, out);
    }
  }

  /** Drops an entry's due items (TTL: deadline ≤ now; EVICTED: all of them), counting them. */
  private retire(key: string, reason: ExpiryReason, now: number, out: OutputCollector): void {
    const entry = this.read(key);
    if (entry === undefined) return;
    if (entry.kind === 'label') {
      const held = entry.label;
      if (!held.matched) {
        this.metrics.onLabelExpired(held.model, reason);
        this.metrics.onPendingLabels(held.model, -1);
      }
      if (!held.matched || reason === ExpiryReason.EVICTED) {
        out.expired.push(expiredLabelRecord(key, held, reason, now));
      }
      return this.remove(key, out);
    }
    const remaining: PendingPrediction[] = [];
    for (const p of entry.predictions) {
      if (reason === ExpiryReason.TTL && p.expiresAt > now) {
        remaining.push(p);
        continue;
      }
      this.metrics.onPredictionExpired(p, reason);
      this.metrics.onPendingPredictions(p, -1);
      out.expired.push(expiredPredictionRecord(key, p, reason, now));
    }
    if (remaining.length === 0) this.remove(key, out);
    else this.write(key, { kind: 'predictions', predictions: remaining }, out);
  }

  private pendingFrom(p: Prediction, now: number): PendingPrediction {
    return {
      variant: p.variant,
      model: p.model,
      rolloutId: p.rolloutId,
      role: p.role,
      served: p.served,
      output: p.output === null ? null : storeText(p.output, this.config.maxOutputChars),
      latencyMs: p.latencyMs,
      status: p.status,
      predictedAt: p.timestamp,
      expiresAt: now + this.config.ttlMs,
      scores: p.scores,
      segment: p.segment,
    };
  }

  private ignore(
    record: Prediction | GroundTruthLabel,
    reason: IgnoreReason,
    out: OutputCollector,
  ): void {
    out.ignored.push(ignoredRecord(record, reason));
  }

  private read(key: string): JoinEntry | undefined {
    const value = this.store.get(key);
    return value === undefined ? undefined : readStoredEntry(key, value);
  }

  private write(key: string, entry: JoinEntry, out: OutputCollector): void {
    const value = encodeEntryBytes(entry);
    this.store.put(key, value, entryExpiresAt(entry));
    out.changed(key, value);
  }

  private remove(key: string, out: OutputCollector): void {
    this.store.delete(key);
    out.changed(key, null);
  }

  private schedule(nextSnapshotAt: number): void {
    this.nextSnapshotAt = nextSnapshotAt;
    this.scheduleChanged = true;
  }

  private expectPhase(expected: Phase, operation: string): void {
    if (this.phase !== expected) {
      throw new Error(`JoinProcessor.${operation} needs phase ${expected}, is ${this.phase}`);
    }
  }
}
