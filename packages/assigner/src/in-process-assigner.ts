import { randomUUID } from 'node:crypto';
import {
  EventCodec,
  topicCatalog,
  type InferenceRequest,
  type RoutedRequest,
  type TopicCatalog,
} from '@kanary/contracts';
import { GroupCommit, GroupCommitFullError } from '@kanary/kafka';
import { createLogger, type Logger } from '@kanary/observability';
import {
  answerOf,
  RolloutBook,
  routeRequest,
  type AssignAnswer,
  type PolicyInput,
  type RolloutState,
} from '@kanary/rollout';
import type { Kafka, Message, Producer } from 'kafkajs';
import { StateView } from './state-view.js';

/** A request to assign, as `POST /v1/assign` takes it. */
export interface AssignInput {
  readonly model: string;
  /** Sticky key (user, session, …); without it the requestId is used (no stickiness). */
  readonly routingKey?: string | null;
  /** The caller's id for the request (the join key for labels); generated when absent. */
  readonly requestId?: string;
  /** Model input, recorded as JSON text on `inference.routed`. @default {} */
  readonly features?: Readonly<Record<string, unknown>> | string;
}

/** No rollout state and no default variant for the model. */
export class UnknownModelError extends Error {
  override readonly name = 'UnknownModelError';
}

export interface InProcessAssignerOptions {
  /** A kafkajs client (`createKafka` of `@kanary/kafka` builds one from the usual settings). */
  readonly kafka: Kafka;
  /** The schema registry, or a codec on it. */
  readonly registryUrl?: string;
  readonly codec?: EventCodec;
  /** `KANARY_TOPIC_PREFIX` of the installation. @default "kanary" */
  readonly topicPrefix?: string;
  /** What a model without a rollout serves (`ROUTER_DEFAULT_VARIANTS` of the router). */
  readonly defaultVariants?: Readonly<Record<string, string>>;
  /** The installation's default policy (`KANARY_DEFAULT_POLICY`), read for its segment feature. */
  readonly defaultPolicy?: PolicyInput;
  /** How long the first assignment of an idle moment waits for more to share a produce, ms. @default 5 */
  readonly lingerMs?: number;
  /** Most routed records per produce. @default 1000 */
  readonly maxBatch?: number;
  /**
   * Routed records not yet durable beyond which {@link InProcessAssigner.assign} refuses
   * (GroupCommitFullError): the bound of what a crash can lose and of the memory held while
   * Kafka is unreachable. @default 100000
   */
  readonly maxPending?: number;
  /** Wait before a failed produce is tried again, ms. @default 1000 */
  readonly retryBackoffMs?: number;
  /** Longest the start may take to read `rollout.state`, ms. @default 60000 */
  readonly restoreTimeoutMs?: number;
  /** Prefix of the state reader's consumer group (a random suffix is added). */
  readonly groupIdPrefix?: string;
  readonly logger?: Logger;
  /** Epoch ms. @default Date.now */
  readonly clock?: () => number;
}

/** Counts since the start. */
export interface AssignerStats {
  /** Assignments answered. */
  assigned: number;
  /** Routed records durable on `inference.routed`. */
  recorded: number;
  /** Produces that failed and were tried again. */
  retried: number;
}

/**
 * Assigns in the caller's process, as the router's `POST /v1/assign` does — the same rollout
 * state (the compacted `rollout.state`, followed live), the same table and hash, the same answer
 * — without a network hop: {@link assign} answers at once, synchronously, and the assignment
 * (served record and shadow copies, dispatch `CALLER`) is recorded on `inference.routed` in the
 * background, grouped into produces of an idempotent producer (acks=all).
 *
 * Durability comes after the answer, where `/v1/assign` gives it before: records not yet
 * produced when the process dies are lost (at most `lingerMs` plus one produce's worth, or
 * everything pending while Kafka is unreachable — bounded by `maxPending`, past which
 * {@link assign} refuses). A failed produce is tried again after `retryBackoffMs` until it
 * succeeds or the assigner stops. {@link flush} waits until everything assigned so far is
 * durable.
 */
export class InProcessAssigner {
  readonly stats: AssignerStats = { assigned: 0, recorded: 0, retried: 0 };
  private readonly book: RolloutBook;
  private readonly view: StateView;
  private readonly group: GroupCommit<Message>;
  private readonly topics: TopicCatalog;
  private readonly codec: EventCodec;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private producer: Producer | undefined;
  /** Recordings not settled yet (for {@link flush}). */
  private readonly inFlight = new Set<Promise<void>>();
  /** Routed records answered and not durable yet. */
  private unrecorded = 0;
  private stopping = false;

