import { KanaryError, type EventName, type TopicSpec } from '@kanary/contracts';
import type { Counter } from '@kanary/observability';
import { metricFactory } from '@kanary/observability';
import type { Consumer, EachBatchPayload, Message, Producer, Transaction } from 'kafkajs';
import { ConsumerLag } from './consumer-lag.js';
import { LazyAdmin } from './lazy-admin.js';
import { deadLetter } from './dead-letter.js';
import { DeadLetterCounter } from './dead-letter-counter.js';
import { ReadProgress } from './read-progress.js';
import type {
  InputRecord,
  OutputRecord,
  ProcessorOptions,
  ProcessorStats,
} from './processor-options.js';
import { MAX_SEND_BYTES, splitSends } from './split-sends.js';

/**
 * Consume → decode/validate → process → produce, for every Kanary service. Records that cannot
 * be decoded or break a semantic rule go to the dead-letter topic with the reason (inside the
 * same transaction in exactly-once mode) and processing goes on; retriable failures (broker,
 * registry) abort the batch, which kafkajs fetches again after a backoff.
 */
export class ProcessorRunner<E extends EventName = EventName> {
  readonly stats: ProcessorStats = { processed: 0, deadLettered: 0, produced: 0, batches: 0 };
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly admin: LazyAdmin;
  private readonly progress = new ReadProgress();
  private readonly commitOffsets: boolean;
  private readonly byName: Map<string, TopicSpec<E>>;
  /** Batches and ticks run one at a time: one transaction at a time on the producer. */
  private exclusive: Promise<void> = Promise.resolve();
  private joined = false;
  private ticking = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private tickInFlight: Promise<void> | undefined;
  private readonly counters;
  private readonly deadLetters: DeadLetterCounter | undefined;
  private lag: ConsumerLag | undefined;

  constructor(private readonly options: ProcessorOptions<E>) {
    if (options.mode === 'exactly-once' && !options.transactionalId) {
      throw new Error('exactly-once processing needs a transactionalId');
    }
    this.commitOffsets = options.commitOffsets ?? true;
    if (options.mode === 'exactly-once' && !this.commitOffsets) {
      throw new Error('exactly-once processing commits offsets in its transactions');
    }
    this.byName = new Map(options.inputs.map((t) => [t.name, t]));
    this.admin = new LazyAdmin(options.kafka);
    const registry = options.metrics;
    const m = registry ? metricFactory(registry) : undefined;
    const counter = <L extends string>(name: string, help: string, labels: readonly L[]) =>
      (registry?.getSingleMetric(name) as Counter<L> | undefined) ?? m!.counter(name, help, labels);
    this.counters = m && {
      processed: counter('kanary_records_processed_total', 'Valid input records processed', [
        'topic',
      ]),
      produced: counter('kanary_records_produced_total', 'Records produced', ['topic']),
    };
    this.deadLetters = registry && new DeadLetterCounter(registry);
  }

