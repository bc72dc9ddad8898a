import type { EachBatchPayload, Producer, Transaction } from 'kafkajs';
import { commitTransaction } from './commit-transaction.js';
import type { DeliveryMode, ProcessorOptions } from './processor-options.js';
import { sendInParts } from './send-in-parts.js';
import type { TopicMessages } from './split-sends.js';

/** The last record of a batch, whose offset the delivery commits. */
export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly lastOffset: string;
}

/** How a runner's messages reach Kafka, and its consumed offsets with them, in one delivery mode. */
export interface Delivery {
  /**
   * Sends a batch's messages and commits the batch as consumed; the consumer's position moves
   * past it.
   */
  batch(
    topicMessages: readonly TopicMessages[],
    consumed: ConsumedBatch,
    payload: Pick<EachBatchPayload, 'resolveOffset' | 'commitOffsetsIfNecessary'>,
  ): Promise<void>;
  /** Sends a tick's messages, which consumed nothing. */
  tick(topicMessages: readonly TopicMessages[]): Promise<void>;
}

type DeliveryOptions = Pick<ProcessorOptions, 'groupId' | 'beforeCommit'> & {
  readonly mode: DeliveryMode;
  readonly commitOffsets: boolean;
};

/** The delivery for `options.mode`, on a producer configured for it. */
export function delivery(producer: Producer, options: DeliveryOptions): Delivery {
  return options.mode === 'exactly-once'
    ? exactlyOnce(producer, options)
    : atLeastOnce(producer, options);
}

/**
 * Each batch's messages and its consumed offset in one transaction; a tick's messages in a
 * transaction of their own. `beforeCommit` runs after the messages are sent, in both.
 */
function exactlyOnce(producer: Producer, options: DeliveryOptions): Delivery {
  const { groupId, beforeCommit } = options;
  const write = (topicMessages: readonly TopicMessages[]) => async (txn: Transaction) => {
    await sendInParts(txn, topicMessages);
    await beforeCommit?.();
  };
  return {
    async batch(topicMessages, consumed, payload) {
      await commitTransaction(producer, write(topicMessages), { groupId, ...consumed });
      // The offsets were committed in the transaction; this only moves the consumer's position.
      payload.resolveOffset(consumed.lastOffset);
    },
    tick: (topicMessages) => commitTransaction(producer, write(topicMessages)),
  };
}

/**
 * Messages acknowledged by all in-sync replicas, then the batch's offset committed (unless the
 * runner commits none): a crash in between re-processes the batch.
 */
function atLeastOnce(producer: Producer, options: DeliveryOptions): Delivery {
  const { beforeCommit, commitOffsets } = options;
  return {
    async batch(topicMessages, consumed, payload) {
      await sendInParts(producer, topicMessages);
      await beforeCommit?.();
      payload.resolveOffset(consumed.lastOffset);
      if (commitOffsets) await payload.commitOffsetsIfNecessary();
    },
    tick: (topicMessages) => sendInParts(producer, topicMessages),
  };
}
