import type { EventName, TopicSpec } from '@kanary/contracts';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { ConsumerLag } from './consumer-lag.js';
import { decodeBatch } from './decode-batch.js';
import { delivery, type Delivery } from './delivery.js';
import { encodeOutputs } from './encode-outputs.js';
import { LazyAdmin } from './lazy-admin.js';
import type { OutputRecord, ProcessorOptions, ProcessorStats } from './processor-options.js';
import { processorConsumer, type ProcessorConsumer } from './processor-consumer.js';
import { ProcessorMetrics } from './processor-metrics.js';
import { processorSettings, type ProcessorSettings } from './processor-settings.js';
import { ReadProgress } from './read-progress.js';
import { TaskGate } from './task-gate.js';
import { TickTimer } from './tick-timer.js';

/**
 * Consume → decode/validate → process → produce, for every Kanary service. Records that cannot
 * be decoded or break a semantic rule go to the dead-letter topic with the reason (inside the
 * same transaction in exactly-once mode) and processing goes on; retriable failures (broker,
 * registry) abort the batch, which kafkajs fetches again after a backoff.
 *
 * Work is grouped by task, an input partition number (partition p of every input topic is task
 * p, so co-partitioned inputs meet in one task): batches of one task run one at a time, those of
 * different tasks concurrently, each task on its own transactional producer in exactly-once mode
 * (see {@link TaskProducers}: whoever takes a partition over fences its previous owner).
 */
export class ProcessorRunner<E extends EventName = EventName> {
  readonly stats: ProcessorStats;
  private readonly settings: ProcessorSettings;
  private consumer: ProcessorConsumer | undefined;
  private delivery: Delivery | undefined;
  private readonly admin: LazyAdmin;
  private readonly progress = new ReadProgress();
  private readonly byName: Map<string, TopicSpec<E>>;
  /** One piece of work at a time per task; ticks alone. */
  private readonly gate = new TaskGate();
  private readonly ticks: TickTimer | undefined;
  private readonly metrics: ProcessorMetrics;
  private lag: ConsumerLag | undefined;

  constructor(private readonly options: ProcessorOptions<E>) {
    this.settings = processorSettings(options);
    this.byName = new Map(options.inputs.map((t) => [t.name, t]));
    this.admin = new LazyAdmin(options.kafka);
    this.metrics = new ProcessorMetrics(options.metrics, options.dlq.name);
    this.stats = this.metrics.stats;
    const tick = options.tick;
    this.ticks = tick && new TickTimer(tick.intervalMs, () => this.runTick(tick));
  }

