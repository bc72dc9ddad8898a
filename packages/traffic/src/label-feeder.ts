import { randomUUID } from 'node:crypto';
import type { EventCodec, GroundTruthLabel, Prediction, TopicSpec } from '@kanary/contracts';
import type { Logger } from '@kanary/observability';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { dependsOnOutcome, isUnlabelled, labelDelay, type LabelPlan } from './label-plan.js';
import { LabelSchedule, type ScheduledLabel } from './label-schedule.js';

export interface OutcomeSource {
  readonly kafka: Kafka;
  readonly predictions: TopicSpec<'Prediction'>;
  /**
   * How long to wait for a request's served prediction; past it the label is scheduled as if
   * the prediction were right (and counted in `withoutPrediction`).
   */
  readonly waitMs: number;
}

export interface LabelFeederOptions {
  /** An idempotent producer, connected; the feeder does not disconnect it. */
  readonly producer: Producer;
  readonly codec: EventCodec;
  readonly labels: TopicSpec<'GroundTruthLabel'>;
  readonly plan: LabelPlan;
  /** Required when the plan's delay depends on the outcome (`plan.wrongDelay` is set). */
  readonly outcome?: OutcomeSource | undefined;
  readonly logger?: Logger | undefined;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Labels per produce request. @default 1000 */
  readonly maxBatch?: number;
}

export interface LabelFeederStats {
  /** Requests handed to the feeder. */
  offered: number;
  /** Requests left unlabelled on purpose. */
  unlabelled: number;
  /** Labels produced. */
  sent: number;
  /** Labels scheduled after a right / wrong (or failed) served prediction. */
  servedRight: number;
  servedWrong: number;
  /** Labels scheduled without having seen the served prediction within the wait. */
  withoutPrediction: number;
}

const MAX_TIMER_MS = 2_147_483_647;

interface Awaiting {
  readonly model: string;
  readonly trueLabel: string;
  readonly expiresAt: number;
}

/**
 * Publishes each request's true label to the labels topic once its delay has passed. Pending
 * labels wait in a timer heap; one timer is armed for the earliest. With an outcome-dependent
 * plan the feeder also reads the predictions topic (read_committed, from the offsets current at
 * `start`), and the delay — counted from when the served prediction is seen — depends on
 * whether that prediction was right.
 */
