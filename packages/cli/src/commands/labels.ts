import { access } from 'node:fs/promises';
import { importLabels, LabelFileFormat } from '@kanary/traffic';
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { parseOption } from '../option-parsers.js';
import type { Output } from '../output.js';
import { progressLine } from '../progress-line.js';

/** Bad rows listed one by one before the rest are only counted. */
const MAX_LISTED_BAD_ROWS = 100;

export interface LabelsImportOptions {
  model?: string;
  format?: LabelFileFormat;
  batchSize: number;
}

/** Declares `kanary labels import <file>` and its options on `command`. */
export function describeLabelsImportCommand(command: Command): Command {
  return command
    .description('import ground-truth labels from a CSV or JSONL file into the labels topic')
    .argument('<file>', 'CSV or JSONL file of labels')
    .option('--model <name>', 'model of rows that have no model column')
    .addOption(
      new Option(
        '--format <format>',
        'file format (default: by extension, .jsonl/.ndjson are JSONL)',
      ).choices(Object.values(LabelFileFormat)),
    )
    .option('--batch-size <n>', 'labels per produce request', parseOption.positiveInt, 500)
    .addHelpText(
      'after',
      `
File formats:
  CSV    a header naming requestId, label and optionally timestamp and model, in any order;
         or no header and the columns requestId,label[,timestamp[,model]]
  JSONL  one object per line: {"requestId": "...", "label": "...", "timestamp": ..., "model": "..."}
timestamp is epoch milliseconds or ISO 8601; rows without one are stamped with the import time.

The file is streamed, so it may be larger than memory. Bad rows are reported on stderr with
their line number and skipped; every other row is imported. Labels are keyed by requestId and
produced idempotently; importing a file again republishes its labels, which the evaluator
ignores as duplicates (it keeps the first label of a request).

Exit codes: 0 every row imported; 1 some rows were bad (the others were imported);
2 bad usage or an unreadable file; 3 Kafka or the schema registry unreachable.`,
    );
}

/** `kanary labels import <file>`. */
export async function labelsImport(
  ctx: CliContext,
  out: Output,
  file: string,
  options: LabelsImportOptions,
): Promise<number> {
  try {
    await access(file);
  } catch (e) {
    out.error(`error: cannot read ${file}: ${(e as Error).message}`);
    return 2;
  }
  const progress = progressLine(process.stderr);
  let bad = 0;
  const describe = (p: { bytesRead: number; totalBytes: number; rows: number; bad: number }) =>
    `${p.totalBytes > 0 ? ((100 * p.bytesRead) / p.totalBytes).toFixed(0) : '100'}% of ${file}: ${p.rows} rows, ${p.bad} bad`;
  const report = await importLabels({
    kafka: ctx.kafka,
    codec: ctx.codec,
    labels: ctx.catalog.labels,
    file,
    format: options.format,
    model: options.model,
    batchSize: options.batchSize,
    onBadRow: (line, error) => {
      bad += 1;
      if (bad <= MAX_LISTED_BAD_ROWS) out.error(`${file}:${line}: ${error}`);
    },
    onProgress: (p) => progress.update(describe(p)),
  });
  progress.done(describe(report));
  if (report.bad > MAX_LISTED_BAD_ROWS)
    out.error(`... and ${report.bad - MAX_LISTED_BAD_ROWS} more bad rows`);
  out.line(
    `imported ${report.imported} of ${report.rows} rows from ${file} to ${ctx.catalog.labels.name}${report.bad > 0 ? `; ${report.bad} bad rows skipped` : ''}`,
  );
  return report.bad > 0 ? 1 : 0;
}
