import { randomUUID } from 'node:crypto';
import type { EventCodec, TopicCatalog } from '@kanary/contracts';
import { ProcessorRunner } from '@kanary/kafka';
import type { Logger, Registry } from '@kanary/observability';
import type { Kafka } from 'kafkajs';
import type { DecisionEngine } from '@kanary/decision-engine';
import type { DecisionMetrics } from './decision-metrics.js';

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
  onFatal(error: Error): void;
}

/**
 * Feeds the engine from the two compacted topics it decides from: `rollout.state` and the
 * evaluator's `evidence` (per-(rollout, arm, bucket) aggregates, one record per source
 * partition). Start-up reads both from the beginning — their size grows with rollouts × buckets ×
 * partitions, never with requests — and then follows them. Nothing is committed: every start
 * reads in consumer groups of its own, so each instance sees every partition (a second instance
 * judges the same way and issues the same command ids, which the router de-duplicates); the
 * groups are deleted on stop.
 *
 * Order: `rollout.state` is read to its end first, so every rollout is known before its
 * evidence is judged. Undecodable or invalid records go to the dead-letter topic (again on every
 * start: the source topic, partition and offset headers identify repeats).
 */
export class DecisionInputs {
  private readonly states: ProcessorRunner<'RolloutState'>;
  private readonly evidence: ProcessorRunner<'ArmEvidence'>;
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
    this.evidence = new ProcessorRunner<'ArmEvidence'>({
      ...common,
      groupId: `${run}.evidence`,
      inputs: [topics.evidence],
      consumer: { maxBytesPerPartition: 8 * 1024 * 1024, maxBytes: 32 * 1024 * 1024 },
      process: (records) => {
        for (const record of records) engine.onEvidence(record.value);
        options.metrics.evidenceRead(records.length);
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
    await this.evidence.start();
    await this.evidence.catchUp(left());
  }

  /** Records fed so far, per runner. */
  stats(): { states: number; evidence: number; deadLettered: number } {
    return {
      states: this.states.stats.processed,
      evidence: this.evidence.stats.processed,
      deadLettered: this.states.stats.deadLettered + this.evidence.stats.deadLettered,
    };
  }

  /** Stops both readers (a pending {@link start} fails) and deletes their groups. */
  async stop(): Promise<void> {
    this.stopped = true;
    const results = await Promise.allSettled([this.evidence.stop(), this.states.stop()]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}