  private constructor(private readonly options: InProcessAssignerOptions) {
    if (options.codec === undefined && options.registryUrl === undefined) {
      throw new Error('the in-process assigner needs a registryUrl or a codec');
    }
    this.codec = options.codec ?? new EventCodec({ url: options.registryUrl! });
    this.topics = topicCatalog({ prefix: options.topicPrefix ?? 'kanary' });
    this.logger = options.logger ?? createLogger({ service: 'assigner' });
    this.clock = options.clock ?? Date.now;
    this.book = new RolloutBook(options.defaultVariants ?? {}, options.defaultPolicy);
    this.view = new StateView({
      kafka: options.kafka,
      codec: this.codec,
      topic: this.topics.state,
      book: this.book,
      logger: this.logger,
      groupIdPrefix: options.groupIdPrefix ?? `${options.topicPrefix ?? 'kanary'}.assigner`,
      timeoutMs: options.restoreTimeoutMs ?? 60_000,
    });
    this.group = new GroupCommit<Message>({
      lingerMs: options.lingerMs ?? 5,
      maxBatch: options.maxBatch ?? 1_000,
      maxPending: options.maxPending ?? 100_000,
      write: async (messages) => {
        if (this.producer === undefined) throw new Error('the in-process assigner is stopped');
        await this.producer.send({
          topic: this.topics.routed.name,
          messages: [...messages],
          acks: -1,
        });
      },
      onWrite: (records) => {
        this.stats.recorded += records;
      },
    });
  }

  /** Connects, reads `rollout.state` to its end, and returns an assigner ready to answer. */
  static async start(options: InProcessAssignerOptions): Promise<InProcessAssigner> {
    const assigner = new InProcessAssigner(options);
    try {
      const producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      assigner.producer = producer;
      await assigner.view.start();
      await assigner.view.catchUp();
    } catch (error) {
      await assigner.stop().catch(() => undefined);
      throw error;
    }
    return assigner;
  }

  /**
   * Assigns a request: which variant serves it, which shadows get copies. The records are
   * produced in the background.
   * @throws UnknownModelError for a model with neither a rollout state nor a default variant;
   * GroupCommitFullError when `maxPending` records are waiting to be produced.
   */
  assign(input: AssignInput): AssignAnswer {
    if (this.stopping) throw new Error('the in-process assigner is stopped');
    const now = this.clock();
    const features = input.features ?? '{}';
    const request: InferenceRequest = {
      requestId: input.requestId ?? randomUUID(),
      model: input.model,
      routingKey: input.routingKey ?? null,
      features: typeof features === 'string' ? features : JSON.stringify(features),
      timestamp: now,
    };
    const routed = routeRequest(this.book.table, request, now, 'CALLER');
    if (routed.kind === 'unknown-model') {
      throw new UnknownModelError(
        `model "${input.model}" has no rollout state and no default variant`,
      );
    }
    if (this.unrecorded + routed.records.length > (this.options.maxPending ?? 100_000)) {
      throw new GroupCommitFullError(
        `${this.unrecorded} routed records are waiting to be produced`,
      );
    }
    this.record(routed.records);
    this.stats.assigned += 1;
    return answerOf(routed.records);
  }

  /** The rollout state the assigner routes by, per model. */
  rollout(model: string): RolloutState | undefined {
    return this.book.get(model);
  }

  /** Resolves once every assignment answered so far is on `inference.routed`. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Produces what is pending (waiting at most `timeoutMs`; what is still not durable then is
   * lost, logged with its count), then stops following the state and disconnects.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.flush(), timedOut]);
    clearTimeout(timer);
    if (this.unrecorded > 0) {
      this.logger.error(
        { event: 'assigner.records_lost', records: this.unrecorded },
        'stopped before every assignment was recorded on inference.routed',
      );
    }
    await this.view.stop().catch(() => undefined);
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  private record(records: readonly RoutedRequest[]): void {
    this.unrecorded += records.length;
    const done = this.recordUntilDurable(records);
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }

  private encode(records: readonly RoutedRequest[]): Promise<Message[]> {
    return Promise.all(
      records.map(async (value) => ({
        key: value.requestId,
        value: await this.codec.encode(this.topics.routed, value),
      })),
    );
  }

  /**
   * Encodes and produces until durable: a failed attempt (registry or broker) is tried again
   * after a back-off, until the assigner is disconnected. Never rejects.
   */
  private async recordUntilDurable(records: readonly RoutedRequest[]): Promise<void> {
    for (;;) {
      try {
        await this.group.submit(await this.encode(records));
        this.unrecorded -= records.length;
        return;
      } catch (error) {
        if (this.producer === undefined) return;
        this.stats.retried += 1;
        this.logger.warn(
          { event: 'assigner.produce_failed', records: records.length, err: error },
          'recording assignments failed; trying again',
        );
        await new Promise((resolve) => setTimeout(resolve, this.options.retryBackoffMs ?? 1_000));
      }
    }
  }
}
