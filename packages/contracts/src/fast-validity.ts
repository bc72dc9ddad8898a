/**
 * A fast path for the semantic rules of the high-volume events (one per inference request and
 * more): a plain check that a value certainly passes {@link semanticIssues}' zod rules. zod 3's
 * `safeParse` copies the object and builds a parse context per field — about 30 µs per record on
 * the 2-core development machine, and a record is checked once when decoded and once per event
 * encoded (bench/RESULTS.md). This check costs the feature text's `JSON.parse` plus a few
 * comparisons.
 *
 * It only ever answers "valid for sure": each check here implies the zod rule it stands for
 * (never the other way round), and any value it does not accept is judged by the zod rules,
 * which stay the single source of truth and of the messages. Events not listed have no fast path.
 */
import type { EventName } from './events.js';
import { MAX_PLAUSIBLE_TIME_MS, MIN_PLAUSIBLE_TIME_MS } from './plausible-time.js';
import { SCORES_SUM_TOLERANCE } from './scores-tolerance.js';

type Fields = Record<string, unknown>;

const id = (v: unknown): boolean => typeof v === 'string' && v.trim() !== '';
const time = (v: unknown): boolean =>
  Number.isInteger(v) &&
  (v as number) >= MIN_PLAUSIBLE_TIME_MS &&
  (v as number) <= MAX_PLAUSIBLE_TIME_MS;
const latency = (v: unknown): boolean => Number.isFinite(v) && (v as number) >= 0;
const absent = (v: unknown): boolean => v === null || v === undefined;
const optionalId = (v: unknown): boolean => absent(v) || id(v);
const optionalLoss = (v: unknown): boolean => absent(v) || latency(v);
/** Null, or a map of finite numbers. */
const optionalOutcomes = (v: unknown): boolean => {
  if (absent(v)) return true;
  if (typeof v !== 'object') return false;
  for (const value of Object.values(v as Fields)) if (!Number.isFinite(value)) return false;
  return true;
};
/** Null, or at least one class probability in [0, 1], summing to 1 within the tolerance. */
const optionalScores = (v: unknown): boolean => {
  if (absent(v)) return true;
  if (typeof v !== 'object') return false;
  let sum = 0;
  let classes = 0;
  for (const p of Object.values(v as Fields)) {
    if (!(Number.isFinite(p) && (p as number) >= 0 && (p as number) <= 1)) return false;
    sum += p as number;
    classes += 1;
  }
  return classes > 0 && Math.abs(sum - 1) <= SCORES_SUM_TOLERANCE;
};
/**
 * Feature texts found to be JSON lately. A request's text travels unchanged into its routed
 * records, so the router checks the same string when it decodes the request and again when it
 * encodes each routed record; the second check is a set lookup instead of a `JSON.parse` (the
 * string's hash is computed once and cached by V8). Bounded: short texts only, and the set is
 * emptied when full — a batch's worth of records (~900 at the default fetch size) fits.
 */
const knownJson = new Set<string>();
const KNOWN_JSON_ENTRIES = 2048;
const KNOWN_JSON_MAX_LENGTH = 1024;

const jsonText = (v: unknown): boolean => {
  if (typeof v !== 'string') return false;
  if (knownJson.has(v)) return true;
  try {
    JSON.parse(v);
  } catch {
    return false;
  }
  if (v.length <= KNOWN_JSON_MAX_LENGTH) {
    if (knownJson.size >= KNOWN_JSON_ENTRIES) knownJson.clear();
    knownJson.add(v);
  }
  return true;
};

const checks: Partial<Record<EventName, (v: Fields) => boolean>> = {
  InferenceRequest: (v) =>
    id(v.requestId) && id(v.model) && time(v.timestamp) && jsonText(v.features),
  RoutedRequest: (v) =>
    id(v.requestId) &&
    id(v.model) &&
    id(v.variant) &&
    time(v.timestamp) &&
    time(v.routedAt) &&
    optionalId(v.segment) &&
    jsonText(v.features),
  Prediction: (v) =>
    id(v.requestId) &&
    id(v.model) &&
    id(v.variant) &&
    latency(v.latencyMs) &&
    time(v.timestamp) &&
    (v.score === null || Number.isFinite(v.score)) &&
    optionalScores(v.scores) &&
    optionalId(v.segment) &&
    (v.status === 'OK' || v.status === 'ERROR' || v.status === 'TIMEOUT') &&
    (v.output === null ? v.status !== 'OK' : typeof v.output === 'string'),
  GroundTruthLabel: (v) =>
    id(v.requestId) &&
    id(v.model) &&
    id(v.label) &&
    time(v.timestamp) &&
    optionalOutcomes(v.outcomes),
  Evaluation: (v) =>
    id(v.requestId) &&
    id(v.model) &&
    id(v.variant) &&
    latency(v.latencyMs) &&
    (v.absError === null || latency(v.absError)) &&
    optionalLoss(v.logLoss) &&
    optionalLoss(v.brier) &&
    optionalId(v.segment) &&
    optionalOutcomes(v.outcomes) &&
    time(v.predictedAt) &&
    time(v.labeledAt),
};

/** True only when `value` certainly passes the event's semantic rules; false means "ask zod". */
export function certainlyValid(event: EventName, value: unknown): boolean {
  const check = checks[event];
  return (
    check !== undefined && typeof value === 'object' && value !== null && check(value as Fields)
  );
}
