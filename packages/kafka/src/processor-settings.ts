import type { ProcessorOptions } from './processor-options.js';

/** What a runner reads of its options once defaults are applied and combinations checked. */
export interface ProcessorSettings {
  readonly commitOffsets: boolean;
  /** 0: no consumer-lag gauge. */
  readonly lagIntervalMs: number;
  readonly fromBeginning: boolean;
  readonly exactlyOnce: boolean;
  /** Prefix of the tasks' transactional ids (exactly-once mode). */
  readonly transactionalIdPrefix: string | undefined;
  /** kafkajs config of the at-least-once mode's one idempotent producer. */
  readonly producer: { readonly idempotent: true; readonly maxInFlightRequests: 1 };
  /** kafkajs' `partitionsConsumedConcurrently`. */
  readonly partitionsConcurrently: number;
  /** kafkajs consumer config: read_committed, the runner's timeouts, then the caller's overrides. */
  readonly consumer: NonNullable<ProcessorOptions['consumer']> & { readonly groupId: string };
  /** kafkajs commits resolved offsets itself only in at-least-once mode, and only if asked to. */
  readonly autoCommit: boolean;
}

/** kafkajs' default `maxBytes` of a fetch response: a `minBytes` only a full fetch reaches. */
const FULL_FETCH = 10 * 1024 * 1024;

/**
 * Applies a runner's defaults and rejects option combinations that cannot work, before anything
 * connects.
 * @throws Error naming the combination.
 */
export function processorSettings(
  options: Pick<
    ProcessorOptions,
    | 'mode'
    | 'transactionalIdPrefix'
    | 'partitionsConcurrently'
    | 'commitIntervalMs'
    | 'commitOffsets'
    | 'groupId'
    | 'consumer'
    | 'lagIntervalMs'
    | 'fromBeginning'
  >,
): ProcessorSettings {
  const exactlyOnce = options.mode === 'exactly-once';
  if (exactlyOnce && !options.transactionalIdPrefix) {
    throw new Error('exactly-once processing needs a transactionalIdPrefix');
  }
  const partitionsConcurrently = options.partitionsConcurrently ?? (exactlyOnce ? 8 : 1);
  if (!Number.isInteger(partitionsConcurrently) || partitionsConcurrently < 1) {
    throw new Error('partitionsConcurrently must be a positive integer');
  }
  const commitIntervalMs = options.commitIntervalMs ?? 0;
  if (!Number.isInteger(commitIntervalMs) || commitIntervalMs < 0) {
    throw new Error('commitIntervalMs must be a non-negative integer');
  }
  const commitOffsets = options.commitOffsets ?? true;
  if (exactlyOnce && !commitOffsets) {
    throw new Error('exactly-once processing commits offsets in its transactions');
  }
  return {
    commitOffsets,
    lagIntervalMs: options.lagIntervalMs ?? 10_000,
    fromBeginning: options.fromBeginning ?? true,
    exactlyOnce,
    transactionalIdPrefix: exactlyOnce ? options.transactionalIdPrefix : undefined,
    producer: { idempotent: true, maxInFlightRequests: 1 },
    partitionsConcurrently,
    consumer: {
      groupId: options.groupId,
      readUncommitted: false,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_500,
      rebalanceTimeout: 30_000,
      // The broker answers a fetch once it holds minBytes or maxWaitTimeInMs has passed: a
      // minimum no fetch reaches makes every fetch gather records for the whole interval.
      ...(commitIntervalMs > 0 ? { maxWaitTimeInMs: commitIntervalMs, minBytes: FULL_FETCH } : {}),
      ...options.consumer,
    },
    autoCommit: !exactlyOnce && commitOffsets,
  };
}
