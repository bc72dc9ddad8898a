/**
 * Evidence records the evaluator writes per second of traffic, simulated: steady-state traffic at
 * a given rate folded by the real `EvidenceFolder` in the batches the evaluator's loop would read
 * (`runEvaluatorLoop`), every checkpoint counted. No broker: how often batches come is the
 * `EvaluatorPace` model's, not a measurement.
 */
import type { RolloutTerms } from '@kanary/evidence';
import { evaluatorFolder, runEvaluatorLoop, type EvaluatorPace } from './evaluator-loop.js';
import { PartitionTraffic, type TrafficShape } from './partition-traffic.js';

export interface EvidenceRate {
  readonly requestsPerSecond: number;
  /** Evidence records written per second of traffic, all source partitions. */
  readonly recordsPerSecond: number;
  /** Batches (checkpoints after a batch) per second, all source partitions. */
  readonly batchesPerSecond: number;
  /** Input records per batch, mean. */
  readonly inputsPerBatch: number;
  /** Evidence records per batch checkpoint, mean (punctuations' records included). */
  readonly recordsPerBatch: number;
  /** Largest lag of a partition's loop at the end (whether the modelled evaluator kept up), ms. */
  readonly lagMs: number;
}

/** `seconds` of traffic at `shape.requestsPerSecond` from `startAt`, one loop per source partition. */
export async function simulateEvidenceRate(
  shape: TrafficShape,
  terms: RolloutTerms,
  pace: EvaluatorPace,
  startAt: number,
  seconds: number,
  seed: number,
): Promise<EvidenceRate> {
  const endAt = startAt + seconds * 1_000;
  let records = 0;
  let batches = 0;
  let inputs = 0;
  let lagMs = 0;
  for (let partition = 0; partition < shape.partitions; partition++) {
    const folder = evaluatorFolder(partition, shape.partitions, terms);
    const traffic = new PartitionTraffic(shape, partition, startAt, endAt, seed);
    const stats = await runEvaluatorLoop(traffic, folder, pace, startAt, endAt, () => undefined);
    records += stats.records;
    batches += stats.batches;
    inputs += stats.inputs;
    lagMs = Math.max(lagMs, stats.lagMs);
  }
  return {
    requestsPerSecond: shape.requestsPerSecond,
    recordsPerSecond: records / seconds,
    batchesPerSecond: batches / seconds,
    inputsPerBatch: inputs / Math.max(1, batches),
    recordsPerBatch: records / Math.max(1, batches),
    lagMs,
  };
}
