import type { PredictRequest } from './backend.js';

export interface HttpCall {
  readonly url: string;
  readonly body: unknown;
}

/** A prediction read from a response, or why none could be read. */
export type DecodedPrediction =
  { readonly output: string | null; readonly score: number | null } | { readonly error: string };

/** Maps requests to one protocol's HTTP calls and its responses back to predictions; pure. */
export interface EndpointCodec {
  encode(request: PredictRequest): HttpCall | { readonly error: string };
  decode(body: unknown): DecodedPrediction;
}
