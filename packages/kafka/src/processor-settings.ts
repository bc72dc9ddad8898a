import type { ProcessorOptions } from './processor-options.js';

/** What a runner reads of its options once defaults are applied and combinations checked. */
export interface ProcessorSettings {
  readonly commitOffsets: boolean;
  /** 0: no consumer-lag gauge. */
  readonly lagIntervalMs: number;
  readonly fromBeginning: boolean;
  /** kafkajs producer config: transactional in exactly-once mode, idempotent in both. */
  readonly producer: {
    readonly transactionalId?: string;
    readonly idempotent: true;
    readonly maxInFlightRequests: 1;
  };
  /** kafkajs consumer config: read_committed, the runner's timeouts, then the caller's overrides. */
  readonly consumer: NonNullable<ProcessorOptions['consumer']> & { readonly groupId: string };
  /** kafkajs commits resolved offsets itself only in at-least-once mode, and only if asked to. */
  readonly autoCommit: boolean;
}

/**
 * Applies a runner's defaults and rejects option combinations that cannot work, before anything
 * connects.
 * @throws Error naming the combination.
 */
export function processorSettings(
  options: Pick<
    ProcessorOptions,
    | 'mode'
    | 'transactionalId'
    | 'commitOffsets'
    | 'groupId'
    | 'consumer'
    | 'lagIntervalMs'
    | 'fromBeginning'
  >,
): ProcessorSettings {
  const exactlyOnce = options.mode === 'exactly-once';
  if (exactlyOnce && !options.transactionalId) {
    throw new Error('exactly-once processing needs a transactionalId');
  }
  const commitOffsets = options.commitOffsets ?? true;
  if (exactlyOnce && !commitOffsets) {
    throw new Error('exactly-once processing commits offsets in its transactions');
  }
  return {
    commitOffsets,
    lagIntervalMs: options.lagIntervalMs ?? 10_000,
    fromBeginning: options.fromBeginning ?? true,
    producer: exactlyOnce
      ? { transactionalId: options.transactionalId!, idempotent: true, maxInFlightRequests: 1 }
      : { idempotent: true, maxInFlightRequests: 1 },
    consumer: {
      groupId: options.groupId,
      readUncommitted: false,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_500,
      rebalanceTimeout: 30_000,
      ...options.consumer,
    },
    autoCommit: !exactlyOnce && commitOffsets,
  };
}
