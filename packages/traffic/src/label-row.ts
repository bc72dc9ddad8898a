import {
  MAX_PLAUSIBLE_TIME_MS,
  MIN_PLAUSIBLE_TIME_MS,
  semanticIssues,
  type GroundTruthLabel,
} from '@kanary/contracts';

/** Column names of an imported label row (CSV header or JSONL keys). */
export const LabelColumn = {
  REQUEST_ID: 'requestId',
  LABEL: 'label',
  TIMESTAMP: 'timestamp',
  MODEL: 'model',
  /** JSON lines: an object of named numeric outcomes, `{"revenue": 12.5}`. */
  OUTCOMES: 'outcomes',
} as const;

/** Prefix of a column holding one named outcome (`outcome:revenue`), for CSV files. */
export const OUTCOME_COLUMN_PREFIX = 'outcome:';
export type LabelColumn = (typeof LabelColumn)[keyof typeof LabelColumn];

/** Positional order of a CSV without a header. */
export const POSITIONAL_COLUMNS: readonly LabelColumn[] = [
  LabelColumn.REQUEST_ID,
  LabelColumn.LABEL,
  LabelColumn.TIMESTAMP,
  LabelColumn.MODEL,
];

export type LabelRowResult =
  | { readonly ok: true; readonly label: GroundTruthLabel }
  | { readonly ok: false; readonly error: string };

export interface LabelRowDefaults {
  /** Model for rows without a `model` value. */
  readonly model?: string | undefined;
  /** Timestamp for rows without one (the import time), epoch ms. */
  readonly timestamp: number;
}

const text = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
};

/** Epoch milliseconds from a number, a numeric string or an ISO 8601 date-time. */
function parseTimestamp(value: unknown): number | string {
  const raw = text(value) ?? '';
  const ms = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) return `"${raw}" is neither epoch milliseconds nor an ISO 8601 date`;
  if (ms < MIN_PLAUSIBLE_TIME_MS || ms > MAX_PLAUSIBLE_TIME_MS)
    return `${raw} is not epoch milliseconds between 2000 and 2100 (seconds?)`;
  return Math.round(ms);
}

/**
 * Turns one imported row (column → value) into a GroundTruthLabel, or says what is wrong with
 * it. A missing timestamp means "observed now"; a missing model takes the default.
 */
export function labelFromRow(
  row: Readonly<Record<string, unknown>>,
  defaults: LabelRowDefaults,
): LabelRowResult {
  const requestId = text(row[LabelColumn.REQUEST_ID]);
  if (requestId === undefined) return { ok: false, error: 'requestId is missing' };
  const label = text(row[LabelColumn.LABEL]);
  if (label === undefined) return { ok: false, error: 'label is missing' };
  const model = text(row[LabelColumn.MODEL]) ?? defaults.model;
  if (model === undefined)
    return { ok: false, error: 'model is missing (add a model column or pass --model)' };
  let timestamp = defaults.timestamp;
  if (text(row[LabelColumn.TIMESTAMP]) !== undefined) {
    const parsed = parseTimestamp(row[LabelColumn.TIMESTAMP]);
    if (typeof parsed === 'string') return { ok: false, error: `timestamp ${parsed}` };
    timestamp = parsed;
  }
  const outcomes = outcomesOf(row);
  if (typeof outcomes === 'string') return { ok: false, error: outcomes };
  const value: GroundTruthLabel = { requestId, model, label, timestamp, outcomes };
  const issues = semanticIssues('GroundTruthLabel', value);
  return issues.length > 0 ? { ok: false, error: issues.join('; ') } : { ok: true, label: value };
}

/**
 * The named numeric outcomes of a row: an `outcomes` object (JSON lines) and `outcome:<name>`
 * columns (CSV; empty cells are no outcome). Null when there are none; a message when a value is
 * not a finite number.
 */
function outcomesOf(
  row: Readonly<Record<string, unknown>>,
): Record<string, number> | null | string {
  const found: Record<string, number> = {};
  const add = (name: string, value: unknown): string | undefined => {
    const raw = text(value);
    if (raw === undefined) return undefined;
    const number = Number(raw);
    if (name === '' || !Number.isFinite(number))
      return `outcome ${JSON.stringify(name)}: ${JSON.stringify(value)} is not a number`;
    found[name] = number;
    return undefined;
  };
  const nested = row[LabelColumn.OUTCOMES];
  if (nested !== undefined && nested !== null && nested !== '') {
    if (typeof nested !== 'object' || Array.isArray(nested))
      return 'outcomes must be an object of named numbers, e.g. {"revenue": 12.5}';
    for (const [name, value] of Object.entries(nested)) {
      const error = add(name, value);
      if (error !== undefined) return error;
    }
  }
  for (const [column, value] of Object.entries(row)) {
    if (!column.startsWith(OUTCOME_COLUMN_PREFIX)) continue;
    const error = add(column.slice(OUTCOME_COLUMN_PREFIX.length), value);
    if (error !== undefined) return error;
  }
  return Object.keys(found).length > 0 ? found : null;
}
