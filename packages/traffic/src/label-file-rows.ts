import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse, type CsvError } from 'csv-parse';
import { LabelColumn, OUTCOME_COLUMN_PREFIX, POSITIONAL_COLUMNS } from './label-row.js';

export const LabelFileFormat = { CSV: 'csv', JSONL: 'jsonl' } as const;
export type LabelFileFormat = (typeof LabelFileFormat)[keyof typeof LabelFileFormat];

/** `.jsonl` and `.ndjson` are JSON lines; anything else is read as CSV. */
export const formatOfFile = (file: string): LabelFileFormat =>
  ['.jsonl', '.ndjson'].includes(extname(file).toLowerCase())
    ? LabelFileFormat.JSONL
    : LabelFileFormat.CSV;

/** One row of a label file, by its 1-based line number: its values by column, or why it is unreadable. */
export type LabelFileRow =
  | { readonly line: number; readonly row: Record<string, unknown> }
  | { readonly line: number; readonly error: string };

/**
 * The rows of a label file, streamed. CSV: a header naming `requestId`, `label` and optionally
 * `timestamp`, `model` and `outcome:<name>` columns (numeric outcomes), or no header and the
 * first four columns in that order. JSONL: one object per line with the same keys, outcomes as an
 * `outcomes` object. Blank lines are skipped; an unreadable row is yielded with its error.
 */
export function labelFileRows(
  input: NodeJS.ReadableStream,
  format: LabelFileFormat,
): AsyncGenerator<LabelFileRow> {
  return format === LabelFileFormat.JSONL ? jsonlRows(input) : csvRows(input);
}

async function* jsonlRows(input: NodeJS.ReadableStream): AsyncGenerator<LabelFileRow> {
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line += 1;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield { line, error: `not JSON: ${(e as Error).message}` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, error: 'not a JSON object' };
      continue;
    }
    yield { line, row: value as Record<string, unknown> };
  }
}

async function* csvRows(input: NodeJS.ReadableStream): AsyncGenerator<LabelFileRow> {
  const skipped: LabelFileRow[] = [];
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    info: true,
  });
  // Records csv-parse cannot read (an unclosed quote, say) are skipped and reported here.
  parser.on('skip', (e: CsvError & { lines?: number }) =>
    skipped.push({ line: e.lines ?? 0, error: e.message }),
  );
  input.pipe(parser);
  let columns: readonly string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    // The parser may have read ahead: report skipped records in line order with the rest.
    while (skipped.length > 0 && skipped[0]!.line < info.lines) yield skipped.shift()!;
    if (columns === undefined) {
      const names = record.map((c) => c.trim());
      // `outcomes` is the JSON lines object; a CSV file names each outcome in its own column.
      const known = Object.values(LabelColumn).filter(
        (c) => c !== LabelColumn.OUTCOMES,
      ) as string[];
      if (names.includes(LabelColumn.REQUEST_ID) && names.includes(LabelColumn.LABEL)) {
        const unknown = names.filter(
          (n) =>
            !known.includes(n) &&
            !(n.startsWith(OUTCOME_COLUMN_PREFIX) && n.length > OUTCOME_COLUMN_PREFIX.length),
        );
        if (unknown.length > 0)
          throw new Error(
            `unknown CSV column(s) ${unknown.join(', ')}; expected ${known.join(', ')} and ${OUTCOME_COLUMN_PREFIX}<name> columns`,
          );
        columns = names;
        continue;
      }
      columns = POSITIONAL_COLUMNS;
    }
    if (record.length < 2 || record.length > columns.length) {
      yield {
        line: info.lines,
        error: `has ${record.length} field(s), expected ${columns === POSITIONAL_COLUMNS ? '2 to 4' : columns.length}`,
      };
      continue;
    }
    yield { line: info.lines, row: Object.fromEntries(record.map((v, i) => [columns![i]!, v])) };
  }
  yield* skipped.splice(0);
}
