import type { EventName, TopicSpec } from '@kanary/contracts';
import type { EachBatchPayload, Producer } from 'kafkajs';
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
import { SerialQueue } from './serial-queue.js';
import { TickTimer } from './tick-timer.js';

/**
 * Consume → decode/validate → process → produce, for every Kanary service. Records that cannot
 * be decoded or break a semantic rule go to the dead-letter topic with the reason (inside the
 * same transaction in exactly-once mode) and processing goes on; retriable failures (broker,
 * registry) abort the batch, which kafkajs fetches again after a backoff.
 */
export class ProcessorRunner<E extends EventName = EventName> {
  readonly stats: ProcessorStats;
  private readonly settings: ProcessorSettings;
  private consumer: ProcessorConsumer | undefined;
  private producer: Producer | undefined;
  private delivery: Delivery | undefined;
  private readonly admin: LazyAdmin;
  private readonly progress = new ReadProgress();
  private readonly byName: Map<string, TopicSpec<E>>;
  /** Batches and ticks run one at a time: one transaction at a time on the producer. */
  private readonly serial = new SerialQueue();
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
    this.producer = kafka.producer(settings.producer);
    await this.producer.connect();
    this.delivery = delivery(this.producer, {
      mode,
      groupId,
      commitOffsets: settings.commitOffsets,
      beforeCommit: this.options.beforeCommit,
    });
    this.lag = this.consumerLag();
    this.consumer = processorConsumer(kafka, settings.consumer, {
      logger,
      progress: this.progress,
      lag: this.lag,
      onAssignment: this.options.onAssignment,
      onFatal: this.options.onFatal,
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
      partitionsConsumedConcurrently: 1,
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
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
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

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const topic = this.byName.get(batch.topic);
    if (!topic) throw new Error(`received a batch for unsubscribed topic ${batch.topic}`);
    const { partition } = batch;
    const lastOffset = batch.messages[batch.messages.length - 1]!.offset;
    // Without committed offsets a rejoin re-reads from the beginning: skip what was processed.
    const from = this.settings.commitOffsets ? 0 : this.progress.position(batch.topic, partition);
    const messages =
      from === 0 ? batch.messages : batch.messages.filter((m) => Number(m.offset) >= from);
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
    const dead = rejected.map((r) => r.letter);
    await this.serial.run(async () => {
      // A tick may have run meanwhile; the group may have moved on.
      if (!payload.isRunning() || payload.isStale()) return;
      let outputs: readonly OutputRecord[] = [];
      try {
        if (valid.length > 0) {
          outputs = await this.options.process(valid, {
            topic,
            partition,
            heartbeat: payload.heartbeat,
          });
        }
        const topicMessages = await encodeOutputs(this.options.codec, outputs);
        if (dead.length > 0) topicMessages.push({ topic: this.options.dlq.name, messages: dead });
        await this.delivery!.batch(
          topicMessages,
          { topic: batch.topic, partition, lastOffset },
          payload,
        );
        this.metrics.produced(topicMessages);
      } catch (e) {
        if (valid.length > 0) this.notifyAbort(e);
        throw e;
      }
      // batch.lastOffset() also covers control records fetched after the last message.
      this.progress.advance(batch.topic, partition, Number(batch.lastOffset()) + 1);
      this.metrics.batch(batch.topic, valid.length, outputs.length, dead.length);
    });
    await payload.heartbeat();
  }

  /** A tick: its outputs published on their own, between batches, while this member is assigned. */
  private async runTick(tick: NonNullable<ProcessorOptions<E>['tick']>): Promise<void> {
    await this.serial.run(async () => {
      if (!this.ticks?.active || !this.consumer?.joined) return;
      try {
        const outputs = await tick.run();
        if (outputs.length === 0) return;
        const topicMessages = await encodeOutputs(this.options.codec, outputs);
        await this.delivery!.tick(topicMessages);
        this.metrics.tick(outputs.length);
        this.metrics.produced(topicMessages);
      } catch (err) {
        this.notifyAbort(err);
        this.options.logger.warn(
          { event: 'processor.tick_failed', err },
          'periodic work failed; retried at the next interval',
        );
      }
    });
  }

  private notifyAbort(error: unknown): void {
    try {
      this.options.onAbort?.(error);
    } catch (err) {
      this.options.logger.error({ event: 'processor.abort_hook_failed', err }, 'onAbort failed');
    }
  }
}