  /** Connects, subscribes and starts consuming; resolves once the consumer runs. */
  async start(): Promise<void> {
    const { kafka, mode, groupId, logger, inputs } = this.options;
    const { settings } = this;
    this.delivery = await delivery({
      kafka,
      mode,
      groupId,
      commitOffsets: settings.commitOffsets,
      beforeCommit: this.options.beforeCommit,
      transactionalIdPrefix: settings.transactionalIdPrefix,
      topics: inputs.map((t) => t.name),
      admin: this.admin,
      producer: settings.producer,
    });
    this.lag = this.consumerLag();
    this.consumer = processorConsumer(kafka, settings.consumer, {
      logger,
      progress: this.progress,
      lag: this.lag,
      onAssignment: this.options.onAssignment,
      onFatal: this.options.onFatal,
      onJoin: (assignment) => this.assign(assignment),
    });
    const { consumer } = this.consumer;
    await consumer.connect();
    await consumer.subscribe({
      topics: inputs.map((t) => t.name),
      fromBeginning: settings.fromBeginning,
    });
    await consumer.run({
      autoCommit: settings.autoCommit,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: settings.partitionsConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.ticks?.start();
    this.lag?.start();
  }

  /** The consumer-lag gauge, when the runner has a registry and the gauge is not turned off. */
  private consumerLag(): ConsumerLag | undefined {
    const { metrics, logger, groupId } = this.options;
    const { lagIntervalMs, commitOffsets } = this.settings;
    if (metrics === undefined || lagIntervalMs <= 0) return undefined;
    return new ConsumerLag({
      admin: () => this.admin.get(),
      registry: metrics,
      logger,
      groupId,
      committed: commitOffsets,
      position: (topic, partition) => this.progress.position(topic, partition),
      intervalMs: lagIntervalMs,
    });
  }

  /**
   * The next offset this runner will read on an input partition: past every record it processed
   * and every transaction marker after them (0 before anything was read).
   */
  position(topic: string, partition: number): number {
    return this.progress.position(topic, partition);
  }

  /**
   * Resolves once every record committed on the inputs before the call has been processed (or
   * dead-lettered): after a start from the beginning, the end of the rebuild.
   * @throws CatchUpTimeoutError after `timeoutMs`; the consumer's error if it stopped for good.
   */
  async catchUp(timeoutMs: number): Promise<void> {
    if (this.consumer === undefined) throw new Error('the processor is not started');
    const topics = this.options.inputs.map((t) => t.name);
    await this.progress.catchUp(await this.admin.get(), topics, timeoutMs);
  }

  /** Stops fetching, lets the in-flight batch finish and commit, leaves the group; a pending catchUp fails. */
  async stop(): Promise<void> {
    const started = this.consumer !== undefined;
    if (started) this.progress.fail(new Error('the processor was stopped'));
    this.ticks?.stop();
    await this.lag?.stop();
    await this.consumer?.consumer.disconnect();
    await this.ticks?.whenIdle();
    const delivery = this.delivery;
    // A task start queued by the last join sees no delivery and creates no producer.
    this.delivery = undefined;
    this.consumer = undefined;
    await delivery?.close();
    if (started && !this.settings.commitOffsets) await this.deleteGroup();
    await this.admin.disconnect();
  }

  private async deleteGroup(): Promise<void> {
    const { groupId, logger } = this.options;
    try {
      await (await this.admin.get()).deleteGroups([groupId]);
    } catch (err) {
      // Best effort: a group left behind (after a crash) is empty and holds no offsets.
      logger.debug({ event: 'processor.group_kept', groupId, err }, 'consumer group not deleted');
    }
  }

  /**
   * A new group generation: tasks no longer assigned are closed, and the assigned ones started
   * at once (in exactly-once mode, fencing their previous owners), so that ticks reach partitions
   * that receive no records.
   */
  private assign(assignment: Readonly<Record<string, number[]>>): void {
    const delivery = this.delivery!;
    const tasks = [...new Set(Object.values(assignment).flat())];
    const { closed } = delivery.assign(tasks);
    const started = (task: number) =>
      this.gate.task(task, async () => {
        if (this.delivery === delivery) await delivery.start(task, this.options.inputs[0]!.name);
      });
    for (const task of closed) void this.gate.task(task, () => delivery.release(task));
    for (const task of tasks) {
      started(task).catch((err: unknown) =>
        this.options.logger.warn(
          { event: 'processor.task_start_failed', task, err },
          'starting a task failed; retried with its next batch',
        ),
      );
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const topic = this.byName.get(batch.topic);
    if (!topic) throw new Error(`received a batch for unsubscribed topic ${batch.topic}`);
    const { partition } = batch;
    const delivery = this.delivery!;
    await this.gate.task(partition, async () => {
      // The group may have moved on while this batch waited for its task.
      if (!payload.isRunning() || payload.isStale()) return;
      let processed = false;
      try {
        const messages = await this.unprocessed(delivery, batch.topic, partition, batch.messages);
        const lastOffset = batch.messages[batch.messages.length - 1]!.offset;
        if (messages.length === 0) {
          // All processed before: committing this batch's offset would move the group back.
          payload.resolveOffset(lastOffset);
          this.progress.advance(batch.topic, partition, Number(batch.lastOffset()) + 1);
          return;
        }
        const { valid, rejected } = await decodeBatch(
          this.options.codec,
          {
            topic,
            partition,
            service: this.options.service,
            keyedBy: this.options.keyedBy?.[topic.event],
          },
          messages,
        );
        for (const { offset, reason } of rejected) {
          this.options.logger.warn(
            { event: 'processor.dead_letter', topic: batch.topic, partition, offset, reason },
            'record sent to the dead-letter topic',
          );
        }
        let outputs: readonly OutputRecord[] = [];
        if (valid.length > 0) {
          processed = true;
          outputs = await this.options.process(valid, {
            topic,
            partition,
            heartbeat: payload.heartbeat,
          });
        }
        const topicMessages = await encodeOutputs(this.options.codec, outputs);
        const dead = rejected.map((r) => r.letter);
        if (dead.length > 0) topicMessages.push({ topic: this.options.dlq.name, messages: dead });
        await delivery.batch(
          partition,
          topicMessages,
          { topic: batch.topic, partition, lastOffset },
          payload,
        );
        this.metrics.produced(topicMessages);
        this.metrics.batch(batch.topic, valid.length, outputs.length, dead.length);
      } catch (e) {
        throw await this.failed(delivery, partition, e, processed);
      }
      // batch.lastOffset() also covers control records fetched after the last message.
      this.progress.advance(batch.topic, partition, Number(batch.lastOffset()) + 1);
    });
    await payload.heartbeat();
  }

  /**
   * The batch's records not processed yet: in exactly-once mode those from the offset committed
   * when the task started (a fenced owner may have committed after this consumer fetched its
   * position); without committed offsets, those past what this runner processed since its start
   * (a rejoin re-reads from the beginning).
   */
  private async unprocessed(
    delivery: Delivery,
    topic: string,
    partition: number,
    messages: KafkaMessage[],
  ): Promise<KafkaMessage[]> {
    const committed = await delivery.start(partition, topic);
    if (committed !== undefined) {
      return BigInt(messages[0]!.offset) >= committed
        ? messages
        : messages.filter((m) => BigInt(m.offset) >= committed);
    }
    if (this.settings.commitOffsets) return messages;
    const from = this.progress.position(topic, partition);
    return from === 0 ? messages : messages.filter((m) => Number(m.offset) >= from);
  }

  /**
   * A task's batch or tick failed: the next attempt starts on a fresh producer, and a processor
   * that made outputs (or, in exactly-once mode, may hold state from before a fence) is told.
   * @returns the error to rethrow (a fence as a retriable error: the consumer rejoins).
   */
  private async failed(
    delivery: Delivery,
    task: number,
    error: unknown,
    processed: boolean,
  ): Promise<unknown> {
    const reported = await delivery.failed(task, error);
    if (processed || this.settings.exactlyOnce) this.notifyAbort(reported, task);
    return reported;
  }

  /**
   * A tick: its outputs published per task on the task's producer, while no batch runs and this
   * member is assigned.
   */
  private async runTick(tick: NonNullable<ProcessorOptions<E>['tick']>): Promise<void> {
    await this.gate.exclusive(async () => {
      const delivery = this.delivery;
      if (!this.ticks?.active || !this.consumer?.joined || delivery === undefined) return;
      const tasks = delivery.startedTasks();
      let outputs: ReadonlyMap<number, readonly OutputRecord[]>;
      try {
        outputs = await tick.run(tasks);
      } catch (err) {
        for (const task of tasks) this.notifyAbort(err, task);
        this.tickFailed(err);
        return;
      }
      await Promise.all(
        [...outputs].map(async ([task, records]) => {
          if (records.length === 0) return;
          try {
            if (!delivery.started(task)) throw new Error(`task ${task} is not started`);
            const topicMessages = await encodeOutputs(this.options.codec, records);
            await delivery.tick(task, topicMessages);
            this.metrics.tick(records.length);
            this.metrics.produced(topicMessages);
          } catch (err) {
            this.tickFailed(await this.failed(delivery, task, err, true));
          }
        }),
      );
    });
  }

  private tickFailed(err: unknown): void {
    this.options.logger.warn(
      { event: 'processor.tick_failed', err },
      'periodic work failed; retried at the next interval',
    );
  }

  private notifyAbort(error: unknown, task: number): void {
    try {
      this.options.onAbort?.(error, task);
    } catch (err) {
      this.options.logger.error({ event: 'processor.abort_hook_failed', err }, 'onAbort failed');
    }
  }
}
