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
} as const;
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
  const value: GroundTruthLabel = { requestId, model, label, timestamp, outcomes: null };
  const issues = semanticIssues('GroundTruthLabel', value);
  return issues.length > 0 ? { ok: false, error: issues.join('; ') } : { ok: true, label: value };
}
