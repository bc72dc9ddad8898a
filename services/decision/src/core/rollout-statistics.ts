/**
 * Per-rollout sufficient statistics: everything the policy needs, in memory that does not grow
 * with the number of evaluations (counters, time buckets of the maturity window, sketches and
 * bounded pairing buffers). Fed one event at a time by the engine, which has already resolved
 * which arm an event belongs to; `observations(phase)` turns them into the plain counts
 * `decide` judges.
 */
import {
  PredictionStatus,
  RolloutPhase,
  type Evaluation,
  type Prediction,
} from '@kanary/contracts';
import type { Policy, RolloutObservations } from '@kanary/rollout';
import type { DisagreementCounts } from '@kanary/stats';
import { AssignmentUnits } from './assignment-units.js';
import type { RoutedObservation } from './engine-types.js';
import { LatencyReference } from './latency-reference.js';
import { MaturingTallies } from './maturing-tallies.js';
import { PairingBuffer, type PairSide } from './pairing-buffer.js';
import { Arm, emptyTally, windowCounts, type Tally } from './tally.js';

// Read once: enum objects are re-exported bindings, and this runs per event.
const { OK } = PredictionStatus;
const { STABLE, CANARY, SHADOW } = Arm;

/** Requests waiting for their shadow partner, per buffer. */
export const PAIRING_LIMIT = 10_000;
/** Routing keys remembered per window for the sample-ratio check. */
export const SRM_KEY_LIMIT = 20_000;

interface LabelledSide {
  readonly correct: boolean;
  readonly predictedAt: number;
}

/** Counters of evaluations not counted, by reason. */
export interface StatisticsCounters {
  beforeStart: number;
  lateLabels: number;
}

export class RolloutStatistics {
  private readonly tallies: MaturingTallies;
  private readonly units: AssignmentUnits;
  readonly latency: LatencyReference;
  private readonly labelPairs = new PairingBuffer<LabelledSide>(PAIRING_LIMIT);
  private readonly outputPairs = new PairingBuffer<string | null>(PAIRING_LIMIT);
  private readonly agreement = { nPairs: 0, nDisagree: 0 };
  private numericLabels = false;
  private shadowPhase = false;
  /** Routed requests seen per arm, all time (for summaries). */
  readonly routedTotal: Record<Arm, number> = { stable: 0, canary: 0, shadow: 0 };
  readonly counters: StatisticsCounters = { beforeStart: 0, lateLabels: 0 };

  constructor(
    private readonly startedAt: number,
    private readonly policy: Policy,
    windowStartedAt: number,
    /** False when the routed requests were not split by the rollout's weights (a replay). */
    private readonly checkSampleRatio = true,
  ) {
    this.tallies = new MaturingTallies(policy.labelMaturityMs, windowStartedAt);
    this.units = new AssignmentUnits(windowStartedAt, SRM_KEY_LIMIT);
    this.latency = new LatencyReference(policy.latency);
  }

  get unpairedEvicted(): number {
    return this.labelPairs.evicted + this.outputPairs.evicted;
  }

  get bucketOverflow(): number {
    return this.tallies.dropped;
  }

  get comparisonStartedAt(): number | null {
    return this.tallies.comparisonStartedAt;
  }

  /** Shadow pairs are formed only while the rollout is in shadow mode. */
  setShadowPhase(shadow: boolean): void {
    if (this.shadowPhase && !shadow) {
      this.labelPairs.clear();
      this.outputPairs.clear();
    }
    this.shadowPhase = shadow;
  }

  /** When the canary began serving: the stable arm is compared from then on. */
  setComparisonStart(startedAt: number): void {
    this.tallies.setComparisonStart(startedAt);
  }

  /** A new evaluation window (step, resume, manual weight change). */
  setWindowStart(startedAt: number): void {
    this.tallies.setWindowStart(startedAt);
    this.units.restart(startedAt);
  }

  advance(now: number): void {
    this.tallies.advance(now);
  }

