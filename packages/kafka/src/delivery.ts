import type { EachBatchPayload, Kafka, Producer, Transaction } from 'kafkajs';
import { commitTransaction } from './commit-transaction.js';
import type { LazyAdmin } from './lazy-admin.js';
import type { DeliveryMode, ProcessorOptions } from './processor-options.js';
import { sendInParts } from './send-in-parts.js';
import type { TopicMessages } from './split-sends.js';
import { asFenced, TaskProducers } from './task-producers.js';

/** The last record of a batch, whose offset the delivery commits. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly lastOffset: string;
}

/**
 * How a runner's messages reach Kafka, and its consumed offsets with them, in one delivery mode.
 * Work is grouped by task — an input partition number, the same for every input topic — and the
 * runner calls a task's methods one at a time.
 */
export interface Delivery {
  /** A group generation began with these tasks assigned; tasks no longer assigned are closed. */
  assign(tasks: readonly number[]): { readonly closed: readonly number[] };
  /**
   * Makes the task ready to deliver in this generation. Resolves to the committed offset of the
   * task's partition of `topic` as known after any earlier owner was fenced, when records below
   * it must be skipped; undefined when nothing needs skipping.
   */
  start(task: number, topic: string): Promise<bigint | undefined>;
  /** True once the task was started in this generation: a tick may deliver for it. */
  started(task: number): boolean;
  /** The tasks started in this generation, in order. */
  startedTasks(): readonly number[];
  /**
   * Sends a batch's messages and commits the batch as consumed; the consumer's position moves
   * past it.
   */
  batch(
    task: number,
    topicMessages: readonly TopicMessages[],
    consumed: ConsumedBatch,
    payload: Pick<EachBatchPayload, 'resolveOffset' | 'commitOffsetsIfNecessary'>,
  ): Promise<void>;
  /** Sends a tick's messages for a started task, which consumed nothing. */
  tick(task: number, topicMessages: readonly TopicMessages[]): Promise<void>;
  /**
   * The task's batch or tick failed with `error`: its next attempt starts afresh.
   * @returns the error to report: a fence becomes a retriable `ProducerFencedError`.
   */
  failed(task: number, error: unknown): Promise<unknown>;
  /** Closes what the task holds (it moved to another member). */
  release(task: number): Promise<void>;
  close(): Promise<void>;
}

type DeliveryOptions = Pick<ProcessorOptions, 'groupId' | 'beforeCommit'> & {
  readonly kafka: Kafka;
  readonly mode: DeliveryMode;
  readonly commitOffsets: boolean;
  readonly transactionalIdPrefix: string | undefined;
  readonly topics: readonly string[];
  readonly admin: LazyAdmin;
  /** The at-least-once producer's config (idempotent). */
  readonly producer: Parameters<Kafka['producer']>[0];
};

/** The delivery for `options.mode`; connects what it needs. */
export async function delivery(options: DeliveryOptions): Promise<Delivery> {
  if (options.mode === 'exactly-once') return exactlyOnce(options);
  const producer = options.kafka.producer(options.producer);
  await producer.connect();
  return atLeastOnce(producer, options);
}

/**
 * Each batch's messages and its consumed offset in one transaction of the task's producer (see
 * {@link TaskProducers} for the fencing); a tick's messages in a transaction of their own.
 * `beforeCommit` runs after the messages are sent, in both.
 */
function exactlyOnce(options: DeliveryOptions): Delivery {
  const { groupId, beforeCommit, transactionalIdPrefix } = options;
  if (transactionalIdPrefix === undefined) {
    throw new Error('exactly-once processing needs a transactionalIdPrefix');
  }
  const producers = new TaskProducers({ ...options, transactionalIdPrefix });
  const write = (topicMessages: readonly TopicMessages[]) => async (txn: Transaction) => {
    await sendInParts(txn, topicMessages);
    await beforeCommit?.();
  };
  const current = (task: number): Producer => {
    const producer = producers.current(task)?.producer;
    if (producer === undefined) throw new Error(`task ${task} is not started in this generation`);
    return producer;
  };
  return {
    assign(tasks) {
      producers.newGeneration();
      const owned = new Set(tasks);
      return { closed: producers.tasks().filter((task) => !owned.has(task)) };
    },
    async start(task, topic) {
      return (await producers.get(task)).committed.get(topic);
    },
    started: (task) => producers.current(task) !== undefined,
    startedTasks: () => producers.started(),
    async batch(task, topicMessages, consumed, payload) {
      await commitTransaction(current(task), write(topicMessages), { groupId, ...consumed });
      // The offsets were committed in the transaction; this only moves the consumer's position.
      payload.resolveOffset(consumed.lastOffset);
    },
    async tick(task, topicMessages) {
      await commitTransaction(current(task), write(topicMessages));
    },
    async failed(task, error) {
      await producers.drop(task);
      return asFenced(error, producers.transactionalId(task));
    },
    release: (task) => producers.drop(task),
    close: () => producers.close(),
  };
}

/**
 * Messages acknowledged by all in-sync replicas, then the batch's offset committed (unless the
 * runner commits none): a crash in between re-processes the batch. One idempotent producer.
 */
function atLeastOnce(producer: Producer, options: DeliveryOptions): Delivery {
  const { beforeCommit, commitOffsets } = options;
  let assigned: readonly number[] = [];
  return {
    assign(tasks) {
      const owned = new Set(tasks);
      const closed = assigned.filter((task) => !owned.has(task));
      assigned = [...tasks].sort((a, b) => a - b);
      return { closed };
    },
    start: () => Promise.resolve(undefined),
    started: (task) => assigned.includes(task),
    startedTasks: () => assigned,
    async batch(_task, topicMessages, consumed, payload) {
      await sendInParts(producer, topicMessages);
      await beforeCommit?.();
      payload.resolveOffset(consumed.lastOffset);
      if (commitOffsets) await payload.commitOffsetsIfNecessary();
    },
    tick: (_task, topicMessages) => sendInParts(producer, topicMessages),
    failed: (_task, error) => Promise.resolve(error),
    release: () => Promise.resolve(),
    close: () => producer.disconnect(),
  };
}
