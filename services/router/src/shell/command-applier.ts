import {
  KanaryError,
  isRetriable,
  type EventCodec,
  type RolloutCommand,
  type RolloutState,
  type TopicCatalog,
} from '@kanary/contracts';
import {
  ConsumerLag,
  DeadLetterCounter,
  LazyAdmin,
  TaskProducers,
  asFenced,
  commitTransaction,
  deadLetter,
  sendInParts,
  type TopicMessages,
} from '@kanary/kafka';
import type { Logger, Registry } from '@kanary/observability';
import type { Rejection } from '@kanary/rollout';
import type {
  Consumer,
  EachBatchPayload,
  Kafka,
  KafkaMessage,
  Message,
  Producer,
  Transaction,
} from 'kafkajs';
import { applyCommandBatch, type CommandResult } from '../core/command-batch.js';
import type { RolloutBook } from '@kanary/rollout';
import type { RouterMetrics } from './router-metrics.js';
import type { StateView } from '@kanary/assigner';

/** A command the state machine refused and no state can record; it goes to the DLQ. */
export class CommandRejectedError extends KanaryError {
  constructor(rejection: Rejection) {
    super(rejection.code, rejection.message);
  }
}

export interface CommandApplierOptions {
  kafka: Kafka;
  codec: EventCodec;
  topics: Pick<TopicCatalog, 'commands' | 'state' | 'dlq'>;
  book: RolloutBook;
  view: StateView;
  logger: Logger;
  metrics: RouterMetrics;
  /** Where the dead-letter counter and the commands consumer's lag gauge go. */
  registry: Registry;
  service: string;
  /** One group for all instances: each commands partition has exactly one applier. */
  groupId: string;
  /** Transactional ids are `<prefix>.p<partition>`, the same on whichever instance owns it. */
  transactionalIdPrefix: string;
  sessionTimeoutMs: number;
  clock: () => number;
}

/** A batch's commands as applied in its transaction, for after the commit. */
interface AppliedBatch {
  readonly results: readonly CommandResult[];
  readonly states: readonly RolloutState[];
  readonly letters: readonly Message[];
}

/**
 * Applies `rollout.commands` through the rollout state machine and publishes the resulting
 * states to `rollout.state`, exactly once: states, dead letters and the consumed offset commit
 * in one transaction, and the book takes the states right after the commit, so this instance
 * routes by a command's effect as soon as it is durable. Other instances learn it from the
 * state topic (see {@link StateView}).
 *
 * Why not the generic processor runner: the applier must read the latest state before applying
 * a command, including the last one the previous owner of the partition committed. The
 * transactional id therefore belongs to the partition, not to the instance (Kafka Streams'
 * original exactly-once design): the new owner's first transaction initialises that id, which
 * fences the previous owner and makes the coordinator finish its last transaction (markers
 * written), and only then does the applier read `rollout.state` to its end. It also needs a hook
 * after the commit, to update the book.
 */
export class CommandApplier {
  private consumer: Consumer | undefined;
  private readonly producers: TaskProducers;
  /** The producers (by partition) whose first batch read the state topic to its end. */
  private readonly caughtUp = new WeakSet<Producer>();
  private readonly deadLetters: DeadLetterCounter;
  private readonly lag: ConsumerLag;
  private readonly admin: LazyAdmin;
  /** Next offset per partition handled in this process, for the lag gauge. */
  private readonly positions = new Map<number, number>();

  constructor(private readonly options: CommandApplierOptions) {
    this.deadLetters = new DeadLetterCounter(options.registry);
    this.admin = new LazyAdmin(options.kafka);
    this.producers = new TaskProducers({
      kafka: options.kafka,
      transactionalIdPrefix: options.transactionalIdPrefix,
      groupId: options.groupId,
      topics: [options.topics.commands.name],
      admin: this.admin,
    });
    this.lag = new ConsumerLag({
      admin: () => this.admin.get(),
      registry: options.registry,
      logger: options.logger,
      groupId: options.groupId,
      committed: true,
      position: (_topic, partition) => this.positions.get(partition),
      intervalMs: 10_000,
    });
  }

