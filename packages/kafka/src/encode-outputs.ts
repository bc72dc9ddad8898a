import type { EventCodec, EventName, TopicSpec } from '@kanary/contracts';
import type { Message } from 'kafkajs';
import type { OutputRecord } from './processor-options.js';
import type { TopicMessages } from './split-sends.js';

/**
 * Groups outputs by topic, in the order each topic first appears and each record's order within
 * its topic kept, and encodes them: an await per topic (its schema id), not per record. Raw
 * `bytes` outputs pass through unencoded.
 * @throws what the codec throws for an output that breaks its event's rules.
 */
export async function encodeOutputs(
  codec: Pick<EventCodec, 'encoder'>,
  outputs: readonly OutputRecord[],
): Promise<TopicMessages[]> {
  const byTopic = new Map<
    string,
    { encode: ((value: never) => Buffer) | null; messages: Message[] }
  >();
  for (const out of outputs) {
    let group = byTopic.get(out.topic.name);
    if (group === undefined) {
      const encode = 'bytes' in out ? null : await codec.encoder(out.topic as TopicSpec<EventName>);
      byTopic.set(out.topic.name, (group = { encode, messages: [] }));
    }
    const message: Message = {
      key: out.key,
      value: 'bytes' in out ? out.bytes : group.encode!(out.value as never),
    };
    if (out.headers !== undefined) message.headers = out.headers;
    if (out.partition !== undefined) message.partition = out.partition;
    group.messages.push(message);
  }
  return [...byTopic].map(([topic, { messages }]) => ({ topic, messages }));
}
