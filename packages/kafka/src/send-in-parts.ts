import type { Producer, Transaction } from 'kafkajs';
import { MAX_SEND_BYTES, splitSends, type TopicMessages } from './split-sends.js';

/**
 * Sends messages (acks=all) in requests of at most `MAX_SEND_BYTES` per topic, one after
 * another: a single request with all of a batch's outputs could carry a record batch over the
 * broker's `message.max.bytes` (see split-sends.ts). Inside a transaction the parts still commit
 * or abort together.
 */
export async function sendInParts(
  target: Pick<Producer | Transaction, 'sendBatch'>,
  topicMessages: readonly TopicMessages[],
): Promise<void> {
  for (const part of splitSends(topicMessages, MAX_SEND_BYTES)) {
    await target.sendBatch({ topicMessages: part, acks: -1 });
  }
}
