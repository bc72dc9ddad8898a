import { randomUUID } from 'node:crypto';
import type { EventCodec, TopicCatalog } from '@kanary/contracts';
import { ProcessorRunner, type InputRecord } from '@kanary/kafka';
import type { Logger, Registry } from '@kanary/observability';
import type { Kafka } from 'kafkajs';
import type { DecisionEngine } from '../core/index.js';
import type { DecisionMetrics } from './decision-metrics.js';

type DataEvent = 'Evaluation' | 'RoutedRequest' | 'Prediction';

export interface DecisionInputsOptions {
  kafka: Kafka;
  codec: EventCodec;
  topics: TopicCatalog;
  engine: DecisionEngine;
  logger: Logger;
  registry: Registry;
  metrics: DecisionMetrics;
  service: string;
  /** The groups of this start are `<prefix>.<random>.state` and `<prefix>.<random>.data`. */
  groupIdPrefix: string;
  /** Also read `inference.predictions` (shadow agreement). */
  readPredictions: boolean;
  onFatal(error: Error): void;
}

/**
 * Feeds the engine from its input topics, rebuilding its statistics from the beginning of the
 * topics on every start: nothing is committed, so a restarted service (after a crash or not)
 * reads the same records as an uninterrupted one, and the engine, being deterministic, reaches
 * the same statistics. Every start reads in consumer groups of its own, so each instance sees
 * every partition (a second instance judges the same way and issues the same command ids, which
 * the router de-duplicates); the groups are deleted on stop.
 *
 * Order: `rollout.state` is read to its end first, so every rollout is known before the
 * evaluations, routed requests and predictions that belong to it arrive (the engine ignores
 * inputs of a rollout it does not know). Undecodable or invalid records go to the dead-letter
 * topic (again on every rebuild: the source topic, partition and offset headers identify
 * repeats).
 */
export class DecisionInputs {
  private readonly states: ProcessorRunner<'RolloutState'>;
  private readonly data: ProcessorRunner<DataEvent>;
  private stopped = false;

  constructor(private readonly options: DecisionInputsOptions) {
    const { kafka, codec, topics, logger, registry, service, onFatal, engine } = options;
    const run = `${options.groupIdPrefix}.${randomUUID()}`;
    const common = {
      kafka,
      codec,
      logger,
      service,
      dlq: topics.dlq,
      mode: 'at-least-once' as const,
      commitOffsets: false,
      fromBeginning: true,
      metrics: registry,
      onFatal,
    };
    this.states = new ProcessorRunner<'RolloutState'>({
      ...common,
      groupId: `${run}.state`,
      inputs: [topics.state],
      process: (records) => {
        for (const record of records) engine.onState(record.value);
        return Promise.resolve([]);
      },
    });
    this.data = new ProcessorRunner<DataEvent>({
      ...common,
      groupId: `${run}.data`,
      inputs: [
        topics.evaluations,
        topics.routed,
        ...(options.readPredictions ? [topics.predictions] : []),
      ],
      process: (records) => {
        for (const record of records) this.feed(record);
        return Promise.resolve([]);
      },
    });
  }

  /**
   * Starts reading and resolves once everything on the input topics at start-up has been fed
   * to the engine: the states first, then the rest.
   * @throws CatchUpTimeoutError when that takes longer than `timeoutMs` in all.
   */
  async start(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const left = () => {
      if (this.stopped) throw new Error('the decision inputs were stopped while starting');
      return Math.max(1, deadline - Date.now());
    };
    await this.states.start();
    await this.states.catchUp(left());
    left();
    await this.data.start();
    await this.data.catchUp(left());
  }

  /** Records fed so far, per runner. */
  stats(): { states: number; data: number; deadLettered: number } {
    return {
      states: this.states.stats.processed,
      data: this.data.stats.processed,
      deadLettered: this.states.stats.deadLettered + this.data.stats.deadLettered,
    };
  }

  /** Stops both readers (a pending {@link start} fails) and deletes their groups. */
  async stop(): Promise<void> {
    this.stopped = true;
    const results = await Promise.allSettled([this.data.stop(), this.states.stop()]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private feed(record: InputRecord<DataEvent>): void {
    const { engine, metrics } = this.options;
    switch (record.topic.event) {
      case 'Evaluation': {
        const evaluation = (record as InputRecord<'Evaluation'>).value;
        metrics.evaluation(evaluation);
        engine.onEvaluation(evaluation);
        return;
      }
      case 'RoutedRequest': {
        const routed = (record as InputRecord<'RoutedRequest'>).value;
        engine.onRouted({
          requestId: routed.requestId,
          model: routed.model,
          rolloutId: routed.rolloutId,
          variant: routed.variant,
          role: routed.role,
          served: routed.served,
          routedAt: routed.routedAt,
          routingKey: routed.routingKey,
        });
        return;
      }
      case 'Prediction':
        engine.onPrediction?.((record as InputRecord<'Prediction'>).value);
        return;
    }
  }
}