  async start(): Promise<void> {
    const { kafka, groupId, topics, logger } = this.options;
    const consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.options.sessionTimeoutMs / 10)),
      maxWaitTimeInMs: 250,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.producers.newGeneration();
      this.lag.assign(payload.memberAssignment);
      logger.info(
        { event: 'router.commands_assigned', assignment: payload.memberAssignment },
        'command partitions assigned',
      );
    });
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      logger.warn(
        { event: 'router.command_consumer_crash', err: payload.error, restart: payload.restart },
        'command consumer crashed',
      ),
    );
    await consumer.connect();
    await consumer.subscribe({ topic: topics.commands.name, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.lag.start();
  }

  /** Stops fetching, lets the in-flight batch commit, leaves the group. */
  async stop(): Promise<void> {
    await this.lag.stop();
    await this.consumer?.disconnect();
    this.consumer = undefined;
    await this.producers.close();
    await this.admin.disconnect();
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || !payload.isRunning() || payload.isStale()) return;
    const { book, clock } = this.options;
    const { partition } = batch;
    const lastOffset = batch.messages[batch.messages.length - 1]!.offset;
    let applied: AppliedBatch | undefined;
    try {
      // Creating the partition's producer fences its previous owner (see the class doc); a
      // command that owner committed after this consumer fetched its position is not re-applied.
      const { producer, committed } = await this.producers.get(partition);
      const floor = committed.get(batch.topic);
      const messages =
        floor === undefined
          ? batch.messages
          : batch.messages.filter((m) => BigInt(m.offset) >= floor);
      if (messages.length > 0) {
        applied = await commitTransaction(
          producer,
          (txn) => this.applyBatch(txn, producer, messages, payload),
          { groupId: this.options.groupId, topic: batch.topic, partition, lastOffset },
        );
      }
    } catch (e) {
      // The next attempt starts from a fresh producer and barrier, whatever went wrong; after a
      // fence the consumer restarts and rejoins (a retriable error).
      await this.producers.drop(partition);
      throw asFenced(e, this.producers.transactionalId(partition));
    }
    if (applied !== undefined) {
      const { results, states, letters } = applied;
      const committedAt = clock();
      for (const state of states) book.offer(state);
      this.options.metrics.commands(results, committedAt);
      this.deadLetters.count(letters);
      results.forEach((r) => this.logOutcome(r));
    }
    this.positions.set(batch.partition, Number(batch.lastOffset()) + 1);
    payload.resolveOffset(lastOffset);
    await payload.heartbeat();
  }

  /**
   * Inside the batch's transaction: on a new producer's first batch reads the state topic to its
   * end, then applies the commands and sends the resulting states and dead letters.
   */
  private async applyBatch(
    txn: Transaction,
    producer: Producer,
    messages: readonly KafkaMessage[],
    payload: EachBatchPayload,
  ): Promise<AppliedBatch> {
    const { batch } = payload;
    const { book, view, topics, clock } = this.options;
    if (!this.caughtUp.has(producer)) {
      await view.catchUp(payload.heartbeat);
      this.caughtUp.add(producer);
    }
    const { commands, dead, sources } = await this.decode(batch.partition, messages);
    const outcome = applyCommandBatch((model) => book.get(model), commands, clock());
    for (const { command, result } of outcome.unrecorded) {
      if (result.outcome !== 'REJECTED') continue;
      const source = sources.get(command)!;
      dead.push(this.letter(batch.partition, source, new CommandRejectedError(result.reason)));
    }
    const topicMessages: TopicMessages[] = [];
    if (outcome.states.length > 0) {
      const messages = await Promise.all(
        outcome.states.map(async (state) => ({
          key: state.model,
          value: await this.options.codec.encode(topics.state, state),
        })),
      );
      topicMessages.push({ topic: topics.state.name, messages });
    }
    if (dead.length > 0) topicMessages.push({ topic: topics.dlq.name, messages: dead });
    // A full fetch of bad commands makes dead letters (bytes plus reason headers) larger than
    // one produce request may be: send in parts, all inside the one transaction.
    await sendInParts(txn, topicMessages);
    return { results: outcome.results, states: outcome.states, letters: dead };
  }

  private async decode(partition: number, messages: readonly KafkaMessage[]) {
    const commands: RolloutCommand[] = [];
    const dead: Message[] = [];
    const sources = new Map<RolloutCommand, KafkaMessage>();
    for (const message of messages) {
      try {
        const command = await this.options.codec.decode(
          this.options.topics.commands,
          message.value,
        );
        commands.push(command);
        sources.set(command, message);
      } catch (e) {
        if (isRetriable(e)) throw e;
        dead.push(this.letter(partition, message, e));
      }
    }
    return { commands, dead, sources };
  }

  private letter(partition: number, message: KafkaMessage, error: unknown): Message {
    const { topics, service, logger } = this.options;
    logger.warn(
      {
        event: 'router.command_dead_letter',
        partition,
        offset: message.offset,
        reason: (error as Error).message,
      },
      'command sent to the dead-letter topic',
    );
    const letter = deadLetter(
      { topic: topics.commands.name, partition, ...message, headers: message.headers },
      error,
      service,
    );
    return { key: letter.key, value: letter.value, headers: letter.headers };
  }

  private logOutcome({ command, result }: CommandResult): void {
    const fields = {
      model: command.model,
      rolloutId: command.rolloutId,
      commandId: command.commandId,
      action: command.action,
      issuedBy: command.issuedBy,
    };
    const { logger } = this.options;
    if (result.outcome === 'APPLIED') {
      const { phase, canaryWeight, seq, stepIndex } = result.state;
      logger.info(
        { event: 'router.command_applied', ...fields, phase, canaryWeight, seq, stepIndex },
        `${command.action} applied`,
      );
    } else if (result.outcome === 'REJECTED') {
      logger.warn(
        { event: 'router.command_rejected', ...fields, reasonCode: result.reason.code },
        result.reason.message,
      );
    } else {
      logger.debug({ event: 'router.command_duplicate', ...fields }, 'duplicate command ignored');
    }
  }
}
