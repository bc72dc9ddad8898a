import type { EventCodec, EventName, EventTypes, TopicSpec } from '@kanary/contracts';
import type { Logger, Registry } from '@kanary/observability';
import type { ConsumerConfig, IHeaders, Kafka } from 'kafkajs';
import type { RecordKey } from './record-key.js';

/**
 * A decoded, validated input record. For several input events it is a union that narrows on
 * `record.topic.event`.
 */
export type InputRecord<E extends EventName = EventName> = E extends EventName
  ? {
      readonly topic: TopicSpec<E>;
      readonly partition: number;
      readonly offset: string;
      readonly key: string | null;
      readonly value: EventTypes[E];
      /** Kafka record timestamp, epoch ms. */
      readonly timestamp: number;
      readonly headers: IHeaders | undefined;
    }
  : never;

/**
 * Something to publish: an event (encoded through the registry) or raw bytes (changelogs).
 * `partition` pins the record to a partition (a changelog must land on the partition of the
 * input it mirrors); otherwise the key decides.
 */
export type OutputRecord =
  | {
      [E in EventName]: {
        topic: TopicSpec<E>;
        key: string | null;
        value: EventTypes[E];
        headers?: IHeaders;
        partition?: number;
      };
    }[EventName]
  | {
      topic: TopicSpec<null>;
      key: string | null;
      bytes: Buffer | null;
      headers?: IHeaders;
      partition?: number;
    };

export interface BatchContext<E extends EventName = EventName> {
  readonly topic: TopicSpec<E>;
  readonly partition: number;
  /** Keeps group membership alive during long processing. */
  heartbeat(): Promise<void>;
}

export type DeliveryMode = 'exactly-once' | 'at-least-once';

export interface ProcessorOptions<E extends EventName = EventName> {
  kafka: Kafka;
  codec: EventCodec;
  logger: Logger;
  /** Service name, written on dead letters and as a metric label. */
  service: string;
  groupId: string;
  inputs: ReadonlyArray<TopicSpec<E>>;
  /** Where undecodable or invalid records go. */
  dlq: TopicSpec<null>;
  /**
   * Input events whose records must be keyed by a field of their value, as its plain UTF-8 text
   * (e.g. `requestIdKey` for data from outside, which the join and the partitioning look up by
   * key). A decoded, valid record without a key or with another one goes to the dead-letter topic
   * with a `KeyMismatchError` naming the expected key, and is not processed. Events not listed
   * are not checked.
   */
  keyedBy?: { readonly [K in E]?: RecordKey<EventTypes[K]> };
  /**
   * `exactly-once`: outputs, dead letters and consumed offsets commit in one Kafka transaction,
   * on a transactional producer per task (input partition number) named
   * `<transactionalIdPrefix>.p<partition>` — the same on every instance, so whichever instance
   * takes a partition over fences its previous owner, even one that stalled and wakes up later.
   * `at-least-once`: idempotent producer, offsets committed after the outputs are acknowledged.
   */
  mode: DeliveryMode;
  /** Required in exactly-once mode: one per consumer group, shared by all its instances. */
  transactionalIdPrefix?: string;
  /**
   * How many partitions' batches are processed and committed at the same time (one at a time
   * per partition number; in exactly-once mode each on its own producer).
   * @default 8 in exactly-once mode, 1 in at-least-once mode
   */
  partitionsConcurrently?: number;
  /**
   * Kafka Streams' `commit.interval.ms`, for throughput over latency: each fetch waits up to this
   * long for more records (the broker's fetch wait, with a minimum size that only a full fetch
   * reaches), so a busy partition commits about once per interval with larger batches; records
   * wait up to the interval before they are processed. 0: each batch is processed and committed
   * as soon as it is fetched.
   * @default 0
   */
  commitIntervalMs?: number;
  /**
   * false: commit no offsets (at-least-once mode only) — for a processor that rebuilds its state
   * from its inputs on every start, in a consumer group of its own, reading from the beginning.
   * Should the group rebalance, the re-read starts over from the beginning, and records this
   * runner already processed are skipped, so each record is processed once per start. On
   * {@link ProcessorRunner.stop} such a group is deleted (it holds nothing worth keeping; a group
   * that still has other members is left alone).
   * @default true
   */
  commitOffsets?: boolean;
  /** Turns one partition's batch of valid records into outputs. Must be deterministic for exactly-once. */
  process(
    records: ReadonlyArray<InputRecord<E>>,
    context: BatchContext<E>,
  ): Promise<readonly OutputRecord[]>;
  /**
   * Called after each (re)join with this member's assignment, topic name → partitions, before
   * any batch of the new generation.
   */
  onAssignment?(assignment: Readonly<Record<string, number[]>>): void | Promise<void>;
  fromBeginning?: boolean;
  consumer?: Partial<ConsumerConfig>;
  /**
   * Where the record counters and the consumer-lag gauge go; several runners may share one
   * registry (and its metrics) as long as they read different topics.
   */
  metrics?: Registry;
  /** How often `kanary_consumer_lag_records` is refreshed, in ms; 0 turns it off. @default 10000 */
  lagIntervalMs?: number;
  /**
   * Called once if the consumer stops for good (kafkajs restarts it only after retriable
   * errors), so the service can report itself unhealthy or exit.
   */
  onFatal?(error: Error): void;
  /**
   * Called when outputs of `process` (or of `tick.run`) for a task (input partition number) were
   * not committed — the batch failed after `process` was called, e.g. its transaction aborted or
   * its producer was fenced by another instance — before any other batch of that task runs. A
   * stateful processor drops the task's state those outputs reflected; the batch is fetched again.
   */
  onAbort?(error: unknown, task: number): void;
  /**
   * Periodic work outside input batches, e.g. expiring state while the inputs are idle. `run`
   * gets the tasks (input partition numbers) this member has started in the current group
   * generation — in exactly-once mode, each with its producer fencing earlier owners — and
   * returns outputs per task; each task's outputs are produced in a transaction of its own
   * (exactly-once mode; no offsets). Ticks never run while a batch is processed or committed, nor
   * between a rebalance's start (as far as this member has noticed it) and the next assignment.
   * Outputs for a task not started are not produced and count as a failure for that task. A
   * failed run or delivery is followed by `onAbort` for the task (every given task if `run`
   * threw) and retried at the next interval.
   */
  tick?: {
    readonly intervalMs: number;
    run(tasks: readonly number[]): Promise<ReadonlyMap<number, readonly OutputRecord[]>>;
  };
  /**
   * Fault-injection point for crash tests: runs after the outputs are sent and before the
   * transaction (or offset commit) completes.
   */
  beforeCommit?: () => void | Promise<void>;
}

export interface ProcessorStats {
  processed: number;
  deadLettered: number;
  produced: number;
  batches: number;
}
