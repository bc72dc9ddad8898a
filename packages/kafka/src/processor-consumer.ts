import type { Logger } from '@kanary/observability';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import type { ConsumerLag } from './consumer-lag.js';
import type { ProcessorOptions } from './processor-options.js';
import type { ReadProgress } from './read-progress.js';

/** A processor's consumer, with what its events told about its group membership. */
export interface ProcessorConsumer {
  readonly consumer: Consumer;
  /**
   * True from each join of the group until this member notices a rebalance, or its consumer
   * crashes.
   */
  readonly joined: boolean;
}

/**
 * Creates a processor's consumer and follows its events: each join hands the assignment to the
 * lag gauge and the `onAssignment` hook; a crash for good fails pending catch-ups and reports
 * `onFatal`; a fetched batch with no records still moves the read position.
 */
export function processorConsumer(
  kafka: Kafka,
  config: ConsumerConfig,
  hooks: Pick<ProcessorOptions, 'onAssignment' | 'onFatal'> & {
    readonly logger: Logger;
    readonly progress: ReadProgress;
    readonly lag: ConsumerLag | undefined;
    /** The runner's own handling of a new generation's assignment, before `onAssignment`. */
    readonly onJoin: (assignment: Readonly<Record<string, number[]>>) => void;
  },
): ProcessorConsumer {
  const { logger, progress, lag, onAssignment, onFatal, onJoin } = hooks;
  const consumer = kafka.consumer(config);
  const { events } = consumer;
  let joined = false;
  consumer.on(events.GROUP_JOIN, (e) => onJoin(e.payload.memberAssignment));
  if (lag) {
    consumer.on(events.GROUP_JOIN, (e) => lag.assign(e.payload.memberAssignment));
  }
  if (onAssignment) {
    consumer.on(events.GROUP_JOIN, (e) => {
      void Promise.resolve(onAssignment(e.payload.memberAssignment)).catch((err: unknown) =>
        logger.error({ event: 'processor.assignment_failed', err }, 'assignment hook failed'),
      );
    });
  }
  consumer.on(events.GROUP_JOIN, () => {
    joined = true;
  });
  consumer.on(events.REBALANCING, () => {
    joined = false;
  });
  consumer.on(events.CRASH, (e) => {
    joined = false;
    if (!e.payload.restart) {
      progress.fail(e.payload.error);
      onFatal?.(e.payload.error);
    }
    logger.warn(
      { event: 'processor.consumer_crash', err: e.payload.error, restart: e.payload.restart },
      'consumer crashed',
    );
  });
  // A batch of only transaction markers or aborted records never reaches the batch handler; its
  // end still counts as read. (Batches with records advance the position in the handler, once
  // processed: this event also fires for a batch skipped as stale.)
  consumer.on(events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize === 0) {
      progress.advance(payload.topic, payload.partition, Number(payload.lastOffset) + 1);
    }
  });
  return {
    consumer,
    get joined() {
      return joined;
    },
  };
}