  /** Connects, subscribes and starts consuming; resolves once the consumer runs. */
  async start(): Promise<void> {
    const { kafka, mode, groupId } = this.options;
    this.producer = kafka.producer(
      mode === 'exactly-once'
        ? {
            transactionalId: this.options.transactionalId!,
            idempotent: true,
            maxInFlightRequests: 1,
          }
        : { idempotent: true, maxInFlightRequests: 1 },
    );
    await this.producer.connect();
    this.consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_500,
      rebalanceTimeout: 30_000,
      ...this.options.consumer,
    });
    const lagIntervalMs = this.options.lagIntervalMs ?? 10_000;
    if (this.options.metrics !== undefined && lagIntervalMs > 0) {
      this.lag = new ConsumerLag({
        admin: () => this.admin.get(),
        registry: this.options.metrics,
        logger: this.options.logger,
        groupId,
        committed: this.commitOffsets,
        position: (topic, partition) => this.progress.position(topic, partition),
        intervalMs: lagIntervalMs,
      });
      const lag = this.lag;
      this.consumer.on(this.consumer.events.GROUP_JOIN, (e) =>
        lag.assign(e.payload.memberAssignment),
      );
    }
    const onAssignment = this.options.onAssignment;
    if (onAssignment) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
        void Promise.resolve(onAssignment(e.payload.memberAssignment)).catch((err: unknown) =>
          this.options.logger.error(
            { event: 'processor.assignment_failed', err },
            'assignment hook failed',
          ),
        );
      });
    }
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.joined = true;
    });
    this.consumer.on(this.consumer.events.REBALANCING, () => {
      this.joined = false;
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.joined = false;
      if (!e.payload.restart) {
        this.progress.fail(e.payload.error);
        this.options.onFatal?.(e.payload.error);
      }
      this.options.logger.warn(
        { event: 'processor.consumer_crash', err: e.payload.error, restart: e.payload.restart },
        'consumer crashed',
      );
    });
    // A batch of only transaction markers or aborted records never reaches handleBatch; its end
    // still counts as read. (Batches with records advance the position in handleBatch, once
    // processed: this event also fires for a batch skipped as stale.)
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) {
        this.progress.advance(payload.topic, payload.partition, Number(payload.lastOffset) + 1);
      }
    });
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.options.inputs.map((t) => t.name),
      fromBeginning: this.options.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: mode === 'at-least-once' && this.commitOffsets,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    if (this.options.tick) {
      this.ticking = true;
      this.scheduleTick(this.options.tick);
    }
    this.lag?.start();
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
    this.ticking = false;
    clearTimeout(this.tickTimer);
    await this.lag?.stop();
    await this.consumer?.disconnect();
    await this.tickInFlight;
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
    if (started && !this.commitOffsets) await this.deleteGroup();
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
    const lastOffset = batch.messages[batch.messages.length - 1]!.offset;
    // Without committed offsets a rejoin re-reads from the beginning: skip what was processed.
    const from = this.commitOffsets ? 0 : this.progress.position(batch.topic, batch.partition);
    const messages =
      from === 0 ? batch.messages : batch.messages.filter((m) => Number(m.offset) >= from);
    // One registry lookup per unseen writer schema, then every record decoded synchronously.
    const decoded = await this.options.codec.decodeAll(
      topic,
      messages.map((m) => m.value),
    );
    const valid: Array<InputRecord<E>> = [];
    const dead: Message[] = [];
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      const value = decoded[i];
      if (!(value instanceof KanaryError)) {
        valid.push({
          topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key === null ? null : m.key.toString(),
          value,
          timestamp: Number(m.timestamp),
          headers: m.headers,
        } as InputRecord<E>);
        continue;
      }
      const letter = deadLetter(
        {
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key,
          value: m.value,
          headers: m.headers,
        },
        value,
        this.options.service,
      );
      dead.push({ key: letter.key, value: letter.value, headers: letter.headers });
      this.options.logger.warn(
        {
          event: 'processor.dead_letter',
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          reason: value.message,
        },
        'record sent to the dead-letter topic',
      );
    }
    await this.serially(async () => {
      // A tick may have run meanwhile; the group may have moved on.
      if (!payload.isRunning() || payload.isStale()) return;
      let outputs: readonly OutputRecord[] = [];
      try {
        if (valid.length > 0) {
          outputs = await this.options.process(valid, {
            topic,
            partition: batch.partition,
            heartbeat: payload.heartbeat,
          });
        }
        await this.publish(outputs, dead, payload, lastOffset);
      } catch (e) {
        if (valid.length > 0) this.notifyAbort(e);
        throw e;
      }
      // batch.lastOffset() also covers control records fetched after the last message.
      this.progress.advance(batch.topic, batch.partition, Number(batch.lastOffset()) + 1);
      this.count(batch.topic, valid.length, outputs.length, dead.length);
    });
    await payload.heartbeat();
  }

  /** Produces a batch's outputs and dead letters and commits its offsets. */
  private async publish(
    outputs: readonly OutputRecord[],
    dead: Message[],
    payload: EachBatchPayload,
    lastOffset: string,
  ): Promise<void> {
    const { batch } = payload;
    const topicMessages = await this.encode(outputs);
    if (dead.length > 0) topicMessages.push({ topic: this.options.dlq.name, messages: dead });
    if (this.options.mode === 'exactly-once') {
      await this.commitTransaction(topicMessages, {
        topic: batch.topic,
        partition: batch.partition,
        lastOffset,
      });
      // The offsets were committed in the transaction; this only moves the consumer's position.
      payload.resolveOffset(lastOffset);
    } else {
      await this.send(this.producer!, topicMessages);
      await this.options.beforeCommit?.();
      payload.resolveOffset(lastOffset);
      if (this.commitOffsets) await payload.commitOffsetsIfNecessary();
    }
    this.countProduced(topicMessages);
  }

  /** Counts committed messages per topic, and the dead letters among them (whatever made them). */
  private countProduced(
    topicMessages: ReadonlyArray<{ topic: string; messages: Message[] }>,
  ): void {
    for (const tm of topicMessages) {
      this.counters?.produced.inc({ topic: tm.topic }, tm.messages.length);
      if (tm.topic === this.options.dlq.name) this.deadLetters?.count(tm.messages);
    }
  }

  private count(topic: string, processed: number, produced: number, deadLettered: number): void {
    this.stats.batches += 1;
    this.stats.processed += processed;
    this.stats.deadLettered += deadLettered;
    this.stats.produced += produced;
    this.counters?.processed.inc({ topic }, processed);
  }

  /** Runs `work` after every batch or tick already started has finished. */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.exclusive.then(work);
    this.exclusive = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private notifyAbort(error: unknown): void {
    try {
      this.options.onAbort?.(error);
    } catch (err) {
      this.options.logger.error({ event: 'processor.abort_hook_failed', err }, 'onAbort failed');
    }
  }

  private scheduleTick(tick: NonNullable<ProcessorOptions<E>['tick']>): void {
    this.tickTimer = setTimeout(() => {
      this.tickInFlight = this.runTick(tick).finally(() => {
        this.tickInFlight = undefined;
        if (this.ticking) this.scheduleTick(tick);
      });
    }, tick.intervalMs);
  }

  private async runTick(tick: NonNullable<ProcessorOptions<E>['tick']>): Promise<void> {
    await this.serially(async () => {
      if (!this.ticking || !this.joined) return;
      try {
        const outputs = await tick.run();
        if (outputs.length === 0) return;
        const topicMessages = await this.encode(outputs);
        if (this.options.mode === 'exactly-once') await this.commitTransaction(topicMessages);
        else await this.send(this.producer!, topicMessages);
        this.stats.produced += outputs.length;
        this.countProduced(topicMessages);
      } catch (err) {
        this.notifyAbort(err);
        this.options.logger.warn(
          { event: 'processor.tick_failed', err },
          'periodic work failed; retried at the next interval',
        );
      }
    });
  }

  /** One transaction: the messages, and the consumed offset of a batch (none for a tick). */
  private async commitTransaction(
    topicMessages: Array<{ topic: string; messages: Message[] }>,
    consumed?: { topic: string; partition: number; lastOffset: string },
  ): Promise<void> {
    let txn: Transaction | undefined;
    try {
      txn = await this.producer!.transaction();
      await this.send(txn, topicMessages);
      await this.options.beforeCommit?.();
      if (consumed) {
        const { topic, partition, lastOffset } = consumed;
        await txn.sendOffsets({
          consumerGroupId: this.options.groupId,
          topics: [
            { topic, partitions: [{ partition, offset: (BigInt(lastOffset) + 1n).toString() }] },
          ],
        });
      }
      await txn.commit();
    } catch (e) {
      if (txn?.isActive()) await txn.abort().catch(() => undefined);
      throw e;
    }
  }

  /**
   * Sends in requests of at most `MAX_SEND_BYTES` each, one after another: a single request with
   * all of a batch's outputs could exceed the broker's `message.max.bytes` (see split-sends.ts).
   */
  private async send(
    target: Producer | Transaction,
    topicMessages: Array<{ topic: string; messages: Message[] }>,
  ): Promise<void> {
    for (const part of splitSends(topicMessages, MAX_SEND_BYTES)) {
      await target.sendBatch({ topicMessages: part, acks: -1 });
    }
  }

  /** Groups outputs by topic and encodes them: an await per topic, not per record. */
  private async encode(
    outputs: readonly OutputRecord[],
  ): Promise<Array<{ topic: string; messages: Message[] }>> {
    const byTopic = new Map<
      string,
      { encode: ((value: never) => Buffer) | null; messages: Message[] }
    >();
    for (const out of outputs) {
      let group = byTopic.get(out.topic.name);
      if (group === undefined) {
        const encode =
          'bytes' in out
            ? null
            : await this.options.codec.encoder(out.topic as TopicSpec<EventName>);
        byTopic.set(out.topic.name, (group = { encode, messages: [] }));
      }
      const message: Message = {
        key: out.key,
        value: 'bytes' in out ? out.bytes : group.encode!(out.value as never),
      };
      if (out.headers !== undefined) message.headers = out.headers;
      if (out.partition !== undefined) message.partition = out.partition;
      group.messages.push(message);
    }
    return [...byTopic].map(([topic, { messages }]) => ({ topic, messages }));
  }
}
