import type { IHeaders, Message } from 'kafkajs';

/** Messages for one topic, as kafkajs' `sendBatch` takes them. */
export interface TopicMessages {
  readonly topic: string;
  readonly messages: Message[];
}

/**
 * Upper bound of one topic's message bytes in one produce request. A broker rejects a record
 * batch larger than `message.max.bytes` (default 1048588, also the default of a topic's
 * `max.message.bytes`) with MESSAGE_TOO_LARGE, which kafkajs does not retry, and kafkajs puts
 * all of one send's messages for a partition into a single batch. A processor's outputs can
 * outgrow its input batch (a join's changelog entries are larger than the labels that caused
 * them), so a full fetch would otherwise stop the consumer for good. The limit is per batch, so
 * per partition: bounding each topic's bytes (all of them might go to one partition) keeps every
 * batch under it, however many topics a send carries. Half the broker default leaves room for
 * batch framing and a topic configured below the default.
 */
export const MAX_SEND_BYTES = 512 * 1024;

/** Record framing on top of key, value and headers: the varints of a v2 record, at most. */
const RECORD_OVERHEAD_BYTES = 24;

const size = (data: Buffer | string | null | undefined): number =>
  data === null || data === undefined
    ? 0
    : typeof data === 'string'
      ? Buffer.byteLength(data)
      : data.length;

function headerBytes(headers: IHeaders | undefined): number {
  if (headers === undefined) return 0;
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) bytes += Buffer.byteLength(name) + size(v) + 8;
  }
  return bytes;
}

/** Estimated bytes of a message in a record batch. */
export function messageBytes(message: Message): number {
  return (
    size(message.key) + size(message.value) + headerBytes(message.headers) + RECORD_OVERHEAD_BYTES
  );
}

/**
 * Splits messages into consecutive sends carrying at most `maxBytes` of each topic (a message
 * larger than that travels alone for its topic): send i holds the i-th run of every topic that
 * has one. Each topic's messages keep their order across the sends, so sending them one after
 * another, each awaited, keeps every partition's order; inside a transaction they still commit
 * or abort together. A batch's outputs usually fit one send: fewer round trips per transaction.
 */
export function splitSends(
  topicMessages: readonly TopicMessages[],
  maxBytes: number,
): TopicMessages[][] {
  const sends: TopicMessages[][] = [];
  for (const { topic, messages } of topicMessages) {
    let run: Message[] = [];
    let bytes = 0;
    let index = 0;
    const close = () => {
      if (run.length === 0) return;
      (sends[index] ??= []).push({ topic, messages: run });
      index += 1;
      run = [];
      bytes = 0;
    };
    for (const message of messages) {
      const b = messageBytes(message);
      if (bytes > 0 && bytes + b > maxBytes) close();
      run.push(message);
      bytes += b;
    }
    close();
  }
  return sends;
}
