import { KanaryError } from '@kanary/contracts';
import type { Kafka, Producer, RetryOptions } from 'kafkajs';
import type { LazyAdmin } from './lazy-admin.js';

/**
 * Retries of a transactional producer. A transaction that starts while the coordinator is still
 * writing the previous one's markers is refused with CONCURRENT_TRANSACTIONS; the Java client
 * retries that refusal after 20 ms rather than its usual back-off (KAFKA-5477), and so do these
 * producers, where kafkajs would wait its initial retry time (200 ms with Kanary's client) each
 * time. Later attempts back off as usual, up to the client's maximum wait, and never give up
 * (kafkajs' default for an idempotent producer): a send abandoned while an earlier attempt is
 * still on its way could land after its transaction was aborted.
 */
export const TRANSACTIONAL_RETRY: RetryOptions = {
  initialRetryTime: 20,
  retries: Number.MAX_SAFE_INTEGER,
};

/** The broker's answers to a producer whose transactional id has a newer epoch. */
const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']);

/**
 * This instance's producer for a task was fenced: another instance took the partition over (this
 * one stalled past its session timeout, or was slow to notice a rebalance). Retriable on purpose:
 * the consumer restarts and rejoins the group rather than stopping for good, as Kafka Streams
 * treats a task that migrated. No `cause`, which kafkajs would read instead (it is not retriable).
 */
export class ProducerFencedError extends KanaryError {
  constructor(transactionalId: string, detail: string) {
    super(
      'PRODUCER_FENCED',
      `producer ${transactionalId} was fenced by a newer owner of its partition: ${detail}`,
      { retriable: true },
    );
  }
}

/** The fence in `error`'s chain of causes, as a {@link ProducerFencedError}; else `error`. */
export function asFenced(error: unknown, transactionalId: string): unknown {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FENCED.has(type)) {
      return new ProducerFencedError(transactionalId, e.message);
    }
  }
  return error;
}

export interface TaskProducersOptions {
  readonly kafka: Kafka;
  /** Task t's producer is `<prefix>.p<t>`, the same on every instance that may own task t. */
  readonly transactionalIdPrefix: string;
  readonly groupId: string;
  /** The input topics whose partition t belongs to task t. */
  readonly topics: readonly string[];
  readonly admin: LazyAdmin;
}

/** A task's producer in one group generation, and what it learned once it fenced the past. */
export interface TaskProducer {
  readonly producer: Producer;
  /**
   * The group's committed offset per input topic of the task, read after this producer fenced
   * every earlier owner: no commit can move it any more, so records below it were processed.
   * Absent for a topic with no committed offset.
   */
  readonly committed: ReadonlyMap<string, bigint>;
}

interface Slot {
  readonly generation: number;
  readonly ready: Promise<TaskProducer>;
  /** Set once `ready` resolved. */
  value?: TaskProducer;
}

/**
 * Transactional producers per task — an input partition number — rather than per instance: how
 * Kafka Streams fenced zombies before KIP-447, and what kafkajs allows, since it cannot send the
 * group generation with transactional offset commits. Whichever instance owns task t uses the
 * transactional id `<prefix>.p<t>`; creating that producer (InitProducerId) bumps the id's epoch,
 * which fences the previous owner — a process that stalled past its session timeout can no
 * longer commit when it wakes — and makes the coordinator finish that owner's open transaction.
 *
 * A task gets a fresh producer in each group generation (the previous one may have been fenced
 * meanwhile by another member), created on first use. After creating it, its committed input
 * offsets are read once: the consumer may have fetched its positions before the fence, and a
 * zombie's last commit may have landed in between; records below the committed offset are not
 * processed again.
 *
 * Not safe for concurrent calls for the same task: callers serialise per task.
 */
export class TaskProducers {
  private generation = 0;
  private closed = false;
  private readonly slots = new Map<number, Slot>();

  constructor(private readonly options: TaskProducersOptions) {}

  /** A new group generation (a join): every task gets a fresh producer on next use. */
  newGeneration(): void {
    this.generation += 1;
  }

  /** The tasks that have a producer now, of any generation. */
  tasks(): number[] {
    return [...this.slots.keys()];
  }

  /** The task's producer if it was created in this generation, never creating one. */
  current(task: number): TaskProducer | undefined {
    const slot = this.slots.get(task);
    return slot?.generation === this.generation ? slot.value : undefined;
  }

  /** The tasks whose producer of this generation is ready, in task order. */
  started(): number[] {
    return this.tasks()
      .filter((task) => this.current(task) !== undefined)
      .sort((a, b) => a - b);
  }

  /** The task's producer of this generation, created (fencing earlier owners) if need be. */
  async get(task: number): Promise<TaskProducer> {
    if (this.closed) throw new Error('the task producers are closed');
    const slot = this.slots.get(task);
    if (slot !== undefined && slot.generation === this.generation) return slot.ready;
    await this.drop(task);
    const ready = this.create(task);
    const fresh: Slot = { generation: this.generation, ready };
    this.slots.set(task, fresh);
    try {
      fresh.value = await ready;
      return fresh.value;
    } catch (e) {
      if (this.slots.get(task)?.ready === ready) this.slots.delete(task);
      throw e;
    }
  }

  /** The transactional id of the task's producers. */
  transactionalId(task: number): string {
    return `${this.options.transactionalIdPrefix}.p${task}`;
  }

  /** Closes the task's producer (after a failed transaction, or once the task moved away). */
  async drop(task: number): Promise<void> {
    const slot = this.slots.get(task);
    if (slot === undefined) return;
    this.slots.delete(task);
    await slot.ready.then((p) => p.producer.disconnect()).catch(() => undefined);
  }

  /** Closes every producer; no producer is created afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.tasks().map((task) => this.drop(task)));
  }

  private async create(task: number): Promise<TaskProducer> {
    const { kafka, groupId, topics, admin } = this.options;
    const producer = kafka.producer({
      transactionalId: this.transactionalId(task),
      idempotent: true,
      maxInFlightRequests: 1,
      retry: TRANSACTIONAL_RETRY,
    });
    try {
      await producer.connect();
      // kafkajs initialises the transactional id (InitProducerId: the fence) with the first
      // transaction; one that sends nothing ends without a request to the coordinator.
      await (await producer.transaction()).abort();
      const offsets = await (await admin.get()).fetchOffsets({ groupId, topics: [...topics] });
      const committed = new Map<string, bigint>();
      for (const { topic, partitions } of offsets) {
        const offset = partitions.find((p) => p.partition === task)?.offset;
        if (offset !== undefined && offset !== '-1') committed.set(topic, BigInt(offset));
      }
      return { producer, committed };
    } catch (e) {
      await producer.disconnect().catch(() => undefined);
      throw e;
    }
  }
}