  onEvaluation(evaluation: Evaluation, arm: Arm): void {
    const { predictedAt, labeledAt, latencyMs, correct } = evaluation;
    if (predictedAt < this.startedAt) {
      this.counters.beforeStart += 1;
      return;
    }
    if (evaluation.absError !== null) this.numericLabels = true;
    this.latency.observe(arm, latencyMs);
    const maturity = this.policy.labelMaturityMs;
    if (maturity > 0 && labeledAt - predictedAt > maturity) {
      this.counters.lateLabels += 1;
      return;
    }
    const threshold = this.latency.threshold?.thresholdMs ?? null;
    if (arm === STABLE) this.latency.offerReference(latencyMs);
    const failed = evaluation.status !== OK;
    this.tallies.record(predictedAt, (tally) => {
      const counts = tally[arm];
      counts.labelled += 1;
      if (correct) counts.correct += 1;
      if (failed) counts.errors += 1;
      if (threshold !== null) {
        counts.timed += 1;
        if (latencyMs > threshold) counts.slow += 1;
      }
    });
    if (this.shadowPhase && arm !== CANARY) this.pairLabelled(evaluation, arm);
  }

  onRouted(routed: RoutedObservation, arm: Arm): void {
    if (routed.routedAt < this.startedAt) return;
    this.routedTotal[arm] += 1;
    this.tallies.record(routed.routedAt, (tally) => {
      tally[arm].routed += 1;
    });
    if (arm !== SHADOW) this.units.record(arm, routed.routingKey, routed.routedAt);
  }

  /** Pairs shadow outputs with the stable's on the same request (label-free agreement). */
  onPrediction(prediction: Prediction, arm: Arm): void {
    if (!this.shadowPhase || arm === CANARY || prediction.timestamp < this.startedAt) return;
    const output = prediction.status === OK ? prediction.output : null;
    const paired = this.outputPairs.offer(prediction.requestId, arm as PairSide, output);
    if (paired === undefined) return;
    this.agreement.nPairs += 1;
    if (paired.partner !== output) this.agreement.nDisagree += 1;
  }

  private pairLabelled(evaluation: Evaluation, arm: Arm): void {
    const side: LabelledSide = { correct: evaluation.correct, predictedAt: evaluation.predictedAt };
    const paired = this.labelPairs.offer(evaluation.requestId, arm as PairSide, side);
    if (paired === undefined) return;
    const stable = arm === STABLE ? side : paired.partner;
    const shadow = arm === STABLE ? paired.partner : side;
    this.tallies.record(stable.predictedAt, (tally) => {
      tally.pairs.nPairs += 1;
      if (shadow.correct && !stable.correct) tally.pairs.n10 += 1;
      if (!shadow.correct && stable.correct) tally.pairs.n01 += 1;
    });
  }

  /** The counts `decide` judges, for a rollout in `phase` (SHADOW or CANARY). */
  observations(phase: RolloutPhase): RolloutObservations {
    const shadow = phase === RolloutPhase.SHADOW;
    const canaryArm = shadow ? SHADOW : CANARY;
    const comparisonStart = this.tallies.comparisonStartedAt;
    const comparison: Tally = shadow
      ? this.tallies.sinceStart
      : comparisonStart === null
        ? emptyTally()
        : this.tallies.sinceComparison;
    return {
      comparison: windowCounts(comparison, canaryArm),
      comparisonStartedAt: shadow ? this.startedAt : (comparisonStart ?? this.startedAt),
      window: windowCounts(this.tallies.window, canaryArm),
      windowStartedAt: this.tallies.windowStartedAt,
      windowUnits: this.checkSampleRatio
        ? { stable: this.units.stable, canary: this.units.canary }
        : null,
      latencyThreshold: this.latency.threshold,
      latencyReferenceCollected: this.latency.collected,
      agreement: shadow ? this.agreementCounts() : null,
    };
  }

  private agreementCounts(): DisagreementCounts | null {
    if (this.numericLabels || this.agreement.nPairs === 0) return null;
    return { ...this.agreement };
  }
}
