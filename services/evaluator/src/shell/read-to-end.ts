import { randomUUID } from 'node:crypto';
import { KanaryError } from '@kanary/contracts';
import type { IHeaders, Kafka } from 'kafkajs';

/** Reading partitions to their end failed or took too long; a retry may succeed. */
export class ReadToEndError extends KanaryError {
  constructor(message: string, cause?: unknown) {
    super('READ_TO_END', message, { retriable: true, cause });
  }
}

/** A record as read: raw key and value (null for a tombstone). */
export interface RawRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
}

export interface ReadToEndOptions {
  kafka: Kafka;
  topic: string;
  partitions: readonly number[];
  /** Prefix of the reader's consumer group; a random suffix makes it unique per read. */
  groupIdPrefix: string;
  /** One fetched batch of a partition, in log order; a throw stops the read with that error. */
  onRecords(partition: number, records: readonly RawRecord[]): void;
  timeoutMs: number;
  /** Stops the read (it then rejects). */
  signal?: AbortSignal;
}

export interface ReadToEndReport {
  readonly records: number;
  readonly bytes: number;
}

const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Reads partitions (e.g. of the join changelog) from their start to their end as of the call: the last stable
 * offset (what read_committed can see), so records of transactions still open — a crashed
 * predecessor's, aborted once it is fenced — are not waited for, while every committed one is
 * read. kafkajs cannot `assign` partitions without a group, so the read runs in a consumer group
 * unique to it (it commits nothing) and pauses the partitions it does not need.
 *
 * Positions come from kafkajs' end-of-batch events, which also fire for batches holding only
 * transaction markers or aborted records, so a partition ending with a commit marker is reached.
 * The last offsets before the end are never removed by compaction (the active segment is not
 * cleaned), so the end is always reached.
 */
export async function readToEnd(options: ReadToEndOptions): Promise<ReadToEndReport> {
  const { kafka, topic } = options;
  const wanted = new Set(options.partitions);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, number>;
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(
      offsets
        .filter((o) => wanted.has(o.partition) && Number(o.offset) > Number(o.low))
        .map((o) => [o.partition, Number(o.offset)]),
    );
  } finally {
    await admin.disconnect();
  }
  const report = { records: 0, bytes: 0 };
  if (ends.size === 0) return report;

  const positions = new Map<number, number>();
  const remaining = () => [...ends].filter(([p, end]) => (positions.get(p) ?? 0) < end);
  let wake: (() => void) | undefined;
  let failure: unknown;
  const consumer = kafka.consumer({
    groupId: `${options.groupIdPrefix}.${randomUUID()}`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: BATCH_BYTES,
    maxBytes: 4 * BATCH_BYTES,
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (!ends.has(payload.partition)) return;
    const next = Number(payload.lastOffset) + 1;
    if (next > (positions.get(payload.partition) ?? 0)) positions.set(payload.partition, next);
    wake?.();
  });
  // Pause what is not needed before the first fetch (the event fires before it), so that
  // concurrent restores of different partitions do not each read the whole topic.
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const others = (payload.memberAssignment[topic] ?? []).filter((p) => !ends.has(p));
    if (others.length > 0) consumer.pause([{ topic, partitions: others }]);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) failure = payload.error;
    wake?.();
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: ({ batch, pause }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) {
          pause();
          return Promise.resolve();
        }
        const records: RawRecord[] = [];
        for (const m of batch.messages) {
          if (Number(m.offset) >= end) continue;
          report.records += 1;
          report.bytes += (m.key?.length ?? 0) + (m.value?.length ?? 0);
          records.push({ offset: m.offset, key: m.key, value: m.value, headers: m.headers ?? {} });
        }
        try {
          if (records.length > 0) options.onRecords(batch.partition, records);
        } catch (e) {
          // E.g. a malformed changelog entry: the read cannot go on (skipping it would restore
          // wrong state).
          failure = e;
          pause();
          wake?.();
        }
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + options.timeoutMs;
    while (remaining().length > 0) {
      if (failure !== undefined) {
        throw failure instanceof KanaryError && !failure.retriable
          ? failure
          : new ReadToEndError(`reading ${topic} failed`, failure);
      }
      if (options.signal?.aborted) throw new ReadToEndError(`reading ${topic} was cancelled`);
      const left = deadline - Date.now();
      if (left <= 0) {
        const behind = remaining()
          .map(([p, end]) => `p${p} at ${positions.get(p) ?? 0} of ${end}`)
          .join(', ');
        throw new ReadToEndError(
          `${topic} not read to its end within ${options.timeoutMs} ms (${behind})`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    return report;
  } finally {
    await consumer.disconnect();
  }
}
