import { classScores, type ClassScoresResult } from './class-scores.js';
import type { DecodedPrediction, EndpointCodec } from './endpoint-codec.js';
import type { JsonEndpoint } from './http-config.js';
import { valueAtPath } from './json-path.js';

function decodeOutput(
  endpoint: JsonEndpoint,
  body: unknown,
): { output: string | null; score: number | null } | { error: string } {
  const value = valueAtPath(body, endpoint.outputPath);
  let output: string | null;
  if (value === undefined) return { error: `response has no ${endpoint.outputPath}` };
  if (value === null) output = null;
  else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    output = String(value);
  else return { error: `response field ${endpoint.outputPath} is not a scalar` };

  if (endpoint.scorePath === undefined)
    return { output, score: typeof value === 'number' ? value : null };
  const score = valueAtPath(body, endpoint.scorePath);
  if (score === undefined || score === null) return { output, score: null };
  return typeof score === 'number'
    ? { output, score }
    : { error: `response field ${endpoint.scorePath} is not a number` };
}

/** The probabilities at `scores.path`; null when the response has none. */
function decodeScores(
  scores: NonNullable<JsonEndpoint['scores']>,
  body: unknown,
): ClassScoresResult | null {
  const value = valueAtPath(body, scores.path);
  if (value === undefined || value === null) return null;
  const what = `response field ${scores.path}`;
  if (Array.isArray(value)) {
    return scores.classes === undefined
      ? { ok: false, error: `${what} is an array: name its classes in scores.classes` }
      : classScores(scores.classes, value, what);
  }
  if (typeof value === 'object') return classScores(Object.keys(value), Object.values(value), what);
  return { ok: false, error: `${what} is neither an object of class probabilities nor an array` };
}

function decode(endpoint: JsonEndpoint, body: unknown): DecodedPrediction {
  const decoded = decodeOutput(endpoint, body);
  if ('error' in decoded) return decoded;
  const scored = endpoint.scores === undefined ? null : decodeScores(endpoint.scores, body);
  if (scored === null) return { ...decoded, scores: null };
  if (!scored.ok) return { error: scored.error };
  const { output } = decoded;
  const { scores } = scored;
  const own = output !== null && Object.hasOwn(scores, output);
  const score = endpoint.scorePath === undefined && own ? (scores[output] ?? null) : decoded.score;
  return { output, score, scores };
}

/**
 * Plain JSON codec: the features are the body; output, score and class probabilities are read at
 * dotted paths. One request per call: the protocol has no batches.
 */
export function jsonCodec(endpoint: JsonEndpoint): EndpointCodec {
  return {
    maxRows: 1,
    callsInFlight: Infinity,
    encode: (request) => ({ url: endpoint.url, row: request.features }),
    body: (rows) => rows[0],
    decode: (body) => [decode(endpoint, body)],
  };
}
