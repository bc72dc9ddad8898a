import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { EventCodec, GroundTruthLabel, TopicSpec } from '@kanary/contracts';
import { DefaultPartitioner } from '@kanary/kafka';
import type { Kafka } from 'kafkajs';
import { formatOfFile, labelFileRows, type LabelFileFormat } from './label-file-rows.js';
import { labelFromRow } from './label-row.js';

export interface ImportLabelsOptions {
  readonly kafka: Kafka;
  readonly codec: EventCodec;
  readonly labels: TopicSpec<'GroundTruthLabel'>;
  readonly file: string;
  /** @default by file extension */
  readonly format?: LabelFileFormat | undefined;
  /** Model of rows without a `model` column. */
  readonly model?: string | undefined;
  /** Timestamp of rows without one. @default the import's start time */
  readonly timestamp?: number | undefined;
  /** Labels per produce request. @default 500 */
  readonly batchSize?: number | undefined;
  /** Called for every row that cannot be imported, with its 1-based line number. */
  readonly onBadRow?: ((line: number, error: string) => void) | undefined;
  /** Called after every produced batch. */
  readonly onProgress?: ((progress: ImportProgress) => void) | undefined;
}

export interface ImportProgress {
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly rows: number;
  readonly imported: number;
  readonly bad: number;
}

export type ImportReport = ImportProgress;

/**
 * Streams a CSV or JSONL file of labels (see `labelFileRows`) to the labels topic, so files
 * larger than memory import at a steady footprint. Bad rows are reported with their line number
 * and skipped; the rest is imported. Labels are keyed by requestId and produced idempotently;
 * importing the same file again publishes the same labels again, which the evaluator ignores
 * as duplicates.
 */
export async function importLabels(options: ImportLabelsOptions): Promise<ImportReport> {
  const totalBytes = (await stat(options.file)).size;
  const input = createReadStream(options.file);
  const format = options.format ?? formatOfFile(options.file);
  const rows = labelFileRows(input, format);
  const defaults = { model: options.model, timestamp: options.timestamp ?? Date.now() };
  const batchSize = options.batchSize ?? 500;
  const producer = options.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: DefaultPartitioner,
  });
  const counts = { rows: 0, imported: 0, bad: 0 };
  const progress = (): ImportProgress => ({ bytesRead: input.bytesRead, totalBytes, ...counts });
  let batch: GroundTruthLabel[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const messages = await Promise.all(
      batch.map(async (label) => ({
        key: label.requestId,
        value: await options.codec.encode(options.labels, label),
      })),
    );
    await producer.send({ topic: options.labels.name, messages, acks: -1 });
    counts.imported += batch.length;
    batch = [];
    options.onProgress?.(progress());
  };
  await producer.connect();
  try {
    for await (const entry of rows) {
      counts.rows += 1;
      const result =
        'error' in entry
          ? { ok: false as const, error: entry.error }
          : labelFromRow(entry.row, defaults);
      if (!result.ok) {
        counts.bad += 1;
        options.onBadRow?.(entry.line, result.error);
        continue;
      }
      batch.push(result.label);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    input.destroy();
    await producer.disconnect();
  }
  const report = progress();
  options.onProgress?.(report);
  return report;
}
