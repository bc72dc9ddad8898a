/**
 * The evaluator's read–fold–checkpoint loop over one source partition, simulated: the real
 * `EvidenceFolder`, synthetic traffic, a simulated clock, no Kafka. It follows what
 * `services/evaluator/src/shell/join-task.ts` does with each batch: a fetch hands the runner one
 * batch per topic-partition (what arrived since the previous fetch, at most the fetch size); each
 * batch is folded, its event times raise the folder's watermark, and `checkpoint()` gives the
 * evidence records published with that batch's transaction (those due at its publication
 * points; every change also goes to the evaluator's changelog, not counted here). Every punctuation interval the topics
 * read to their end move the watermark (`caughtUp`) and are checkpointed too.
 *
 * How often batches come is the model's input (`EvaluatorPace`): a commit costs a fixed time plus
 * a time per record read, and the next fetch waits for the previous batches and for data.
 */
import type { ArmEvidence } from '@kanary/contracts';
import { EvidenceFolder, type EvidencePublishing, type RolloutTerms } from '@kanary/evidence';
import { INPUT_TOPICS, type InputTopic, type PartitionTraffic } from './partition-traffic.js';

/**
 * The folder the evaluator makes for a source partition, with its defaults: latency sketches at
 * 1 % relative accuracy (EVALUATOR_LATENCY_RELATIVE_ACCURACY), watermark lateness 10 s
 * (EVALUATOR_WATERMARK_LATENESS_MS), open buckets and the watermark published at most once a
 * second (EVALUATOR_EVIDENCE_OPEN_INTERVAL_MS), closed ones once per 1/30 of the maturity window
 * (EVALUATOR_EVIDENCE_CLOSED_INTERVAL_MS); one rollout known. `publishing` replaces the last two
 * (`{ openIntervalMs: 0, closedIntervalMs: 0 }`: every change at every checkpoint).
 */
export function evaluatorFolder(
  partition: number,
  partitions: number,
  terms: RolloutTerms,
  publishing: EvidencePublishing = { openIntervalMs: 1_000 },
): EvidenceFolder {
  return new EvidenceFolder({
    partition,
    partitions,
    inputs: INPUT_TOPICS,
    relativeAccuracy: 0.01,
    latenessMs: 10_000,
    publishing,
    terms: (rolloutId) => (rolloutId === terms.rolloutId ? terms : undefined),
  });
}

export interface EvaluatorPace {
  /** Time of one batch's commit (the exactly-once transaction), whatever its size, ms. */
  readonly batchOverheadMs: number;
  /** Time to process one input record, ms. */
  readonly recordMs: number;
  /** Most records of one topic-partition in a batch: the fetch size over the record size. */
  readonly maxBatchRecords: number;
  /** Least time between the starts of two fetches, ms. */
  readonly fetchIntervalMs: number;
  /** The evaluator's punctuation interval (EVALUATOR_PUNCTUATE_INTERVAL_MS), ms. */
  readonly punctuateMs: number;
}

export interface LoopStats {
  /** Batches read and checkpointed. */
  readonly batches: number;
  /** Input records read (routed requests, predictions, labels). */
  readonly inputs: number;
  /** Evidence records written: every checkpoint of every batch and punctuation, and the last one. */
  readonly records: number;
  /** Of those, watermark-only records. */
  readonly watermarkRecords: number;
  /** How long after the last arrival the loop had read everything, ms (its lag at the end). */
  readonly lagMs: number;
}

/**
 * Runs the loop over `traffic` from `startAt` until everything that arrives before `endAt` is
 * read, then marks every topic read to its end at `endAt` and checkpoints once more. `write`
 * receives the records of each checkpoint in order (awaited when it returns a promise).
 */
export async function runEvaluatorLoop(
  traffic: PartitionTraffic,
  folder: EvidenceFolder,
  pace: EvaluatorPace,
  startAt: number,
  endAt: number,
  write: (records: ArmEvidence[]) => void | Promise<void>,
): Promise<LoopStats> {
  let batches = 0;
  let inputs = 0;
  let records = 0;
  let watermarkRecords = 0;
  const emit = async (checkpoint: ArmEvidence[]): Promise<void> => {
    if (checkpoint.length === 0) return;
    records += checkpoint.length;
    for (const r of checkpoint) if (r.rolloutId === '') watermarkRecords += 1;
    const done = write(checkpoint);
    if (done !== undefined) await done;
  };
  /** When each topic was last read to its end (the runner's read progress). */
  const readToEndAt = new Map<InputTopic, number>();
  const nextArrival = (): number =>
    Math.min(...INPUT_TOPICS.map((topic) => traffic.nextArrival(topic)));

  let clock = startAt;
  let nextPunctuation = startAt + pace.punctuateMs;
  let lastArrival = startAt;
  // The clock runs in fractions of a ms; the folder is given whole ms, as the evaluator's clock.
  for (;;) {
    const fetchAt = Math.floor(clock);
    for (const topic of INPUT_TOPICS) {
      const now = Math.floor(clock);
      const read = traffic.read(topic, fetchAt, pace.maxBatchRecords, folder, now);
      if (!read.capped) readToEndAt.set(topic, fetchAt);
      if (read.records === 0) continue;
      lastArrival = Math.max(lastArrival, read.latest);
      clock += pace.batchOverheadMs + read.records * pace.recordMs;
      batches += 1;
      inputs += read.records;
      await emit(folder.checkpoint(now));
    }
    while (nextPunctuation <= clock) {
      for (const topic of INPUT_TOPICS) {
        // Read to its end: either nothing has arrived since the punctuation's time, or as of the
        // last fetch that took everything there was.
        const at =
          traffic.nextArrival(topic) > nextPunctuation ? nextPunctuation : readToEndAt.get(topic);
        if (at !== undefined) folder.caughtUp(topic, at);
      }
      await emit(folder.checkpoint(nextPunctuation));
      nextPunctuation += pace.punctuateMs;
    }
    const next = nextArrival();
    if (next === Number.POSITIVE_INFINITY) break;
    clock = Math.max(clock, fetchAt + pace.fetchIntervalMs, next);
  }
  const lagMs = Math.max(0, clock - lastArrival);
  for (const topic of INPUT_TOPICS) folder.caughtUp(topic, endAt);
  await emit(folder.checkpoint(Math.floor(Math.max(clock, endAt))));
  return { batches, inputs, records, watermarkRecords, lagMs };
}
