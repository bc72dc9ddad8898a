import type { DecodedPrediction, EndpointCodec } from './endpoint-codec.js';
import type { JsonEndpoint } from './http-config.js';
import { valueAtPath } from './json-path.js';

function decode(endpoint: JsonEndpoint, body: unknown): DecodedPrediction {
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

/**
 * Plain JSON codec: the features are the body; output and score are read at dotted paths. One
 * request per call: the protocol has no batches.
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