export class LabelFeeder {
  readonly stats: LabelFeederStats = {
    offered: 0,
    unlabelled: 0,
    sent: 0,
    servedRight: 0,
    servedWrong: 0,
    withoutPrediction: 0,
  };
  private readonly schedule = new LabelSchedule();
  /** Requests waiting for their served prediction, in offer order (so expiry order too). */
  private readonly awaiting = new Map<string, Awaiting>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private sending: Promise<void> | undefined;
  private failure: unknown;
  private stopped = false;
  private consumer: Consumer | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly options: LabelFeederOptions) {
    this.now = options.now ?? Date.now;
    if (dependsOnOutcome(options.plan) && !options.outcome) {
      throw new Error('an outcome-dependent label delay needs the predictions topic to read');
    }
  }

  /** Labels not yet produced: scheduled plus those waiting for their prediction. */
  get pending(): number {
    return this.schedule.size + this.awaiting.size;
  }

  /** Starts reading predictions when the plan needs them; resolves once the reader is placed. */
  async start(): Promise<void> {
    const outcome = this.options.outcome;
    if (!outcome || !dependsOnOutcome(this.options.plan)) return;
    const topic = outcome.predictions.name;
    const admin = outcome.kafka.admin();
    await admin.connect();
    // Read from the offsets current now: earlier predictions belong to other requests.
    const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const consumer = outcome.kafka.consumer({
      groupId: `kanary-label-feeder-${randomUUID()}`,
      readUncommitted: false,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        let prediction: Prediction;
        try {
          prediction = await this.options.codec.decode(outcome.predictions, message.value);
        } catch (e) {
          this.options.logger?.warn(
            { event: 'labels.prediction_undecodable', offset: message.offset, err: e },
            'skipping a prediction that cannot be decoded',
          );
          return;
        }
        this.onPrediction(prediction);
      },
    });
    for (const { partition, offset } of ends) consumer.seek({ topic, partition, offset });
  }

  /** Hands over a request whose send was acknowledged at `sentAt` (epoch ms). */
  offer(request: { requestId: string; model: string; trueLabel: string; sentAt: number }): void {
    if (this.stopped) throw new Error('the label feeder is stopped');
    this.stats.offered += 1;
    const { plan } = this.options;
    if (isUnlabelled(plan, request.requestId)) {
      this.stats.unlabelled += 1;
      return;
    }
    if (dependsOnOutcome(plan)) {
      this.awaiting.set(request.requestId, {
        model: request.model,
        trueLabel: request.trueLabel,
        expiresAt: request.sentAt + this.options.outcome!.waitMs,
      });
    } else {
      this.add(request.requestId, request.model, request.trueLabel, request.sentAt, undefined);
    }
    this.arm();
  }

  /** Resolves once every offered request's label is produced (or rejects if producing failed). */
  drain(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.failure !== undefined) reject(this.failure as Error);
        else if (this.pending === 0 && this.sending === undefined) resolve();
        else this.idleWaiters.push(check);
      };
      check();
    });
  }

  /** Stops timers and the prediction reader; returns how many labels were never produced. */
  async stop(): Promise<{ dropped: number }> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sending?.catch(() => undefined);
    await this.consumer?.disconnect();
    this.consumer = undefined;
    const dropped = this.schedule.clear() + this.awaiting.size;
    this.awaiting.clear();
    this.wakeWaiters();
    return { dropped };
  }

  private onPrediction(prediction: Prediction): void {
    if (!prediction.served || this.stopped) return;
    const waiting = this.awaiting.get(prediction.requestId);
    if (!waiting) return;
    this.awaiting.delete(prediction.requestId);
    const correct = prediction.status === 'OK' && prediction.output === waiting.trueLabel;
    this.add(prediction.requestId, waiting.model, waiting.trueLabel, this.now(), correct);
    this.arm();
  }

  private add(
    requestId: string,
    model: string,
    label: string,
    from: number,
    correct: boolean | undefined,
  ): void {
    if (correct === true) this.stats.servedRight += 1;
    if (correct === false) this.stats.servedWrong += 1;
    const dueAt = Math.round(from + labelDelay(this.options.plan, requestId, correct));
    this.schedule.add({ requestId, model, label, dueAt });
  }

  /** Requests whose prediction did not come in time get a label as if it had been right. */
  private expireAwaiting(now: number): void {
    for (const [requestId, waiting] of this.awaiting) {
      if (waiting.expiresAt > now) break;
      this.awaiting.delete(requestId);
      this.stats.withoutPrediction += 1;
      this.add(requestId, waiting.model, waiting.trueLabel, waiting.expiresAt, undefined);
    }
  }

  /** Arms the timer for the earliest due label or expiry, unless one is armed for sooner. */
  private arm(): void {
    if (this.stopped || this.sending) return;
    const firstAwaiting = this.awaiting.values().next();
    const next = Math.min(
      this.schedule.nextDueAt() ?? Number.POSITIVE_INFINITY,
      firstAwaiting.done ? Number.POSITIVE_INFINITY : firstAwaiting.value.expiresAt,
    );
    if (next === Number.POSITIVE_INFINITY || (this.timer && this.timerAt <= next)) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    // Node's timers overflow past 2^31 − 1 ms (about 24.8 days) and would fire at once; a timer
    // that fires early finds nothing due and re-arms.
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, next - this.now()));
    this.timer = setTimeout(() => this.pump(), wait);
  }

  private pump(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.stopped || this.sending) return;
    const now = this.now();
    this.expireAwaiting(now);
    const due = this.schedule.takeDue(now, this.options.maxBatch ?? 1_000);
    if (due.length === 0) {
      this.arm();
      this.wakeWaiters();
      return;
    }
    this.sending = this.send(due).then(
      () => {
        this.sending = undefined;
        this.pump();
      },
      (e: unknown) => {
        this.sending = undefined;
        this.failure = e;
        this.options.logger?.error(
          { event: 'labels.produce_failed', err: e },
          'cannot produce labels',
        );
        this.wakeWaiters();
      },
    );
  }

  private async send(due: readonly ScheduledLabel[]): Promise<void> {
    const messages = await Promise.all(
      due.map(async (d) => {
        const value: GroundTruthLabel = {
          requestId: d.requestId,
          model: d.model,
          label: d.label,
          timestamp: d.dueAt,
          outcomes: null,
        };
        return {
          key: d.requestId,
          value: await this.options.codec.encode(this.options.labels, value),
        };
      }),
    );
    await this.options.producer.send({ topic: this.options.labels.name, messages, acks: -1 });
    this.stats.sent += due.length;
  }

  private wakeWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
